"""The database itself holds balance = opening balance + the ledger's moves (migration
0003): every write that would break it is refused, whoever makes it. The writes here are
plain SQL, as a buggy worker or a person at a psql prompt would make them."""

import asyncpg
import pytest

from casino import wallet
from casino.database import LedgerPool
from tests.integration.casino.support import NewSession, PlayerSession, bet, cancel, payout

pytestmark = pytest.mark.integration


_COPY_OF_NEWEST_ROW = """
    INSERT INTO casino_transactions (id, provider_id, transaction_id, type, outcome,
        session_id, wallet_id, round_id, amount, is_tombstone, fingerprint, reply,
        balance_before, balance_after, previous_id, kind)
    SELECT gen_random_uuid(), t.provider_id, t.transaction_id || '-copy', 'credit',
        'accepted', t.session_id, t.wallet_id, t.round_id, $2::bigint, false,
        t.fingerprint, t.reply, t.balance_after, t.balance_after + $3::bigint, t.id, 'win'
    FROM casino_wallets w JOIN casino_transactions t ON t.id = w.last_transaction_id
    WHERE w.id = $1
"""


async def _played(ledger: LedgerPool, new_session: NewSession) -> PlayerSession:
    """A wallet of 1,000 with three rows: a bet of 100, a win of 250, a refunded bet."""
    session = await new_session(1_000)
    placed = bet(session, 100)
    await wallet.debit(ledger, placed)
    await wallet.credit(ledger, payout(session, 250, round_id=placed.round_id))
    refunded = bet(session, 40, round_id="round-2")
    await wallet.debit(ledger, refunded)
    await wallet.rollback(ledger, cancel(session, refunded.transaction_id))
    return session


async def test_the_wallets_own_writes_form_one_chain_from_the_opening_balance(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    chain = await ledger.fetch(
        """
        WITH RECURSIVE back AS (
            SELECT t.*, 1 AS depth FROM casino_wallets w
            JOIN casino_transactions t ON t.id = w.last_transaction_id WHERE w.id = $1
            UNION ALL
            SELECT t.*, b.depth + 1 FROM back b JOIN casino_transactions t ON t.id = b.previous_id
        )
        SELECT type, balance_before, balance_after FROM back ORDER BY depth DESC
        """,
        session.player.wallet_id,
    )
    assert [(row["type"], row["balance_before"], row["balance_after"]) for row in chain] == [
        ("debit", 1_000, 900),
        ("credit", 900, 1_150),
        ("debit", 1_150, 1_110),
        ("rollback", 1_110, 1_150),
    ]


async def test_a_balance_changed_without_a_ledger_row_is_refused(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    with pytest.raises(asyncpg.ForeignKeyViolationError, match="fk_casino_wallets_newest_row"):
        await ledger.execute(
            "UPDATE casino_wallets SET balance = balance + 100 WHERE id = $1",
            session.player.wallet_id,
        )


async def test_a_wallet_without_rows_keeps_its_opening_balance(
    new_session: NewSession, ledger: LedgerPool
) -> None:
    session = await new_session(500)
    with pytest.raises(asyncpg.CheckViolationError, match="balance_is_opening_until_a_row"):
        await ledger.execute(
            "UPDATE casino_wallets SET balance = 600 WHERE id = $1", session.player.wallet_id
        )


async def test_a_row_whose_balance_does_not_add_up_is_refused(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    with pytest.raises(asyncpg.CheckViolationError, match="balance_moves_by_amount"):
        # A credit of 10 that claims to have added 20.
        await ledger.execute(_COPY_OF_NEWEST_ROW, session.player.wallet_id, 10, 20)


async def test_a_row_appended_without_moving_the_wallet_is_refused(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="newest row"):
        await ledger.execute(_COPY_OF_NEWEST_ROW, session.player.wallet_id, 10, 10)


async def test_a_wallet_pointed_back_at_an_older_row_is_refused(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="newest row"):
        await ledger.execute(
            """
            UPDATE casino_wallets w SET last_transaction_id = t.id, balance = t.balance_after
            FROM casino_transactions t
            WHERE w.id = $1 AND t.wallet_id = w.id AND t.previous_id IS NULL
            """,
            session.player.wallet_id,
        )


async def test_a_second_chain_for_one_wallet_is_refused(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    with pytest.raises(asyncpg.UniqueViolationError, match="one_first_row"):
        await ledger.execute(
            """
            WITH appended AS (
                INSERT INTO casino_transactions (id, provider_id, transaction_id, type,
                    outcome, session_id, wallet_id, round_id, amount, is_tombstone,
                    fingerprint, reply, balance_before, balance_after, previous_id)
                SELECT gen_random_uuid(), t.provider_id, t.transaction_id || '-again',
                    t.type, t.outcome, t.session_id, t.wallet_id, t.round_id, t.amount,
                    t.is_tombstone, t.fingerprint, t.reply, t.balance_before,
                    t.balance_after, NULL
                FROM casino_transactions t WHERE t.wallet_id = $1 AND t.previous_id IS NULL
                RETURNING id, balance_after
            )
            UPDATE casino_wallets w SET last_transaction_id = a.id, balance = a.balance_after
            FROM appended a WHERE w.id = $1
            """,
            session.player.wallet_id,
        )


async def test_the_newest_row_cannot_be_deleted(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await _played(ledger, new_session)
    with pytest.raises(asyncpg.ForeignKeyViolationError, match="fk_casino_wallets_newest_row"):
        await ledger.execute(
            "DELETE FROM casino_transactions t USING casino_wallets w"
            " WHERE w.id = $1 AND t.id = w.last_transaction_id",
            session.player.wallet_id,
        )
