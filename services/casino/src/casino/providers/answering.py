"""The lobby process answers the gateways' question "what is the provider registry?".

A subscriber of its own on `contracts.topology.registry_queue(LOBBY_QUEUE)`, beside the
lobby's, on the lobby's broker and database: a gateway asks every few seconds, and the question must
never wait behind a slow simulateRound. The answer carries the callback secrets sealed
(`contracts.registry`); every outcome is a reply value, a database failure included.
"""

import logging
from typing import Annotated

from faststream import Context
from faststream.rabbit import RabbitBroker, RabbitResponse
from faststream.rabbit.annotations import RabbitMessage
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from casino.consuming.broker import subscribe
from casino.lobby.resources import Lobby
from casino.providers.registry import snapshot
from contracts.errors import ErrorBody, ErrorCode
from contracts.registry import RegistryCommand
from contracts.rpc import RpcReply

log = logging.getLogger(__name__)

LobbyDep = Annotated[Lobby, Context("lobby")]
# Questions are cheap and answered at once; a few at a time is plenty.
REGISTRY_PREFETCH = 4


def answer_registry_questions(broker: RabbitBroker, queue: str) -> None:
    """Subscribe `broker` to `queue` with the registry's answer."""
    subscribe(broker, queue, _answer, prefetch=REGISTRY_PREFETCH)


async def _answer(message: RabbitMessage, lobby: LobbyDep) -> RabbitResponse:
    try:
        RegistryCommand.model_validate_json(message.body)
        reply = RpcReply(result=(await snapshot(lobby.database)).to_wire())
    except ValidationError as error:
        reply = RpcReply(error=ErrorBody.of_invalid(error.errors(include_input=False)))
    except (SQLAlchemyError, OSError) as error:
        log.warning("casino database failed answering the registry: %r", error)
        reply = RpcReply(error=ErrorBody.of(ErrorCode.WALLET_UNAVAILABLE))
    return RabbitResponse(
        reply.model_dump_json(exclude_none=True).encode(), content_type="application/json"
    )
