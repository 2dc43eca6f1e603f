"""launchGame over RabbitMQ: the session it opens, the signed call to the provider, and
the four reasons a launch is refused before the provider is called."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from tests.integration.lobby.conftest import LobbyRig, session_row

pytestmark = pytest.mark.integration


async def _launch(
    lobby: LobbyRig, user_id: object, game_id: object, **extra: object
) -> dict[str, Any]:
    request = {"userId": str(user_id), "gameId": str(game_id), **extra}
    return await lobby.caller.call(lobby.queue, "launchGame", request)


async def test_launch_opens_a_session_the_provider_knows(lobby: LobbyRig) -> None:
    player = await lobby.world.player(balance=12_345)
    game_id = await lobby.world.game()

    reply = await _launch(lobby, player.user_id, game_id)

    result = reply["result"]
    assert "error" not in reply
    assert result["success"] is True
    assert result["balance"] == 12_345
    assert result["currency"] == "USD"
    token = result["sessionToken"]
    assert len(token) >= 40
    sent = lobby.provider.launches[token]
    assert sent == {
        "casinoCode": "demo-casino",
        "playerId": str(player.user_id),
        "gameId": "demo-slots",
        "sessionToken": token,
        "currency": "USD",
        "balance": 12_345,
    }
    assert result["gameUrl"] == f"https://games.example/demo-slots?s={token}"
    row = await session_row(lobby.world.pool, token)
    assert row is not None
    assert str(row["id"]) == result["sessionId"]
    assert (row["user_id"], row["wallet_id"], row["game_id"]) == (
        player.user_id,
        player.wallet_id,
        game_id,
    )
    assert row["status"] == "active"
    assert row["provider_session_id"] == f"ps-{token[:12]}"


async def test_a_first_game_in_a_currency_opens_an_empty_wallet_in_it(lobby: LobbyRig) -> None:
    player = await lobby.world.player(balance=500, currency="USD")
    game_id = await lobby.world.game()

    first = (await _launch(lobby, player.user_id, game_id, currency="EUR"))["result"]
    second = (await _launch(lobby, player.user_id, game_id, currency="EUR"))["result"]

    assert (first["balance"], first["currency"]) == (0, "EUR")
    wallets = await lobby.world.pool.fetch(
        "SELECT currency, balance FROM casino_wallets WHERE user_id = $1 ORDER BY currency",
        player.user_id,
    )
    assert [(w["currency"], w["balance"]) for w in wallets] == [("EUR", 0), ("USD", 500)]
    first_row = await session_row(lobby.world.pool, first["sessionToken"])
    second_row = await session_row(lobby.world.pool, second["sessionToken"])
    assert first_row is not None
    assert second_row is not None
    assert first_row["wallet_id"] == second_row["wallet_id"] != player.wallet_id


async def _game(pool: asyncpg.Pool, *, active: bool, provider_enabled: bool) -> uuid.UUID:
    provider_id, game_id = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as db, db.transaction():
        await db.execute(
            "INSERT INTO casino_game_providers (id, code, name, is_enabled)"
            " VALUES ($1, $2, $2, $3)",
            provider_id,
            f"p-{provider_id.hex[:12]}",
            provider_enabled,
        )
        await db.execute(
            "INSERT INTO casino_games (id, provider_id, provider_game_code, name, is_active)"
            " VALUES ($1, $2, 'some-game', 'Some Game', $3)",
            game_id,
            provider_id,
            active,
        )
    return game_id


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown user", "USER_NOT_FOUND"),
        ("unknown game", "GAME_NOT_FOUND"),
        ("inactive game", "GAME_INACTIVE"),
        ("disabled provider", "PROVIDER_DISABLED"),
    ],
)
async def test_a_launch_that_cannot_be_played_is_refused_before_the_provider(
    lobby: LobbyRig, case: str, code: str
) -> None:
    player = await lobby.world.player(balance=100)
    pool = lobby.world.pool
    user_id, game_id = player.user_id, await lobby.world.game()
    if case == "unknown user":
        user_id = uuid.uuid4()
    elif case == "unknown game":
        game_id = uuid.uuid4()
    elif case == "inactive game":
        game_id = await _game(pool, active=False, provider_enabled=True)
    else:
        game_id = await _game(pool, active=True, provider_enabled=False)

    reply = await _launch(lobby, user_id, game_id)

    assert "result" not in reply
    assert reply["error"]["code"] == code
    assert reply["error"]["success"] is False
    assert reply["error"]["retryable"] is False
    assert not any(sent["playerId"] == str(user_id) for sent in lobby.provider.launches.values())
    sessions = await pool.fetchval(
        "SELECT count(*) FROM casino_game_sessions WHERE user_id = $1", player.user_id
    )
    assert sessions == 0
