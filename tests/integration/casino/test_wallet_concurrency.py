"""The wallet under real concurrency: many commands at once over separate connections."""

import asyncio

import pytest

from casino import wallet
from casino.database import Database, LedgerPool
from contracts.errors import ErrorCode
from tests.integration.casino.support import (
    NewSession,
    accepted,
    balance_of,
    bet,
    cancel,
    ledger_rows,
    refusal,
)

pytestmark = pytest.mark.integration


async def test_fifty_copies_of_one_bet_move_money_once_and_agree(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed = bet(session, 300)
    replies = await asyncio.gather(*(wallet.debit(ledger, placed) for _ in range(50)))
    assert all(accepted(reply) == accepted(replies[0]) for reply in replies)
    assert accepted(replies[0])["balance"] == 700
    assert await balance_of(database, session.player) == 700
    assert len(await ledger_rows(database, placed.transaction_id)) == 1


async def test_two_hundred_different_bets_never_overdraw(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    replies = await asyncio.gather(*(wallet.debit(ledger, bet(session, 7)) for _ in range(200)))
    taken = [reply for reply in replies if reply.result is not None]
    refused = [refusal(reply) for reply in replies if reply.error is not None]
    assert len(taken) == 1_000 // 7
    assert set(refused) == {ErrorCode.INSUFFICIENT_FUNDS}
    assert await balance_of(database, session.player) == 1_000 - 7 * len(taken)
    assert min(int(str(accepted(reply)["balance"])) for reply in taken) == 1_000 % 7


async def test_twenty_rollbacks_of_one_bet_refund_it_once(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed = bet(session, 300)
    await wallet.debit(ledger, placed)
    replies = await asyncio.gather(
        *(wallet.rollback(ledger, cancel(session, placed.transaction_id)) for _ in range(20))
    )
    assert all(accepted(reply)["rolledBack"] for reply in replies)
    assert await balance_of(database, session.player) == 1_000
    refunds = [r for r in replies if "message" not in accepted(r)]
    assert len(refunds) == 1


async def test_a_bet_and_its_rollback_at_once_never_charge_for_a_cancelled_bet(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    """Whichever comes first, the player ends up not charged (rules 3, 5 and 7)."""
    for _ in range(10):
        session = await new_session(1_000)
        placed = bet(session, 300)
        await asyncio.gather(
            wallet.debit(ledger, placed),
            wallet.rollback(ledger, cancel(session, placed.transaction_id)),
        )
        assert await balance_of(database, session.player) == 1_000
