"""The rollback rules 1-7 of docs/PROTOCOL.md against the real casino database."""

import pytest

from casino import wallet
from casino.database import Database, LedgerPool
from casino.sessions import end_session
from casino.wallet.errors import TransactionNotFoundError
from contracts.errors import ErrorCode
from tests.integration.casino.support import (
    NewSession,
    accepted,
    balance_in,
    balance_of,
    bet,
    cancel,
    ledger_rows,
    new_id,
    payout,
    refusal,
)

pytestmark = pytest.mark.integration


async def test_rule_1_a_payout_cannot_be_rolled_back(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    win = payout(session, 500)
    await wallet.credit(ledger, win)
    rollback = cancel(session, win.transaction_id)
    refused = await wallet.rollback(ledger, rollback)
    assert refusal(refused) == ErrorCode.CANNOT_ROLLBACK_PAYOUT
    assert await wallet.rollback(ledger, rollback) == refused
    assert await balance_of(database, session.player) == 1_500


async def test_rule_2_a_bet_whose_round_paid_out_cannot_be_rolled_back(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed = bet(session, 300, round_id="paid-round")
    await wallet.debit(ledger, placed)
    await wallet.credit(ledger, payout(session, 0, round_id="paid-round"))
    refused = await wallet.rollback(ledger, cancel(session, placed.transaction_id))
    assert refusal(refused) == ErrorCode.ROLLBACK_NOT_ALLOWED
    assert await balance_of(database, session.player) == 700


async def test_rule_3_a_rollback_returns_the_bet(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed = bet(session, 300)
    await wallet.debit(ledger, placed)
    rollback = cancel(session, placed.transaction_id)
    reply = await wallet.rollback(ledger, rollback)
    assert accepted(reply) == {
        "success": True,
        "transactionId": rollback.transaction_id,
        "rolledBack": True,
        "balance": 1_000,
        "currency": "USD",
    }
    assert await wallet.rollback(ledger, rollback) == reply
    assert await balance_of(database, session.player) == 1_000


async def test_rule_3_a_rollback_is_accepted_after_the_session_ended(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed = bet(session, 300)
    await wallet.debit(ledger, placed)
    await end_session(database, session.opened.session_id)
    assert (
        balance_in(await wallet.rollback(ledger, cancel(session, placed.transaction_id))) == 1_000
    )


async def test_rule_4_a_bet_already_rolled_back_is_not_refunded_again(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed = bet(session, 300)
    await wallet.debit(ledger, placed)
    await wallet.rollback(ledger, cancel(session, placed.transaction_id))
    second = accepted(await wallet.rollback(ledger, cancel(session, placed.transaction_id)))
    assert (second["rolledBack"], second["balance"]) == (True, 1_000)
    assert "already rolled back" in str(second["message"])
    assert await balance_of(database, session.player) == 1_000


async def test_rule_4_a_rejected_bet_rolls_back_without_money(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(100)
    too_big = bet(session, 500)
    await wallet.debit(ledger, too_big)
    reply = accepted(await wallet.rollback(ledger, cancel(session, too_big.transaction_id)))
    assert (reply["rolledBack"], reply["balance"]) == (False, 100)
    assert await balance_of(database, session.player) == 100


async def test_rule_5_and_7_an_unknown_bet_leaves_a_tombstone_that_refuses_the_bet_later(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    late_bet = bet(session, 300)
    rollback = cancel(session, late_bet.transaction_id)
    tombstone = accepted(await wallet.rollback(ledger, rollback))
    assert (tombstone["rolledBack"], tombstone["balance"]) == (True, 1_000)
    assert "tombstone" in str(tombstone["message"]).lower()
    [row] = await ledger_rows(database, rollback.transaction_id)
    assert row["is_tombstone"] is True

    refused = await wallet.debit(ledger, late_bet)
    assert refusal(refused) == ErrorCode.TRANSACTION_ROLLED_BACK
    assert await wallet.debit(ledger, late_bet) == refused
    [bet_row] = await ledger_rows(database, late_bet.transaction_id)
    assert (bet_row["outcome"], bet_row["error_code"]) == ("rejected", "TRANSACTION_ROLLED_BACK")
    assert await balance_of(database, session.player) == 1_000


async def test_rule_6_another_players_bet_cannot_be_rolled_back(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    alice, bob = await new_session(1_000), await new_session(1_000)
    alices_bet = bet(alice, 300)
    await wallet.debit(ledger, alices_bet)
    bobs_rollback = cancel(bob, alices_bet.transaction_id)
    with pytest.raises(TransactionNotFoundError):
        await wallet.rollback(ledger, bobs_rollback)
    assert await ledger_rows(database, bobs_rollback.transaction_id) == []
    assert await balance_of(database, alice.player) == 700
    assert await balance_of(database, bob.player) == 1_000


async def test_seed_example_round_ends_up_by_1500(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    """The example round of docs/PROTOCOL.md: bets 1000 and 500, rollback bet 1, win 2500
    on bet 0: the balance is up 1500."""
    session = await new_session(10_000)
    round_id = new_id("round")
    first, second = bet(session, 1_000, round_id=round_id), bet(session, 500, round_id=round_id)
    await wallet.debit(ledger, first)
    await wallet.debit(ledger, second)
    await wallet.rollback(ledger, cancel(session, second.transaction_id))
    win = payout(session, 2_500, round_id=round_id, related=first.transaction_id)
    assert balance_in(await wallet.credit(ledger, win)) == 11_500
    assert await balance_of(database, session.player) == 11_500
