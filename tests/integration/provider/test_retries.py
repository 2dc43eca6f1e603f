"""Transient wallet failures during a round: retried with the same transactionId, and a
debit whose outcome stays unknown is rolled back by the provider."""

import asyncpg
import pytest

from tests.integration.provider.conftest import Provider, ProviderFactory
from tests.integration.provider.test_rounds import launched

pytestmark = pytest.mark.integration


async def test_a_debit_that_failed_before_the_wallet_saw_it_is_retried_and_taken_once(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1000)
    provider.casino.fail_before["/casino/debit"] = 2
    reply = (await provider.simulate(token, [{"type": "bet", "amount": 400}])).json()
    (bet,) = reply["results"]
    assert (bet["status"], bet["attempts"], bet["balanceAfter"]) == ("accepted", 3, 600)
    assert provider.casino.balances[token] == 600
    row = await db.fetchrow(
        "SELECT status, attempts FROM provider_bets WHERE transaction_id = $1",
        bet["transactionId"],
    )
    assert tuple(row) == ("accepted", 3)


async def test_a_lost_answer_is_retried_and_the_casino_replays_its_first_reply(
    provider: Provider, unique: str
) -> None:
    token = await launched(provider, unique, 1000)
    provider.casino.fail_after["/casino/debit"] = 1
    reply = (await provider.simulate(token, [{"type": "bet", "amount": 400}])).json()
    (bet,) = reply["results"]
    assert (bet["status"], bet["attempts"], bet["balanceAfter"]) == ("accepted", 2, 600)
    assert provider.casino.processed["/casino/debit"] == 2  # sent twice, money moved once
    assert provider.casino.balances[token] == 600


async def test_a_debit_still_unknown_after_the_retries_is_rolled_back(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1000)
    provider.casino.fail_after["/casino/debit"] = 3  # applied, but no answer ever arrives
    provider.casino.fail_before["/casino/rollback"] = 2  # and the rollback needs insisting
    reply = (
        await provider.simulate(token, [{"type": "bet", "amount": 400}, {"type": "balance_check"}])
    ).json()
    bet, balance = reply["results"]
    assert (bet["status"], bet["code"], bet["attempts"]) == ("unknown", "WALLET_UNAVAILABLE", 3)
    assert "rolled back by rollback-" in bet["error"]
    assert "accepted after 3 attempt(s)" in bet["error"]
    assert balance["balanceAfter"] == 1000 == provider.casino.balances[token]
    rows = await db.fetch(
        "SELECT b.type, b.status, b.attempts, b.reason, o.transaction_id AS names"
        " FROM provider_bets b LEFT JOIN provider_bets o ON o.id = b.related_bet_id"
        " WHERE b.round_id = $1::uuid ORDER BY b.created_at",
        reply["roundId"],
    )
    assert [(r["type"], r["status"], r["attempts"]) for r in rows] == [
        ("bet", "unknown", 3),
        ("rollback", "accepted", 3),
    ]
    assert rows[1]["names"] == bet["transactionId"]
    assert rows[1]["reason"] == "debit outcome unknown after 3 attempt(s)"


async def test_with_lost_responses_injected_the_money_still_agrees(
    start_provider: ProviderFactory, unique: str
) -> None:
    async with start_provider(
        fault_lose_response_ratio=0.4, fault_seed=11, casino_retry_attempts=8
    ) as provider:
        token = await launched(provider, unique, 10_000)
        actions = [{"type": "bet", "amount": 100 * (n + 1)} for n in range(8)]
        actions += [{"type": "payout", "amount": 50, "betIndex": n} for n in range(8)]
        reply = (await provider.simulate(token, actions)).json()
    results = reply["results"]
    assert {r["status"] for r in results} == {"accepted"}
    assert sum(r["attempts"] for r in results) > len(results)  # responses were lost
    expected = 10_000 - sum(100 * (n + 1) for n in range(8)) + 8 * 50
    assert provider.casino.balances[token] == expected == reply["finalBalance"]
    sent = provider.casino.processed["/casino/debit"] + provider.casino.processed["/casino/credit"]
    assert sent == sum(r["attempts"] for r in results)  # every attempt reached the wallet
