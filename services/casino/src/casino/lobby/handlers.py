"""The lobby's subscriber: one `LobbyCommand` in, exactly one `RpcReply` out.

An entry point only: it parses, makes one call, and maps the outcome to a reply. Every
outcome is a reply value, a database failure included: a handler that raised would get
its message rejected and leave the gateway waiting until its timeout.
"""

import logging
import time
from typing import Annotated, Any

from faststream import Context
from faststream.rabbit import RabbitResponse
from faststream.rabbit.annotations import RabbitMessage
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from casino.consuming import metrics
from casino.lobby import operator
from casino.lobby.errors import LobbyError
from casino.lobby.launch import launch_game
from casino.lobby.resources import Lobby
from casino.lobby.simulate import simulate_round
from contracts.errors import ErrorBody, ErrorCode
from contracts.logs import CORRELATION_HEADER
from contracts.rpc import (
    AnyLobbyCommand,
    LaunchGameCommand,
    LobbyCommand,
    RpcReply,
    SimulateRoundCommand,
)

log = logging.getLogger(__name__)

LobbyDep = Annotated[Lobby, Context("lobby")]
_COMMAND: TypeAdapter[AnyLobbyCommand] = TypeAdapter(LobbyCommand)


async def handle_lobby_command(message: RabbitMessage, lobby: LobbyDep) -> RabbitResponse:
    correlation_id = message.headers.get(CORRELATION_HEADER) or message.correlation_id
    reply = await answer(lobby, message.body, correlation_id, bool(message.raw_message.redelivered))
    return RabbitResponse(
        reply.model_dump_json(exclude_none=True).encode(), content_type="application/json"
    )


async def answer(
    lobby: Lobby, body: bytes, correlation_id: str | None, redelivered: bool
) -> RpcReply:
    """The reply to one lobby command message, whatever happens."""
    started = time.perf_counter()
    try:
        command = _COMMAND.validate_json(body)
    except ValidationError as error:
        log.warning("invalid lobby command", extra={"correlation_id": correlation_id})
        return RpcReply(error=ErrorBody.of_invalid(error.errors(include_input=False)))
    logged = {"correlation_id": correlation_id, "command": command.command}
    try:
        reply = RpcReply(result=await _play(lobby, command, correlation_id, redelivered))
    except LobbyError as error:
        reply = RpcReply(error=error.body())
    except (SQLAlchemyError, OSError) as error:
        log.warning("casino database failed: %r", error, extra=logged)
        reply = RpcReply(
            error=ErrorBody.of(ErrorCode.WALLET_UNAVAILABLE, "The casino database is unavailable")
        )
    except Exception:
        log.exception("lobby command failed unexpectedly", extra=logged)
        reply = RpcReply(error=ErrorBody.of(ErrorCode.INTERNAL_ERROR))
    outcome = reply.error.code if reply.error else "ok"
    metrics.COMMANDS.labels(consumer="lobby", command=command.command, outcome=outcome).inc()
    metrics.COMMAND_SECONDS.labels(consumer="lobby", command=command.command).observe(
        time.perf_counter() - started
    )
    log.info("lobby command answered", extra={**logged, "outcome": outcome})
    return reply


async def _play(
    lobby: Lobby, command: AnyLobbyCommand, correlation_id: str | None, redelivered: bool
) -> dict[str, Any]:
    if isinstance(command, LaunchGameCommand):
        return (await launch_game(lobby, command.request, correlation_id)).to_wire()
    if not isinstance(command, SimulateRoundCommand):
        # The operator's commands are safe to carry out again: a redelivered grant finds
        # its campaign (the gateway chose its id), and the rest are reads or settings.
        return await operator.carry_out(lobby, command, correlation_id)
    if redelivered:
        # The lobby that took it first stopped mid-round: the round may have been played,
        # and playing it again would move the money a second time.
        raise LobbyError(
            ErrorCode.ROUND_INTERRUPTED,
            "The round was interrupted and is not replayed; check the balance "
            "before simulating again",
        )
    return (await simulate_round(lobby, command.request, correlation_id)).to_wire()
