"""The messages between gateway and casino over RabbitMQ request/reply.

A command is published to its queue with `reply_to` (the gateway's reply queue),
`correlation_id` (one per request, also the log correlation id) and an `expiration`
equal to the gateway's timeout, so a command nobody waits for any more is not applied
late by surprise (the queues and their arguments are in `contracts.topology`). The worker
answers with exactly one `RpcReply`, success or error: every outcome is a reply value,
never an exception that leaves the caller waiting.

A wallet command carries `provider`: the code of the provider whose secret the gateway
verified the callback with (`x-provider-code`, or the default provider's). A provider acts
only on sessions of its own games, so the worker answers a session of another provider's
game as an unknown one. None marks a command that did not come through a gateway (a
tool's, a test's).
"""

from typing import Annotated, Any, Literal, TypeAlias
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from contracts.errors import ErrorBody
from contracts.lobby import LaunchGameRequest, SimulateRoundRequest
from contracts.operator import (
    CampaignRequest,
    ExcludePlayerRequest,
    GrantFreeRoundsRequest,
    PlayerCampaignsRequest,
    PlayerLimitsRequest,
    PlayerRequest,
    ReadRoundRequest,
    SetPlayerLimitsRequest,
)
from contracts.wallet import (
    CreditRequest,
    DebitRequest,
    EndRoundRequest,
    GetBalanceRequest,
    RollbackRequest,
)


class GetBalanceCommand(BaseModel):
    command: Literal["getBalance"] = "getBalance"
    request: GetBalanceRequest
    provider: str | None = None


class DebitCommand(BaseModel):
    command: Literal["debit"] = "debit"
    request: DebitRequest
    provider: str | None = None


class CreditCommand(BaseModel):
    command: Literal["credit"] = "credit"
    request: CreditRequest
    provider: str | None = None


class RollbackCommand(BaseModel):
    command: Literal["rollback"] = "rollback"
    request: RollbackRequest
    provider: str | None = None


class EndRoundCommand(BaseModel):
    command: Literal["endRound"] = "endRound"
    request: EndRoundRequest
    provider: str | None = None


AnyWalletCommand: TypeAlias = (
    GetBalanceCommand | DebitCommand | CreditCommand | RollbackCommand | EndRoundCommand
)
WalletCommand = Annotated[AnyWalletCommand, Field(discriminator="command")]


class LaunchGameCommand(BaseModel):
    command: Literal["launchGame"] = "launchGame"
    request: LaunchGameRequest


class SimulateRoundCommand(BaseModel):
    command: Literal["simulateRound"] = "simulateRound"
    request: SimulateRoundRequest


# The operator's commands (`contracts.operator`): campaigns, player protection, rounds.
# They go to the lobby's queue too: a grant and a cancel call the game's provider.


class GrantFreeRoundsCommand(BaseModel):
    command: Literal["grantFreeRounds"] = "grantFreeRounds"
    request: GrantFreeRoundsRequest
    # Chosen by the gateway, so a command redelivered to the lobby grants one campaign.
    campaign_id: UUID


class CancelFreeRoundsCommand(BaseModel):
    command: Literal["cancelFreeRounds"] = "cancelFreeRounds"
    request: CampaignRequest


class GetFreeRoundsCommand(BaseModel):
    command: Literal["getFreeRounds"] = "getFreeRounds"
    request: CampaignRequest


class ListFreeRoundsCommand(BaseModel):
    command: Literal["listFreeRounds"] = "listFreeRounds"
    request: PlayerCampaignsRequest


class SetPlayerLimitsCommand(BaseModel):
    command: Literal["setPlayerLimits"] = "setPlayerLimits"
    request: SetPlayerLimitsRequest


class GetPlayerLimitsCommand(BaseModel):
    command: Literal["getPlayerLimits"] = "getPlayerLimits"
    request: PlayerLimitsRequest


class ExcludePlayerCommand(BaseModel):
    command: Literal["excludePlayer"] = "excludePlayer"
    request: ExcludePlayerRequest


class GetPlayerExclusionCommand(BaseModel):
    command: Literal["getPlayerExclusion"] = "getPlayerExclusion"
    request: PlayerRequest


class ReadRoundCommand(BaseModel):
    command: Literal["readRound"] = "readRound"
    request: ReadRoundRequest


AnyOperatorCommand: TypeAlias = (
    GrantFreeRoundsCommand
    | CancelFreeRoundsCommand
    | GetFreeRoundsCommand
    | ListFreeRoundsCommand
    | SetPlayerLimitsCommand
    | GetPlayerLimitsCommand
    | ExcludePlayerCommand
    | GetPlayerExclusionCommand
    | ReadRoundCommand
)
AnyLobbyCommand: TypeAlias = LaunchGameCommand | SimulateRoundCommand | AnyOperatorCommand
LobbyCommand = Annotated[AnyLobbyCommand, Field(discriminator="command")]


class RpcReply(BaseModel):
    """Exactly one of `result` (the success body, camelCase, as sent to the HTTP caller)
    or `error`."""

    result: dict[str, Any] | None = None
    error: ErrorBody | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "RpcReply":
        if (self.result is None) == (self.error is None):
            raise ValueError("an RPC reply has exactly one of result or error")
        return self


# Batching on the wire. Under load the gateway carries the wallet commands that are waiting
# at the same moment in one message, and the worker answers them in one reply message, so
# the broker's per-message cost (and the worker's per-transaction commit) is paid once per
# batch rather than once per command. Each command is still decided on its own.

WALLET_BATCH_TYPE = "wallet.batch"
"""The AMQP `type` property of a batch message; a message without it is one command."""


class BatchedWalletCommand(BaseModel):
    """One command of a batch, with the correlation id of the HTTP request it came from."""

    correlation_id: str
    command: WalletCommand


class WalletBatch(BaseModel):
    """Wallet commands to be decided in order, each on its own, and answered together.

    The worker validates each command on its own too: one malformed command gets its own
    INVALID_REQUEST reply and does not spoil the others.
    """

    commands: Annotated[list[BatchedWalletCommand], Field(min_length=1)]


class WalletBatchReply(BaseModel):
    """One reply per command of the batch, in the batch's order. A message that is not a
    batch at all is answered with a single `RpcReply` error instead."""

    replies: list[RpcReply]
