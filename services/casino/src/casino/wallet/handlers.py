"""The wallet worker's translation: message bytes in, exactly one reply out.

A message is one wallet command (answered with one `RpcReply`) or, when its AMQP type is
`wallet.batch`, a `WalletBatch` (answered with one `WalletBatchReply`, a reply per
command in order). Either way the commands go to `casino.wallet.batch.apply` as one batch, so
they share one database transaction and one commit.

Every outcome is a reply value, never an exception: a handler that raised would get its
message rejected and leave the gateway waiting until its timeout. A malformed command in
a batch gets its own INVALID_REQUEST reply, and one that fails on its own while being
applied its own COMMAND_NOT_APPLICABLE; the others are decided as usual. Only the
database failing as a whole answers every command of the batch WALLET_UNAVAILABLE.
"""

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from casino.consuming import metrics
from casino.database import LedgerPool
from casino.wallet import batch, isolation
from casino.wallet.errors import (
    InvalidCommandError,
    WalletError,
    WalletUnavailableError,
)
from contracts.errors import ErrorBody
from contracts.rpc import AnyWalletCommand, RpcReply, WalletBatchReply, WalletCommand

log = logging.getLogger(__name__)

_COMMAND: TypeAdapter[AnyWalletCommand] = TypeAdapter(WalletCommand)
# The envelope only; each command in it is validated on its own.
_BATCH: TypeAdapter[dict[str, list[dict[str, Any]]]] = TypeAdapter(dict[str, list[dict[str, Any]]])


@dataclass
class _Item:
    """One command of a message, parsed or not, and what it came to."""

    correlation_id: str | None
    command: AnyWalletCommand | None = None
    reply: RpcReply | None = None


async def answer(pool: LedgerPool, body: bytes, correlation_id: str | None) -> RpcReply:
    """The reply to a message holding one wallet command, whatever happens."""
    started = time.perf_counter()
    item = _Item(correlation_id)
    try:
        item.command = _COMMAND.validate_json(body)
    except ValidationError as error:
        item.reply = RpcReply(error=ErrorBody.of_invalid(error.errors(include_input=False)))
    [reply] = await _decide_items(pool, [item], started)
    return reply


async def answer_batch(pool: LedgerPool, body: bytes) -> WalletBatchReply | RpcReply:
    """The replies to a batch message, in order; a single error if it is not a batch."""
    started = time.perf_counter()
    try:
        commands = _BATCH.validate_json(body)["commands"]
    except (ValidationError, KeyError):
        log.warning("invalid wallet batch")
        return RpcReply(error=InvalidCommandError("not a wallet batch").body())
    items = [_parse(raw) for raw in commands]
    return WalletBatchReply(replies=await _decide_items(pool, items, started))


def _parse(raw: dict[str, Any]) -> _Item:
    correlation_id = raw.get("correlation_id")
    item = _Item(correlation_id if isinstance(correlation_id, str) else None)
    try:
        item.command = _COMMAND.validate_python(raw.get("command"))
    except ValidationError as error:
        item.reply = RpcReply(error=ErrorBody.of_invalid(error.errors(include_input=False)))
    return item


async def _decide_items(pool: LedgerPool, items: list[_Item], started: float) -> list[RpcReply]:
    """Every item's reply, in order: the parsed ones are applied together, as one batch."""
    parsed = [item for item in items if item.command is not None]
    commands = [item.command for item in items if item.command is not None]
    if parsed:
        try:
            outcomes = await batch.apply(pool, commands)
            for item, outcome in zip(parsed, outcomes, strict=True):
                item.reply = _reply(outcome)
        except Exception as error:
            # `apply` answers a failure of one command in that command's outcome: what is
            # left is the database failing as a whole, or a failure nobody foresaw.
            failed: WalletError
            if isolation.is_the_databases(error):
                log.warning("wallet database failed: %r", error, extra={"commands": len(parsed)})
                failed = WalletUnavailableError()
            else:
                log.exception("wallet batch failed unexpectedly", extra={"commands": len(parsed)})
                failed = WalletError()
            for item in parsed:
                item.reply = RpcReply(error=failed.body())
    return _account(items, time.perf_counter() - started)


def _reply(outcome: batch.Outcome) -> RpcReply:
    return RpcReply(error=outcome.body()) if isinstance(outcome, WalletError) else outcome


def _account(items: list[_Item], seconds: float) -> list[RpcReply]:
    """Log each command's outcome code (`ok` or the error code); count them and their
    duration (the message's) once per command and outcome: on a batch of a hundred
    commands, looking up a labelled metric per command cost more than deciding it."""
    answered: Counter[tuple[str, str]] = Counter()
    replies = []
    for item in items:
        if item.reply is None:
            raise AssertionError("every command of a message is answered")
        outcome = item.reply.error.code if item.reply.error else "ok"
        command: str = item.command.command if item.command is not None else "invalid"
        answered[command, outcome] += 1
        logged = {
            "correlation_id": item.correlation_id,
            "command": command,
            "transaction_id": getattr(
                getattr(item.command, "request", None), "transaction_id", None
            ),
            "outcome": outcome,
        }
        if item.command is None:
            log.warning("invalid wallet command", extra=logged)
        else:
            log.info("wallet command answered", extra=logged)
        replies.append(item.reply)
    for (command, outcome), count in answered.items():
        metrics.WALLET_OUTCOMES.labels(command=command, code=outcome).inc(count)
        metrics.COMMANDS.labels(consumer="wallet", command=command, outcome=outcome).inc(count)
        duration = metrics.COMMAND_SECONDS.labels(consumer="wallet", command=command)
        for _ in range(count):
            duration.observe(seconds)
    return replies
