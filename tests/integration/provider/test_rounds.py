"""POST /provider/simulate: rounds played in order against a casino wallet, and recorded."""

from typing import Any

import asyncpg
import pytest

from tests.integration.provider.conftest import Provider

pytestmark = pytest.mark.integration

SEED_EXAMPLE: list[dict[str, Any]] = [
    {"type": "balance_check"},
    {"type": "bet", "amount": 1000},
    {"type": "bet", "amount": 500},
    {"type": "rollback", "betIndex": 1},
    {"type": "payout", "amount": 2500, "betIndex": 0},
]


async def launched(provider: Provider, unique: str, balance: int = 100_000) -> str:
    token = f"tok-{unique}"
    response = await provider.launch(token, f"player-{unique}", balance)
    assert response.status_code == 200, response.text
    return token


async def test_the_seed_example_ends_up_1500_and_lists_every_step(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique)
    response = await provider.simulate(token, SEED_EXAMPLE)
    assert response.status_code == 200, response.text
    reply = response.json()
    results = reply["results"]
    assert [(r["type"], r["status"]) for r in results] == [
        ("balance_check", "accepted"),
        ("bet", "accepted"),
        ("bet", "accepted"),
        ("rollback", "accepted"),
        ("payout", "accepted"),
    ]
    assert [r["balanceAfter"] for r in results] == [100_000, 99_000, 98_500, 99_000, 101_500]
    assert reply["finalBalance"] == 101_500 == provider.casino.balances[token]

    bets = await db.fetch(
        "SELECT b.id, b.type, b.transaction_id, b.amount, b.status, b.attempts, b.related_bet_id,"
        " b.balance_after, b.casino_reply->>'transactionId' AS replied_id, r.status AS round"
        " FROM provider_bets b JOIN provider_game_rounds r ON r.id = b.round_id"
        " WHERE b.round_id = $1::uuid ORDER BY b.created_at",
        reply["roundId"],
    )
    assert [(b["type"], b["amount"], b["status"], b["attempts"]) for b in bets] == [
        ("bet", 1000, "accepted", 1),
        ("bet", 500, "accepted", 1),
        ("rollback", 500, "accepted", 1),
        ("payout", 2500, "accepted", 1),
    ]
    assert {b["round"] for b in bets} == {"closed"}
    assert [b["transaction_id"] for b in bets] == [r["transactionId"] for r in results[1:]]
    assert all(b["replied_id"] == b["transaction_id"] for b in bets)
    assert bets[2]["related_bet_id"] == bets[1]["id"]  # the rollback names bet 1
    assert bets[3]["related_bet_id"] == bets[0]["id"]  # the payout settles bet 0


async def test_a_rollback_after_a_payout_is_refused_and_the_round_goes_on(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 10_000)
    reply = (
        await provider.simulate(
            token,
            [
                {"type": "bet", "amount": 1000},
                {"type": "payout", "amount": 0, "betIndex": 0},
                {"type": "rollback", "betIndex": 0},
                {"type": "balance_check"},
            ],
        )
    ).json()
    statuses = [(r["type"], r["status"], r["code"]) for r in reply["results"]]
    assert statuses == [
        ("bet", "accepted", None),
        ("payout", "accepted", None),
        ("rollback", "rejected", "ROLLBACK_NOT_ALLOWED"),
        ("balance_check", "accepted", None),
    ]
    assert reply["finalBalance"] == 9_000 == provider.casino.balances[token]
    refused = await db.fetchrow(
        "SELECT status, error_code, casino_reply->>'code' AS code FROM provider_bets"
        " WHERE transaction_id = $1",
        reply["results"][2]["transactionId"],
    )
    assert dict(refused) == {
        "status": "rejected",
        "error_code": "ROLLBACK_NOT_ALLOWED",
        "code": "ROLLBACK_NOT_ALLOWED",
    }


async def test_a_bet_above_the_balance_is_rejected_and_recorded(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 300)
    reply = (
        await provider.simulate(
            token, [{"type": "bet", "amount": 500}, {"type": "bet", "amount": 200}]
        )
    ).json()
    first, second = reply["results"]
    assert (first["status"], first["code"], first["attempts"]) == (
        "rejected",
        "INSUFFICIENT_FUNDS",
        1,
    )
    assert (second["status"], second["balanceAfter"]) == ("accepted", 100)
    assert provider.casino.balances[token] == 100
    row = await db.fetchrow(
        "SELECT status, error_code FROM provider_bets WHERE transaction_id = $1",
        first["transactionId"],
    )
    assert tuple(row) == ("rejected", "INSUFFICIENT_FUNDS")


async def test_a_bet_index_naming_no_bet_is_rejected_without_a_call(
    provider: Provider, unique: str
) -> None:
    token = await launched(provider, unique, 1000)
    reply = (
        await provider.simulate(
            token,
            [
                {"type": "bet", "amount": 100},
                {"type": "rollback", "betIndex": 3},
                {"type": "payout", "amount": 50, "betIndex": 1},
                {"type": "payout", "amount": 70},
            ],
        )
    ).json()
    results = reply["results"]
    assert [(r["status"], r["code"], r["attempts"]) for r in results[1:3]] == [
        ("rejected", "INVALID_REQUEST", 0),
        ("rejected", "INVALID_REQUEST", 0),
    ]
    assert results[3]["status"] == "accepted"  # a payout without a bet named still pays
    assert provider.casino.processed["/casino/rollback"] == 0
    assert provider.casino.balances[token] == 1000 - 100 + 70


async def test_a_round_on_a_session_never_launched_here_is_refused(
    provider: Provider, unique: str
) -> None:
    response = await provider.simulate(f"never-{unique}", [{"type": "balance_check"}])
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_SESSION"


@pytest.mark.parametrize(
    ("action", "code", "field"),
    [
        ({"type": "bet"}, "INVALID_REQUEST", "actions[0].amount"),
        ({"type": "bet", "amount": 0}, "INVALID_AMOUNT", "actions[0].amount"),
        ({"type": "bet", "amount": 1.5}, "INVALID_AMOUNT", "actions[0].amount"),
        ({"type": "rollback"}, "INVALID_REQUEST", "actions[0].betIndex"),
        ({"type": "jackpot"}, "INVALID_REQUEST", "actions[0].type"),
    ],
)
async def test_an_impossible_action_refuses_the_round_before_any_money_moves(
    provider: Provider,
    db: asyncpg.Connection,
    unique: str,
    action: dict[str, object],
    code: str,
    field: str,
) -> None:
    token = await launched(provider, unique, 1000)
    rounds_before = await db.fetchval("SELECT count(*) FROM provider_game_rounds")
    response = await provider.simulate(token, [action, {"type": "bet", "amount": 10}])
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["error"].startswith(f"{field}:")
    assert sum(provider.casino.processed.values()) == 0
    assert await db.fetchval("SELECT count(*) FROM provider_game_rounds") == rounds_before
