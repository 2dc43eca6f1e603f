"""POST /provider/launch over the real database: signatures, validation, player mapping."""

import time

import asyncpg
import pytest

from contracts.signing import PROVIDER_SIGNATURE_HEADER, sign, signature_headers
from tests.integration.provider.conftest import PROVIDER_SECRET, Provider, ProviderFactory

pytestmark = pytest.mark.integration


async def test_a_launch_maps_the_player_and_records_the_session(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    response = await provider.launch(f"tok-{unique}", f"player-{unique}", 5000)
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["success"] is True
    assert f"session={reply['providerSessionId']}" in reply["gameUrl"]
    row = await db.fetchrow(
        "SELECT s.session_token, s.currency, s.opening_balance, u.id AS player, u.casino_player_id"
        " FROM provider_sessions s JOIN provider_casino_users u ON u.id = s.casino_user_id"
        " WHERE s.id = $1::uuid",
        reply["providerSessionId"],
    )
    assert row is not None
    assert (row["session_token"], row["currency"], row["opening_balance"]) == (
        f"tok-{unique}",
        "USD",
        5000,
    )
    assert (str(row["player"]), row["casino_player_id"]) == (reply["playerId"], f"player-{unique}")


async def test_the_same_player_is_mapped_once_and_a_relaunch_returns_the_same_session(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    first = (await provider.launch(f"tok-a-{unique}", f"player-{unique}", 100)).json()
    again = (await provider.launch(f"tok-a-{unique}", f"player-{unique}", 100)).json()
    other = (await provider.launch(f"tok-b-{unique}", f"player-{unique}", 100)).json()
    assert again["providerSessionId"] == first["providerSessionId"]
    assert other["providerSessionId"] != first["providerSessionId"]
    assert first["playerId"] == again["playerId"] == other["playerId"]
    players = await db.fetchval(
        "SELECT count(*) FROM provider_casino_users WHERE casino_player_id = $1",
        f"player-{unique}",
    )
    assert players == 1


async def test_a_token_launched_for_one_player_is_refused_for_another(
    provider: Provider, unique: str
) -> None:
    await provider.launch(f"tok-{unique}", f"player-{unique}", 100)
    response = await provider.launch(f"tok-{unique}", f"intruder-{unique}", 100)
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_SESSION"


@pytest.mark.parametrize("secret", ["wrong-secret", None])
async def test_a_launch_without_a_valid_signature_is_401_and_records_nothing(
    provider: Provider, db: asyncpg.Connection, unique: str, secret: str | None
) -> None:
    body = {
        "casinoCode": "demo-casino",
        "playerId": f"player-{unique}",
        "gameId": "demo-slots",
        "sessionToken": f"tok-{unique}",
        "currency": "USD",
        "balance": 100,
    }
    if secret is None:
        response = await provider.http.post("/provider/launch", json=body)
    else:
        response = await provider.post("/provider/launch", body, secret=secret)
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "error": response.json()["error"],
        "code": "SIGNATURE_INVALID",
        "retryable": False,
    }
    recorded = await db.fetchval(
        "SELECT count(*) FROM provider_casino_users WHERE casino_player_id = $1",
        f"player-{unique}",
    )
    assert recorded == 0


async def test_the_signature_covers_the_raw_bytes_not_the_json(provider: Provider) -> None:
    """A body re-spaced after signing no longer verifies, though it means the same JSON."""
    signed = b'{"casinoCode":"demo-casino"}'
    sent = b'{"casinoCode": "demo-casino"}'
    response = await provider.http.post(
        "/provider/launch",
        content=sent,
        headers={PROVIDER_SIGNATURE_HEADER: sign(signed, PROVIDER_SECRET)},
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"casinoCode": "no-such-casino"}, 404, "CASINO_NOT_FOUND"),
        ({"gameId": "no-such-game"}, 404, "GAME_NOT_FOUND"),
        ({"gameId": "demo-retired"}, 404, "GAME_INACTIVE"),
        # A balance is not an amount (contracts.money.Balance): a bad one is a bad request.
        ({"balance": 10.5}, 400, "INVALID_REQUEST"),
        ({"balance": "100"}, 400, "INVALID_REQUEST"),
        ({"currency": "usd"}, 400, "INVALID_REQUEST"),
        ({"playerId": None}, 400, "INVALID_REQUEST"),
    ],
)
async def test_a_launch_that_cannot_be_served_names_why(
    provider: Provider, unique: str, change: dict[str, object], status: int, code: str
) -> None:
    body = {
        "casinoCode": "demo-casino",
        "playerId": f"player-{unique}",
        "gameId": "demo-slots",
        "sessionToken": f"tok-{unique}",
        "currency": "USD",
        "balance": 100,
        **change,
    }
    response = await provider.post("/provider/launch", body)
    assert response.status_code == status
    reply = response.json()
    assert (reply["success"], reply["code"], reply["retryable"]) == (False, code, False)
    if status == 400:
        assert reply["error"].startswith(f"{next(iter(change))}:")


async def test_a_timestamped_signature_is_required_when_configured(
    start_provider: ProviderFactory, unique: str
) -> None:
    async with start_provider(signature_timestamp_required=True) as running:
        untimed = await running.launch(f"tok-{unique}", f"player-{unique}", 100)
        assert untimed.status_code == 401
        body = (
            b'{"casinoCode":"demo-casino","playerId":"p-%s","gameId":"demo-slots",'
            b'"sessionToken":"tok-%s","currency":"USD","balance":100}'
        ) % (unique.encode(), unique.encode())
        for stamp, expected in [(int(time.time()), 200), (int(time.time()) - 3600, 401)]:
            headers = signature_headers(
                body, PROVIDER_SECRET, PROVIDER_SIGNATURE_HEADER, timestamp=stamp
            )
            response = await running.http.post("/provider/launch", content=body, headers=headers)
            assert response.status_code == expected, response.text
