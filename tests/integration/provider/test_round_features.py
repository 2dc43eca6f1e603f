"""Rounds that close and payouts of every kind, played by the provider against a fake
casino that keeps the round rules: what is sent (the new wire fields), what is recorded
(call types and kinds, as the ledger check reads them), and an end of round that the
casino does not answer at once is retried like a payout until it is decided."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from provider.backoff import RetrySchedule
from provider.resuming import Resumer
from tests.integration.provider.conftest import CASINO_SECRET, Provider, ProviderFactory
from tests.integration.provider.round_rules_casino import RoundRulesCasino
from tests.integration.provider.test_rounds import launched

pytestmark = pytest.mark.integration

SCHEDULE = RetrySchedule(60, 3_600, timedelta(hours=24))


@pytest_asyncio.fixture(loop_scope="session")
async def played(start_provider: ProviderFactory) -> AsyncIterator[Provider]:
    """A provider calling a casino that keeps the round rules."""
    async with start_provider(casino=RoundRulesCasino(CASINO_SECRET)) as running:
        yield running


def rules(provider: Provider) -> RoundRulesCasino:
    assert isinstance(provider.casino, RoundRulesCasino)
    return provider.casino


async def play(provider: Provider, token: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
    response = await provider.simulate(token, actions)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


async def calls_of(db: asyncpg.Connection, round_id: str) -> list[tuple[Any, ...]]:
    rows = await db.fetch(
        "SELECT type, amount, kind, status, error_code FROM provider_bets"
        " WHERE round_id = $1::uuid ORDER BY created_at",
        round_id,
    )
    return [tuple(row) for row in rows]


async def test_a_round_with_a_jackpot_a_promotion_and_an_end_is_sent_and_recorded_by_kind(
    played: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    reply = await play(
        played,
        token,
        [
            {"type": "bet", "amount": 300, "jackpotContribution": 15},
            {"type": "payout", "amount": 100, "betIndex": 0},
            {"type": "jackpot_win", "amount": 5_000},
            {"type": "promo_win", "amount": 250, "betIndex": 0},
            {"type": "end_round"},
            {"type": "bet", "amount": 10},
        ],
    )
    statuses = [(r["type"], r["status"], r["code"], r.get("kind")) for r in reply["results"]]
    assert statuses == [
        ("bet", "accepted", None, None),
        ("payout", "accepted", None, "win"),
        ("jackpot_win", "accepted", None, "jackpot"),
        ("promo_win", "accepted", None, "promo"),
        ("end_round", "accepted", None, None),
        ("bet", "rejected", "ROUND_CLOSED", None),
    ]
    assert reply["finalBalance"] == 1_000 - 300 + 100 + 5_000 + 250
    assert played.casino.balances[token] == reply["finalBalance"]

    casino = rules(played)
    debit = casino.sent("debit")[0]
    assert (debit["amount"], debit["jackpotContribution"]) == (300, 15)
    assert "roundClosed" not in debit  # left at its default: a seed client's body
    credits = casino.sent("credit")[-3:]
    assert [(c.get("kind"), c.get("relatedTransactionId") is not None) for c in credits] == [
        (None, True),  # a plain win is sent as a seed client sends it
        ("jackpot", False),
        ("promo", True),
    ]
    (end,) = [body for body in casino.sent("endRound") if body["sessionToken"] == token]
    assert set(end) == {"sessionToken", "transactionId", "roundId"}
    assert end["roundId"] == reply["roundId"]
    assert end["transactionId"] == reply["results"][4]["transactionId"]

    assert await calls_of(db, reply["roundId"]) == [
        ("bet", 300, None, "accepted", None),
        ("payout", 100, "win", "accepted", None),
        ("payout", 5_000, "jackpot", "accepted", None),
        ("payout", 250, "promo", "accepted", None),
        ("end_round", 0, None, "accepted", None),
        ("bet", 10, None, "rejected", "ROUND_CLOSED"),
    ]
    status = await db.fetchval(
        "SELECT status FROM provider_game_rounds WHERE id = $1::uuid", reply["roundId"]
    )
    assert status == "closed"


async def test_round_closed_on_a_payout_closes_the_round_with_it(
    played: Provider, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    reply = await play(
        played,
        token,
        [
            {"type": "bet", "amount": 100},
            {"type": "payout", "amount": 0, "betIndex": 0, "roundClosed": True},
            {"type": "payout", "amount": 500, "betIndex": 0},
        ],
    )
    assert [(r["status"], r["code"]) for r in reply["results"]] == [
        ("accepted", None),
        ("accepted", None),
        ("rejected", "ROUND_CLOSED"),
    ]
    closing = next(c for c in rules(played).sent("credit") if c["sessionToken"] == token)
    assert closing["roundClosed"] is True
    assert played.casino.balances[token] == 900


async def test_an_end_of_round_left_unknown_is_retried_by_the_queue_until_decided(
    played: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    played.casino.fail_before["/casino/endRound"] = 3  # every attempt of the round
    reply = await play(played, token, [{"type": "bet", "amount": 100}, {"type": "end_round"}])
    end = reply["results"][1]
    assert (end["status"], end["code"], end["attempts"]) == ("unknown", "WALLET_UNAVAILABLE", 3)
    row = await db.fetchrow(
        "SELECT id, status, request_body FROM provider_bets WHERE transaction_id = $1",
        end["transactionId"],
    )
    assert row["status"] == "pending"  # an end of round must still reach the casino
    round_status = "SELECT status FROM provider_game_rounds WHERE id = $1::uuid"
    assert await db.fetchval(round_status, reply["roundId"]) == "open"

    await db.execute("UPDATE provider_bets SET next_attempt_at = now() WHERE id = $1", row["id"])
    await Resumer(played.calls, SCHEDULE).resume_due()

    assert (
        await db.fetchval("SELECT status FROM provider_bets WHERE id = $1", row["id"]) == "accepted"
    )
    resent = [b for b in rules(played).sent("endRound") if b["sessionToken"] == token]
    assert resent[-1]["transactionId"] == end["transactionId"]
    assert reply["roundId"] in rules(played).closed_rounds
    assert await db.fetchval(round_status, reply["roundId"]) == "closed"


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ({"type": "jackpot_win"}, "actions[1].amount"),
        ({"type": "end_round", "amount": 5}, "actions[1].amount"),
        ({"type": "end_round", "betIndex": 0}, "actions[1].betIndex"),
        ({"type": "payout", "amount": 5, "jackpotContribution": 1}, "jackpotContribution"),
        ({"type": "rollback", "betIndex": 0, "roundClosed": True}, "roundClosed"),
        ({"type": "payout", "amount": 5, "campaignId": "c-1"}, "campaignId"),
        ({"type": "free_round"}, "campaignId"),
        ({"type": "free_round", "campaignId": "c-1", "amount": 10}, "amount"),
    ],
)
async def test_an_impossible_action_is_refused_before_anything_is_played(
    played: Provider, unique: str, action: dict[str, Any], field: str
) -> None:
    token = await launched(played, unique, 1_000)
    before = played.casino.processed.total()
    response = await played.simulate(token, [{"type": "bet", "amount": 100}, action])
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["retryable"]) == ("INVALID_REQUEST", False)
    assert field in body["error"]
    assert played.casino.balances[token] == 1_000
    assert played.casino.processed.total() == before


async def test_a_contribution_above_the_bet_is_an_invalid_amount(
    played: Provider, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    response = await played.simulate(
        token, [{"type": "bet", "amount": 100, "jackpotContribution": 101}]
    )
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_AMOUNT"
    assert played.casino.balances[token] == 1_000
