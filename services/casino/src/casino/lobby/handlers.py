"""The lobby's subscriber: one `LobbyCommand` in, exactly one `RpcReply` out.

An entry point only: it parses, makes one call, and maps the outcome to a reply. Every
outcome is a reply value, a database failure included: a handler that raised would get
its message rejected and leave the gateway waiting until its timeout.
"""

import logging
from typing import Annotated

from faststream import Context
from faststream.rabbit import RabbitResponse
from faststream.rabbit.annotations import RabbitMessage
from faststream.rabbit.message import RabbitMessage as IncomingCommand
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from casino.lobby.errors import LobbyError
from casino.lobby.launch import launch_game
from casino.lobby.provider_client import CORRELATION_HEADER
from casino.lobby.resources import Lobby
from casino.lobby.simulate import simulate_round
from contracts.errors import ErrorBody, ErrorCode
from contracts.money import INVALID_AMOUNT_ERROR
from contracts.rpc import LaunchGameCommand, LobbyCommand, RpcReply, SimulateRoundCommand

log = logging.getLogger(__name__)

LobbyDep = Annotated[Lobby, Context("lobby")]
_COMMAND: TypeAdapter[LaunchGameCommand | SimulateRoundCommand] = TypeAdapter(LobbyCommand)


async def raw_body(message: IncomingCommand) -> bytes:
    """Leave the body undecoded: `answer` validates it, so even one that is not JSON at all
    gets an INVALID_REQUEST reply instead of being rejected unanswered by the framework."""
    return message.body


async def handle_lobby_command(message: RabbitMessage, lobby: LobbyDep) -> RabbitResponse:
    correlation_id = message.headers.get(CORRELATION_HEADER) or message.correlation_id
    reply = await answer(lobby, message.body, correlation_id, bool(message.raw_message.redelivered))
    return RabbitResponse(
        reply.model_dump_json(exclude_none=True).encode(), content_type="application/json"
    )


async def answer(
    lobby: Lobby, body: bytes, correlation_id: str | None, redelivered: bool
) -> RpcReply:
    try:
        command = _COMMAND.validate_json(body)
    except ValidationError as error:
        return RpcReply(error=_invalid(error))
    logged = {"correlation_id": correlation_id, "command": command.command}
    try:
        match command:
            case LaunchGameCommand(request=request):
                result = await launch_game(lobby, request, correlation_id)
            case SimulateRoundCommand(request=request):
                if redelivered:
                    # The lobby that took it first stopped mid-round: the round may have been
                    # played, and playing it again would move the money a second time.
                    raise LobbyError(
                        ErrorCode.INTERNAL_ERROR,
                        "The round was interrupted and is not replayed; check the balance "
                        "before simulating again",
                    )
                result = await simulate_round(lobby, request, correlation_id)
    except LobbyError as error:
        log.info("lobby command refused: %s", error.code, extra=logged)
        return RpcReply(error=error.body())
    except (SQLAlchemyError, OSError):
        log.exception("lobby command failed on the casino database", extra=logged)
        return RpcReply(
            error=ErrorBody.of(ErrorCode.WALLET_UNAVAILABLE, "The casino database is unavailable")
        )
    except Exception:
        log.exception("lobby command failed", extra=logged)
        return RpcReply(error=ErrorBody.of(ErrorCode.INTERNAL_ERROR))
    return RpcReply(result=result.to_wire())


def _invalid(error: ValidationError) -> ErrorBody:
    """The first problem, naming its field, as the gateway would have answered it."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    code = (
        ErrorCode.INVALID_AMOUNT
        if first["type"] == INVALID_AMOUNT_ERROR
        else ErrorCode.INVALID_REQUEST
    )
    return ErrorBody.of(code, f"{field}: {first['msg']}" if field else first["msg"])
