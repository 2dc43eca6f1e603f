"""Acceptance 1: debit, credit, getBalance and rollback through the gateway behave as
docs/PROTOCOL.md says, with the seed's reply shapes, and the database balances match the replies."""

import pytest

from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


async def test_a_round_of_bet_win_and_rollback_moves_exactly_what_it_says(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(10_000)
    session = await world.session(player, await world.game())

    balance = await callbacks.balance(session.token)
    assert balance.status_code == 200
    assert balance.json() == {"success": True, "balance": 10_000, "currency": "USD"}

    bet = new_id("bet")
    debit = await callbacks.debit(session.token, 1_000, tx=bet, round_id="r1")
    assert debit.status_code == 200
    assert debit.json() == {
        "success": True,
        "transactionId": bet,
        "balance": 9_000,
        "currency": "USD",
    }

    win = new_id("win")
    credit = await callbacks.credit(session.token, 2_500, tx=win, round_id="r1", related=bet)
    assert credit.status_code == 200
    assert credit.json() == {
        "success": True,
        "transactionId": win,
        "balance": 11_500,
        "currency": "USD",
    }

    other_bet = new_id("bet")
    await callbacks.debit(session.token, 500, tx=other_bet, round_id="r2")
    refund = await callbacks.rollback(session.token, other_bet)
    assert refund.status_code == 200
    body = refund.json()
    assert body["success"] is True
    assert body["rolledBack"] is True
    assert (body["balance"], body["currency"]) == (11_500, "USD")

    assert await world.balance(player) == 11_500
    assert 10_000 + await world.movement(player) == 11_500
    ledger = await world.ledger(player)
    assert [(row["type"], row["outcome"], row["amount"]) for row in ledger] == [
        ("debit", "accepted", 1_000),
        ("credit", "accepted", 2_500),
        ("debit", "accepted", 500),
        ("rollback", "accepted", 500),
    ]
    assert [row["balance_after"] for row in ledger] == [9_000, 11_500, 11_000, 11_500]


async def test_a_losing_round_is_closed_with_a_zero_credit(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    await callbacks.debit(session.token, 300, round_id="lost")
    closed = await callbacks.credit(session.token, 0, round_id="lost")
    assert closed.status_code == 200
    assert closed.json()["balance"] == 700
    assert await world.balance(player) == 700


async def test_a_bet_above_the_balance_is_refused_and_moves_nothing(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(100)
    session = await world.session(player, await world.game())
    refused = await callbacks.debit(session.token, 101)
    assert refused.status_code == 400
    assert refused.json() == {
        "success": False,
        "error": refused.json()["error"],
        "code": "INSUFFICIENT_FUNDS",
        "retryable": False,
    }
    assert await world.balance(player) == 100


async def test_a_bet_needs_an_active_session_but_wins_and_refunds_do_not(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    refunded_bet = new_id("bet")
    await callbacks.debit(session.token, 100, tx=bet, round_id="won")
    await callbacks.debit(session.token, 200, tx=refunded_bet, round_id="cancelled")
    await world.end(session)

    late_bet = await callbacks.debit(session.token, 50)
    assert (late_bet.status_code, late_bet.json()["code"]) == (401, "INVALID_SESSION")

    assert (await callbacks.credit(session.token, 400, round_id="won")).status_code == 200
    assert (await callbacks.rollback(session.token, refunded_bet)).status_code == 200
    assert await world.balance(player) == 1_000 - 100 - 200 + 400 + 200


async def test_an_unknown_session_is_refused(callbacks: WalletCallbacks) -> None:
    for response in [
        await callbacks.balance("no-such-session"),
        await callbacks.debit("no-such-session", 100),
        await callbacks.credit("no-such-session", 100),
        await callbacks.rollback("no-such-session", "bet-x"),
    ]:
        assert (response.status_code, response.json()["code"]) == (401, "INVALID_SESSION")
