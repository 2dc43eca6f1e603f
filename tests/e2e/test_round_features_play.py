"""The round features' acceptance, through all three services over HTTP: a whole round
through simulateRound with a bet, a win, a jackpot win, a promotion win and a close, then a
round of free rounds of a campaign the operator granted; both sides' records agree call by
call, and the ledger check passes.
"""

import asyncio
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import OPERATOR_API_KEY, CasinoSystem
from tests.support.casino_world import CasinoWorld, Player
from tests.support.processes import BIN
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

OPERATOR = {"x-api-key": OPERATOR_API_KEY}


async def simulate(
    http: httpx.AsyncClient, player: Player, game_id: object, **round_: object
) -> dict[str, Any]:
    body = {"userId": str(player.user_id), "gameId": str(game_id), **round_}
    response = await http.post("/casino/simulateRound", json=body, headers=OPERATOR)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


def steps(reply: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (t["type"], t.get("amount"), t.get("kind"), t["status"], t.get("code"))
        for t in reply["transactions"]
    ]


async def casino_round_status(world: CasinoWorld, player: Player, round_id: str) -> str:
    return str(
        await world.pool.fetchval(
            "SELECT status FROM casino_rounds WHERE wallet_id = $1 AND round_id = $2",
            player.wallet_id,
            round_id,
        )
    )


async def grant_free_rounds(
    http: httpx.AsyncClient, player: Player, game_id: object, rounds: int, bet_amount: int
) -> dict[str, Any]:
    """The operator's grant, which registers the campaign with the game's provider."""
    response = await http.post(
        "/casino/freeRounds",
        json={
            "userId": str(player.user_id),
            "gameId": str(game_id),
            "currency": "USD",
            "rounds": rounds,
            "betAmount": bet_amount,
            "expiresAt": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
        headers=OPERATOR,
    )
    assert response.status_code == 200, response.text
    campaign: dict[str, Any] = response.json()
    return campaign


async def check_ledger(
    system: CasinoSystem, providers: ProviderWorld, round_ids: list[str]
) -> dict[str, Any]:
    """`casino check-ledger --provider-database-url …`: every invariant holds, and no
    violation names these rounds (the session's other tests send callbacks of their own
    straight to the gateway, which the reconciliation rightly lists under their rounds)."""
    done = await asyncio.to_thread(
        subprocess.run,
        [
            str(BIN / "casino"),
            "check-ledger",
            "--provider-database-url",
            system.env["PROVIDER_DATABASE_URL"],
            "--json",
        ],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    subjects = {f"round {round_id}" for round_id in round_ids}
    ours = [
        violation
        for violation in report["violations"]
        if not violation["subject"].startswith("round ") or violation["subject"] in subjects
    ]
    assert ours == [], ours
    return report


async def test_a_round_with_a_jackpot_a_promotion_and_a_close_and_a_free_round_round(
    casino_system: CasinoSystem,
    http: httpx.AsyncClient,
    world: CasinoWorld,
    providers: ProviderWorld,
) -> None:
    player = await world.player(100_000)
    game = await world.game()

    played = await simulate(
        http,
        player,
        game,
        bets=[{"amount": 1_000, "jackpotContribution": 10}],
        wins=[{"amount": 400, "relatedBetIndex": 0}],
        jackpotWins=[{"amount": 5_000}],
        promoWins=[{"amount": 250}],
        closeRound=True,
    )
    assert steps(played) == [
        ("balance_check", None, None, "accepted", None),
        ("bet", 1_000, None, "accepted", None),
        ("payout", 400, "win", "accepted", None),
        ("jackpot_win", 5_000, "jackpot", "accepted", None),
        ("promo_win", 250, "promo", "accepted", None),
        ("end_round", 0, None, "accepted", None),
    ]
    expected = 100_000 - 1_000 + 400 + 5_000 + 250
    assert played["finalBalance"] == expected == await world.balance(player)
    round_id = played["roundId"]
    rows = [r for r in await world.ledger(player) if r["round_id"] == round_id]
    assert [(r["type"], r["kind"], r["jackpot_contribution"]) for r in rows] == [
        ("debit", None, 10),
        ("credit", "win", None),
        ("credit", "jackpot", None),
        ("credit", "promo", None),
        ("end_round", None, None),
    ]
    assert await casino_round_status(world, player, round_id) == "closed"
    await providers.assert_agrees_with_casino(round_id, world, player)

    campaign = await grant_free_rounds(http, player, game, rounds=2, bet_amount=200)
    assert campaign["providerRegisteredAt"] is not None
    free = {"campaignId": campaign["campaignId"], "wins": [{"amount": 600}, {"amount": 0}]}
    free_play = await simulate(http, player, game, freeRounds=free, closeRound=True)
    assert steps(free_play) == [
        ("balance_check", None, None, "accepted", None),
        ("free_round", 200, None, "accepted", None),
        ("free_round", 200, None, "accepted", None),
        ("payout", 600, "bonus", "accepted", None),
        ("payout", 0, "bonus", "accepted", None),
        ("end_round", 0, None, "accepted", None),
    ]
    assert {t.get("campaignId") for t in free_play["transactions"][1:5]} == {campaign["campaignId"]}
    expected += 600  # the free bets cost nothing
    assert free_play["finalBalance"] == expected == await world.balance(player)
    free_rows = [r for r in await world.ledger(player) if r["round_id"] == free_play["roundId"]]
    assert [(r["type"], r["kind"], str(r["campaign_id"])) for r in free_rows] == [
        ("debit", None, campaign["campaignId"]),
        ("debit", None, campaign["campaignId"]),
        ("credit", "bonus", campaign["campaignId"]),
        ("credit", "bonus", campaign["campaignId"]),
        ("end_round", None, "None"),
    ]
    read = await http.get(f"/casino/freeRounds/{campaign['campaignId']}", headers=OPERATOR)
    assert read.json()["roundsUsed"] == 2
    await providers.assert_agrees_with_casino(free_play["roundId"], world, player)

    # The grant is used up: the provider plays no more of it, and sends nothing.
    past_the_grant = await simulate(
        http, player, game, freeRounds={**free, "wins": [{"amount": 100}]}
    )
    refused = past_the_grant["transactions"][1]
    assert (refused["type"], refused["status"], refused["code"]) == (
        "free_round",
        "rejected",
        "FREE_ROUNDS_EXHAUSTED",
    )
    assert await world.balance(player) == expected

    await check_ledger(
        casino_system,
        providers,
        [round_id, free_play["roundId"], past_the_grant["roundId"]],
    )


async def test_a_cancelled_campaign_is_withdrawn_at_the_provider_and_plays_no_round(
    http: httpx.AsyncClient, world: CasinoWorld, providers: ProviderWorld
) -> None:
    player = await world.player(10_000)
    game = await world.game()
    campaign = await grant_free_rounds(http, player, game, rounds=3, bet_amount=100)

    cancelled = await http.post(
        "/casino/freeRounds/cancel", json={"campaignId": campaign["campaignId"]}, headers=OPERATOR
    )

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["providerCancelledAt"] is not None
    withdrawn = await providers.pool.fetchval(
        "SELECT cancelled_at FROM provider_free_round_campaigns WHERE campaign_id = $1",
        campaign["campaignId"],
    )
    assert withdrawn is not None
    free = {"campaignId": campaign["campaignId"], "wins": [{"amount": 500}]}
    reply = await simulate(http, player, game, freeRounds=free)
    assert [(t["type"], t["status"], t.get("code")) for t in reply["transactions"]] == [
        ("balance_check", "accepted", None),
        ("free_round", "rejected", "FREE_ROUNDS_EXPIRED"),
        ("payout", "rejected", "INVALID_REQUEST"),  # names a free round never played
    ]
    assert await world.balance(player) == 10_000
    assert await providers.bets(reply["roundId"]) == []
