"""Acceptance 2, the balance ceiling, through the gateway: a credit or a refund that would
take a balance above `MAX_BALANCE` (10^18 minor units) is 409 BALANCE_LIMIT_EXCEEDED, not
retryable, recorded (a retry gets the same reply) and moves nothing; up to the ceiling,
money moves as usual."""

import pytest

from casino.audit import check_ledger
from contracts.money import MAX_BALANCE
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


async def test_a_credit_past_the_ceiling_is_refused_recorded_and_replayed(
    callbacks: WalletCallbacks, world: CasinoWorld, casino_database_url: str
) -> None:
    player = await world.player(MAX_BALANCE - 100)
    session = await world.session(player, await world.game())
    win = new_id("win")

    refused = await callbacks.credit(session.token, 101, tx=win, round_id="rich")
    retried = await callbacks.credit(session.token, 101, tx=win, round_id="rich")

    assert refused.status_code == 409
    assert refused.json() == {
        "success": False,
        "error": refused.json()["error"],
        "code": "BALANCE_LIMIT_EXCEEDED",
        "retryable": False,
    }
    assert (retried.status_code, retried.content) == (409, refused.content)
    assert await world.balance(player) == MAX_BALANCE - 100
    [row] = await world.ledger(player)
    assert (row["transaction_id"], row["type"], row["outcome"], row["error_code"]) == (
        win,
        "credit",
        "rejected",
        "BALANCE_LIMIT_EXCEEDED",
    )
    assert row["balance_after"] == MAX_BALANCE - 100

    # Up to the ceiling is fine, and a balance at the ceiling is read back as it is.
    filled = await callbacks.credit(session.token, 100, round_id="rich")
    assert (filled.status_code, filled.json()["balance"]) == (200, MAX_BALANCE)
    balance = await callbacks.balance(session.token)
    assert (balance.status_code, balance.json()["balance"]) == (200, MAX_BALANCE)
    assert (await check_ledger(casino_database_url)).ok


async def test_a_refund_past_the_ceiling_is_refused_and_a_later_rollback_returns_it(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(MAX_BALANCE)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    assert (await callbacks.debit(session.token, 1_000, tx=bet, round_id="cancelled")).is_success
    assert (await callbacks.credit(session.token, 1_000, round_id="other")).is_success

    refused = await callbacks.rollback(session.token, bet)

    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["retryable"]) == (
        "BALANCE_LIMIT_EXCEEDED",
        False,
    )
    assert await world.balance(player) == MAX_BALANCE
    # Once the balance has room, another rollback of the same bet returns it.
    assert (await callbacks.debit(session.token, 5_000, round_id="spent")).is_success
    refund = await callbacks.rollback(session.token, bet)
    assert refund.status_code == 200
    assert refund.json()["rolledBack"] is True
    assert refund.json()["balance"] == MAX_BALANCE - 5_000 + 1_000
    assert await world.balance(player) == MAX_BALANCE - 4_000
