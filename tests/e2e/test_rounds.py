"""Issue 3's acceptance: whole rounds through all three services, and the lobby's rules.

The casino database is the authority on money; the provider's records must agree with it
transaction by transaction.
"""

import json
import uuid

import httpx
import pytest

from contracts.signing import PROVIDER_SIGNATURE_HEADER, signature_headers
from tests.e2e.conftest import OPERATOR_API_KEY, PROVIDER_SECRET, CasinoSystem
from tests.support.casino_world import CasinoWorld, Player
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

OPERATOR = {"x-api-key": OPERATOR_API_KEY}
EXAMPLE_ROUND = {
    "bets": [{"amount": 1000}, {"amount": 500}],
    "wins": [{"amount": 2500, "relatedBetIndex": 0}],
    "rollbacks": [{"betIndex": 1}],
}


async def simulate(
    http: httpx.AsyncClient, player: Player, game_id: object, **round: object
) -> httpx.Response:
    body = {"userId": str(player.user_id), "gameId": str(game_id), **round}
    return await http.post("/casino/simulateRound", json=body, headers=OPERATOR)


async def test_the_seed_readme_example_round_ends_up_by_exactly_1500(
    http: httpx.AsyncClient, world: CasinoWorld, providers: ProviderWorld
) -> None:
    player = await world.player(100_000)
    game = await world.game()

    response = await simulate(http, player, game, **EXAMPLE_ROUND)

    assert response.status_code == 200, response.text
    reply = response.json()
    steps = [(t["type"], t.get("amount"), t["status"]) for t in reply["transactions"]]
    assert steps == [
        ("balance_check", None, "accepted"),
        ("bet", 1000, "accepted"),
        ("bet", 500, "accepted"),
        ("rollback", 500, "accepted"),
        ("payout", 2500, "accepted"),
    ]
    assert reply["finalBalance"] == 101_500
    assert await world.balance(player) == 101_500
    assert [t["balanceAfter"] for t in reply["transactions"]] == [
        100_000,
        99_000,
        98_500,
        99_000,
        101_500,
    ]
    await providers.assert_agrees_with_casino(reply["roundId"], world, player)


async def test_a_rollback_after_a_payout_is_refused_and_moves_nothing(
    http: httpx.AsyncClient, casino_system: CasinoSystem, world: CasinoWorld
) -> None:
    player = await world.player(10_000)
    launch = await http.post(
        "/casino/launchGame",
        json={"userId": str(player.user_id), "gameId": str(await world.game())},
        headers=OPERATOR,
    )
    assert launch.status_code == 200, launch.text
    actions = [
        {"type": "bet", "amount": 700},
        {"type": "payout", "amount": 100, "betIndex": 0},
        {"type": "rollback", "betIndex": 0},
    ]
    body = json.dumps(
        {
            "casinoCode": "demo-casino",
            "sessionToken": launch.json()["sessionToken"],
            "gameId": "demo-slots",
            "actions": actions,
        }
    ).encode()
    headers = signature_headers(body, PROVIDER_SECRET, PROVIDER_SIGNATURE_HEADER)
    played = await http.post("/provider/simulate", content=body, headers=headers)

    assert played.status_code == 200, played.text
    bet, payout, rollback = played.json()["results"]
    assert (bet["status"], payout["status"]) == ("accepted", "accepted")
    assert (rollback["status"], rollback["code"]) == ("rejected", "ROLLBACK_NOT_ALLOWED")
    assert await world.balance(player) == 10_000 - 700 + 100


async def test_a_bet_the_balance_cannot_cover_is_refused_and_the_round_goes_on(
    http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    response = await simulate(
        http,
        player,
        await world.game(),
        bets=[{"amount": 5_000}, {"amount": 400}],
        wins=[{"amount": 0, "relatedBetIndex": 1}],
    )
    assert response.status_code == 200, response.text
    steps = [(t["type"], t["status"], t.get("code")) for t in response.json()["transactions"]]
    assert steps == [
        ("balance_check", "accepted", None),
        ("bet", "rejected", "INSUFFICIENT_FUNDS"),
        ("bet", "accepted", None),
        ("payout", "accepted", None),
    ]
    assert response.json()["finalBalance"] == 600
    assert await world.balance(player) == 600


async def test_launch_game_refuses_unknown_users_games_and_closed_doors(
    http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    game = await world.game()
    inactive = await world.game_of(provider_code=f"closed-{uuid.uuid4().hex[:6]}", active=False)
    disabled = await world.game_of(provider_code=f"off-{uuid.uuid4().hex[:6]}", enabled=False)
    cases = {
        "USER_NOT_FOUND": (uuid.uuid4(), game),
        "GAME_NOT_FOUND": (player.user_id, uuid.uuid4()),
        "GAME_INACTIVE": (player.user_id, inactive),
        "PROVIDER_DISABLED": (player.user_id, disabled),
    }
    for code, (user_id, game_id) in cases.items():
        response = await http.post(
            "/casino/launchGame",
            json={"userId": str(user_id), "gameId": str(game_id)},
            headers=OPERATOR,
        )
        status = 403 if code == "PROVIDER_DISABLED" else 404
        assert (response.status_code, response.json()["code"]) == (status, code)


async def test_the_lobby_needs_the_operator_key(
    http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    body = {"userId": str(player.user_id), "gameId": str(await world.game()), **EXAMPLE_ROUND}
    for headers in ({}, {"x-api-key": "wrong"}):
        for endpoint in ("/casino/simulateRound", "/casino/launchGame"):
            response = await http.post(endpoint, json=body, headers=headers)
            assert (response.status_code, response.json()["code"]) == (401, "API_KEY_INVALID")
    assert await world.balance(player) == 1_000


async def test_the_provider_refuses_unsigned_and_wrongly_signed_calls(
    http: httpx.AsyncClient,
) -> None:
    body = json.dumps(
        {
            "casinoCode": "demo-casino",
            "playerId": "p",
            "gameId": "demo-slots",
            "sessionToken": "t",
            "currency": "USD",
            "balance": 0,
        }
    ).encode()
    wrong = signature_headers(body, "not-the-provider-secret", PROVIDER_SIGNATURE_HEADER)
    for endpoint in ("/provider/launch", "/provider/simulate"):
        for headers in ({}, wrong):
            response = await http.post(endpoint, content=body, headers=headers)
            assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_INVALID")
