"""Every lobby outcome is a reply: a provider that is down or refuses, a malformed
command, a database that is gone, and a round interrupted by a stopping lobby."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
import pytest
from pydantic import SecretStr

from contracts import topology
from tests.integration.lobby.conftest import LobbyRig, delete_queue, running_lobby
from tests.support import infrastructure as infra
from tests.support.processes import free_port

pytestmark = pytest.mark.integration


@asynccontextmanager
async def other_lobby(lobby: LobbyRig, unique: str, **changes: object) -> AsyncIterator[str]:
    """A second lobby, on a queue of its own, configured like the main one but for `changes`."""
    queue = f"test.casino.lobby.{unique}"
    settings = lobby.settings.model_copy(update={**changes, "lobby_queue": queue})
    try:
        async with running_lobby(settings):
            yield queue
    finally:
        await delete_queue(settings.amqp_url.get_secret_value(), queue)


def _round(player_id: object, game_id: object) -> dict[str, object]:
    return {"userId": str(player_id), "gameId": str(game_id), "bets": [{"amount": 10}]}


async def _statuses(lobby: LobbyRig, user_id: uuid.UUID) -> list[str]:
    rows = await lobby.world.pool.fetch(
        "SELECT status FROM casino_game_sessions WHERE user_id = $1", user_id
    )
    return [row["status"] for row in rows]


@pytest.mark.parametrize("command", ["launchGame", "simulateRound"])
async def test_an_unreachable_provider_leaves_no_active_session(
    lobby: LobbyRig, unique: str, command: str
) -> None:
    player = await lobby.world.player(balance=1_000)
    game_id = await lobby.world.game()
    nowhere = f"http://127.0.0.1:{free_port()}"

    async with other_lobby(lobby, unique, provider_url=nowhere) as queue:
        reply = await lobby.caller.call(queue, command, _round(player.user_id, game_id))

    assert reply["error"]["code"] == "PROVIDER_UNAVAILABLE"
    assert reply["error"]["retryable"] is True
    assert await _statuses(lobby, player.user_id) == ["ended"]
    assert await lobby.world.balance(player) == 1_000


async def test_a_provider_refusing_our_signature_is_reported_and_ends_the_session(
    lobby: LobbyRig, unique: str
) -> None:
    player = await lobby.world.player(balance=1_000)
    game_id = await lobby.world.game()

    async with other_lobby(
        lobby, unique, provider_secret=(SecretStr("not-the-provider-secret"),)
    ) as queue:
        reply = await lobby.caller.call(queue, "launchGame", _round(player.user_id, game_id))

    assert reply["error"]["code"] == "PROVIDER_UNAVAILABLE"
    assert "SIGNATURE_INVALID" in reply["error"]["error"]
    assert await _statuses(lobby, player.user_id) == ["ended"]


async def test_an_unavailable_database_is_a_retryable_reply(
    lobby: LobbyRig, unique: str, postgres_admin_url: str
) -> None:
    missing = infra.database_url(postgres_admin_url, f"no_such_db_{uuid.uuid4().hex[:8]}")

    async with other_lobby(lobby, unique, casino_database_url=SecretStr(missing)) as queue:
        reply = await lobby.caller.call(queue, "launchGame", _round(uuid.uuid4(), uuid.uuid4()))

    assert reply["error"]["code"] == "WALLET_UNAVAILABLE"
    assert reply["error"]["retryable"] is True


@pytest.mark.parametrize(
    ("body", "code", "named"),
    [
        (b"not json", "INVALID_REQUEST", ""),
        (b'{"command": "dealCards", "request": {}}', "INVALID_REQUEST", "command"),
        (b'{"command": "launchGame", "request": {"gameId": "x"}}', "INVALID_REQUEST", "userId"),
        (
            b'{"command": "simulateRound", "request": {"userId": "%s", "gameId": "%s",'
            b' "bets": [{"amount": 10.5}]}}'
            % (uuid.uuid4().hex.encode(), uuid.uuid4().hex.encode()),
            "INVALID_AMOUNT",
            "amount",
        ),
    ],
)
async def test_a_malformed_command_gets_an_invalid_request_reply(
    lobby: LobbyRig, body: bytes, code: str, named: str
) -> None:
    reply = await lobby.caller.reply(await lobby.caller.publish(lobby.queue, body))

    assert reply["error"]["code"] == code
    assert named in reply["error"]["error"]


async def test_an_interrupted_round_is_answered_not_played_again(
    lobby: LobbyRig, unique: str, amqp_url: str
) -> None:
    player = await lobby.world.player(balance=1_000)
    game_id = await lobby.world.game()
    queue = f"test.casino.lobby.{unique}"
    body = json.dumps({"command": "simulateRound", "request": _round(player.user_id, game_id)})
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        arguments = topology.command_queue(queue).arguments
        declared = await channel.declare_queue(queue, durable=True, arguments=arguments)
        correlation_id = await lobby.caller.publish(queue, body.encode())
        # A lobby took the command and died before answering: the broker redelivers it.
        taken = await declared.get(timeout=5)
        await taken.nack(requeue=True)

    async with other_lobby(lobby, unique):
        reply = await lobby.caller.reply(correlation_id)

    assert reply["error"]["code"] == "ROUND_INTERRUPTED"
    assert reply["error"]["retryable"] is False
    assert "not replayed" in reply["error"]["error"]
    assert await _statuses(lobby, player.user_id) == []
    assert await lobby.world.balance(player) == 1_000
