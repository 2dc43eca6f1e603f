"""The bytes of a wallet batch message and of its reply (`contracts.rpc`), both ways.

A batch's reply is a `WalletBatchReply`, one reply per command in the batch's order, or a
single `RpcReply` error when the worker could not read the batch at all: that error then
answers every command. Anything else is a worker bug, refused here rather than guessed at.
"""

from collections.abc import Sequence
from typing import cast

from pydantic import BaseModel, TypeAdapter

from contracts.rpc import (
    AnyWalletCommand,
    BatchedWalletCommand,
    RpcReply,
    WalletBatch,
    WalletBatchReply,
)
from gateway.errors import UnreadableReplyError

_BATCH_OR_REFUSAL: TypeAdapter[WalletBatchReply | RpcReply] = TypeAdapter(
    WalletBatchReply | RpcReply
)


def batch_body(commands: Sequence[tuple[str, BaseModel]]) -> bytes:
    """The JSON of a `WalletBatch` of (correlation id, command) pairs, in their order."""
    # The commands were validated when their requests were parsed: construct, not validate.
    batch = WalletBatch.model_construct(
        commands=[
            BatchedWalletCommand.model_construct(
                # Only wallet commands are batched (`callbacks.batching` serves the wallet queue).
                correlation_id=correlation_id,
                command=cast(AnyWalletCommand, command),
            )
            for correlation_id, command in commands
        ]
    )
    body: bytes = batch.model_dump_json(by_alias=True).encode()
    return body


def replies_to_batch(body: bytes, commands: int) -> list[RpcReply]:
    """One reply per command of a batch of `commands`, from its reply's body."""
    answer = _BATCH_OR_REFUSAL.validate_json(body)
    if isinstance(answer, RpcReply):
        if answer.error is None:
            raise UnreadableReplyError("a batch answered by a single success")
        return [answer] * commands
    replies: list[RpcReply] = answer.replies
    if len(replies) != commands:
        raise UnreadableReplyError(f"{len(replies)} replies to {commands} commands")
    return replies
