"""Issue 17, acceptance 1: text PostgreSQL cannot store, in every text field of every
endpoint, is refused at the edge: 400 INVALID_REQUEST, `retryable: false`, and nothing
moved (the wallet's balance, its ledger, its sessions, the provider's sessions and
rounds are as they were).

Each case is a body that would be played for real (a real session, a bet in the round)
with one field replaced by the bad text, spliced in as the exact bytes a caller could
send: a NUL escaped (`\\u0000`), lone surrogates escaped (`\\ud800`), bytes that are not
UTF-8, a raw NUL byte, and text longer than any field may be. A NUL once passed
validation and failed in PostgreSQL, answered 503 WALLET_UNAVAILABLE, retryable: a
provider would have retried it for hours.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from contracts.signing import PROVIDER_SIGNATURE_HEADER, signature_headers
from tests.e2e.conftest import OPERATOR_API_KEY, PROVIDER_SECRET
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld, Player
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

OPENING_BALANCE = 1_000
PLACE = "PLACE-OF-THE-BAD-TEXT"

# The JSON string each field is given, as the bytes sent.
BAD_TEXT = {
    "NUL": b'"\\u0000"',
    "NUL inside": b'"bet-\\u0000-1"',
    "NUL at the end": b'"bet-1\\u0000"',
    "lone high surrogate": b'"\\ud800"',
    "lone low surrogate": b'"bet-\\udfff"',
    "reversed surrogate pair": b'"\\udc00\\ud800"',
    "not UTF-8": b'"bet-\xff-1"',
    "a surrogate encoded in UTF-8": b'"\xed\xa0\x80"',
    "a raw NUL byte": b'"bet-\x00-1"',
    "longer than any field": b'"' + b"x" * 501 + b'"',
}
# Well-formed JSON whose refusal names the field; the others are refused as invalid JSON.
NAMED = {"NUL", "NUL inside", "NUL at the end", "longer than any field"}

WALLET_CALLBACKS = {
    "/casino/getBalance": ["sessionToken"],
    "/casino/debit": ["sessionToken", "transactionId", "roundId", "description"],
    "/casino/credit": [
        "sessionToken",
        "transactionId",
        "roundId",
        "relatedTransactionId",
        "description",
    ],
    "/casino/rollback": ["sessionToken", "transactionId", "originalTransactionId", "reason"],
}
LOBBY = {
    "/casino/launchGame": ["userId", "gameId", "currency"],
    "/casino/simulateRound": ["userId", "gameId", "currency"],
}
PROVIDER = {
    "/provider/launch": ["casinoCode", "playerId", "gameId", "sessionToken", "currency"],
    "/provider/simulate": ["casinoCode", "sessionToken", "gameId", "actions[0].type"],
}
CASES = [
    pytest.param(endpoint, field, bad, id=f"{endpoint.rsplit('/', 1)[1]}.{field}-{bad}")
    for endpoints in (WALLET_CALLBACKS, LOBBY, PROVIDER)
    for endpoint, fields in endpoints.items()
    for field in fields
    for bad in BAD_TEXT
]


@dataclass(frozen=True)
class Case:
    """A player with a session at the casino (and at the provider, for /provider/simulate)
    and the body that would play it."""

    player: Player
    token: str
    body: dict[str, Any]


@pytest.mark.parametrize(("endpoint", "field", "bad"), CASES)
async def test_unstorable_text_is_refused_and_moves_nothing(
    endpoint: str,
    field: str,
    bad: str,
    http: httpx.AsyncClient,
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    providers: ProviderWorld,
) -> None:
    case = await prepare(endpoint, http, world)
    raw = (
        json.dumps(with_place(case.body, field))
        .encode()
        .replace(f'"{PLACE}"'.encode(), BAD_TEXT[bad])
    )
    sessions_before = await casino_sessions(world, case.player)
    provider_before = await provider_state(providers, case.token)

    response = await send(endpoint, raw, http, callbacks)

    assert response.status_code == 400, response.text
    refusal = response.json()
    assert refusal == {
        "success": False,
        "error": refusal["error"],
        "code": "INVALID_REQUEST",
        "retryable": False,
    }
    if bad in NAMED:
        assert refusal["error"].startswith(f"{field}: "), refusal
    else:
        assert refusal["error"] == "the body is not valid JSON", refusal
    assert await world.balance(case.player) == OPENING_BALANCE
    assert await world.ledger(case.player) == []
    assert await casino_sessions(world, case.player) == sessions_before
    assert await provider_state(providers, case.token) == provider_before


async def prepare(endpoint: str, http: httpx.AsyncClient, world: CasinoWorld) -> Case:
    player = await world.player(OPENING_BALANCE)
    game = await world.game()
    if endpoint in LOBBY:
        body = {"userId": str(player.user_id), "gameId": str(game), "currency": "USD"}
        return Case(player, "", {**body, "bets": [{"amount": 100}]})
    if endpoint == "/provider/simulate":
        token = await launch(http, player, game)
        actions = [{"type": "bet", "amount": 100}]
        body = {"casinoCode": "demo-casino", "sessionToken": token, "gameId": "demo-slots"}
        return Case(player, token, {**body, "actions": actions})
    token = (await world.session(player, game)).token
    bodies: dict[str, dict[str, Any]] = {
        "/casino/getBalance": {"sessionToken": token},
        "/casino/debit": {
            "sessionToken": token,
            "transactionId": new_id("bet"),
            "roundId": new_id("round"),
            "amount": 100,
            "description": "a spin",
        },
        "/casino/credit": {
            "sessionToken": token,
            "transactionId": new_id("win"),
            "roundId": new_id("round"),
            "amount": 100,
            "relatedTransactionId": new_id("bet"),
            "description": "a win",
        },
        "/casino/rollback": {
            "sessionToken": token,
            "transactionId": new_id("rb"),
            "originalTransactionId": new_id("bet"),
            "reason": "cancelled",
        },
        "/provider/launch": {
            "casinoCode": "demo-casino",
            "playerId": str(player.user_id),
            "gameId": "demo-slots",
            "sessionToken": token,
            "currency": "USD",
            "balance": OPENING_BALANCE,
        },
    }
    return Case(player, token, bodies[endpoint])


async def launch(http: httpx.AsyncClient, player: Player, game: uuid.UUID) -> str:
    launched = await http.post(
        "/casino/launchGame",
        json={"userId": str(player.user_id), "gameId": str(game)},
        headers={"x-api-key": OPERATOR_API_KEY},
    )
    assert launched.status_code == 200, launched.text
    return str(launched.json()["sessionToken"])


def with_place(body: dict[str, Any], field: str) -> dict[str, Any]:
    """`body` with `field` (`actions[0].type` for a nested one) holding the placeholder."""
    if field == "actions[0].type":
        return {**body, "actions": [{**body["actions"][0], "type": PLACE}]}
    return {**body, field: PLACE}


async def send(
    endpoint: str, raw: bytes, http: httpx.AsyncClient, callbacks: WalletCallbacks
) -> httpx.Response:
    if endpoint in WALLET_CALLBACKS:
        return await callbacks.send(endpoint.removeprefix("/casino/"), raw)
    if endpoint in LOBBY:
        headers = {"content-type": "application/json", "x-api-key": OPERATOR_API_KEY}
        return await http.post(endpoint, content=raw, headers=headers)
    signed = signature_headers(raw, PROVIDER_SECRET, PROVIDER_SIGNATURE_HEADER)
    return await http.post(endpoint, content=raw, headers=signed)


async def casino_sessions(world: CasinoWorld, player: Player) -> int:
    return int(
        await world.pool.fetchval(
            "SELECT count(*) FROM casino_game_sessions WHERE user_id = $1", player.user_id
        )
    )


async def provider_state(providers: ProviderWorld, token: str) -> tuple[int, int]:
    """The provider's sessions with this token, and the rounds played on them."""
    row = await providers.pool.fetchrow(
        "SELECT count(DISTINCT s.id) AS sessions, count(r.id) AS rounds"
        " FROM provider_sessions s LEFT JOIN provider_game_rounds r ON r.session_id = s.id"
        " WHERE s.session_token = $1",
        token,
    )
    assert row is not None
    return int(row["sessions"]), int(row["rounds"])
