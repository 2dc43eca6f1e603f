"""The casino's ledger invariants, proved from what is stored.

The database already refuses most breakages (CHECKs, the UNIQUE idempotency key, the
one-refund-per-bet index, see `casino.models`); this check does not trust that. It reads
the rows and proves, for every wallet and every ledger row:

- `balance_matches_ledger`: balance = opening balance + accepted movements (debits out,
  credits and refunds in). The opening balance is the one the wallet was created with
  (`casino_wallets.opening_balance`, set by seed, create-player and launchGame).
- `balance_not_negative`: no balance (or opening balance) below zero.
- `balance_within_ceiling`: no balance, opening balance or row's balance after it above
  `MAX_BALANCE` (10^18 minor units).
- `one_row_per_transaction_id`: a provider's transactionId was decided once.
- `refund_names_its_bet`: a rollback that moved money names exactly one accepted bet of
  the same wallet, and returned that bet's amount.
- `one_refund_per_bet`: no bet was refunded twice.
- `closed_round_stays_closed`: no accepted bet or payout went into a round after it was
  closed (`casino.audit.round_checks`).
- `free_rounds_within_grant`, `free_rounds_counted`: a campaign's accepted free bets,
  less the refunded ones, are no more than the rounds granted, and are its `rounds_used`.
- `credit_kind_known`: every payout has a known kind, and nothing else has one.
- `free_bet_moves_nothing`: a free bet, and the refund of one, left the balance as it was.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from casino.audit.findings import AuditReport, Violation
from casino.audit.readonly import read_only_engine
from casino.audit.round_checks import check_rounds_and_payouts
from contracts.money import MAX_BALANCE

# What an accepted row did to its wallet, written here again rather than taken from the
# code under audit: a bet takes its amount, a payout or a refund gives it, and a free bet
# and its refund (they name their campaign) move nothing; an end of round has amount 0.
MOVEMENT = (
    "CASE WHEN t.type = 'credit' THEN t.amount"
    " WHEN t.campaign_id IS NOT NULL THEN 0"
    " WHEN t.type = 'debit' THEN -t.amount ELSE t.amount END"
)

UNBALANCED_WALLETS = f"""
SELECT w.id, w.opening_balance, w.balance, coalesce(sum({MOVEMENT}), 0) AS moved
FROM casino_wallets AS w
LEFT JOIN casino_transactions AS t ON t.wallet_id = w.id AND t.outcome = 'accepted'
GROUP BY w.id
HAVING w.balance <> w.opening_balance + coalesce(sum({MOVEMENT}), 0)
"""
NEGATIVE_WALLETS = """
SELECT id, opening_balance, balance FROM casino_wallets
WHERE balance < 0 OR opening_balance < 0
"""
BALANCES_ABOVE_THE_CEILING = f"""
SELECT 'wallet' AS kind, id::text AS subject, greatest(balance, opening_balance) AS balance
FROM casino_wallets WHERE balance > {MAX_BALANCE} OR opening_balance > {MAX_BALANCE}
UNION ALL
SELECT 'transaction', transaction_id, balance_after
FROM casino_transactions WHERE balance_after > {MAX_BALANCE}
"""
REPEATED_TRANSACTION_IDS = """
SELECT transaction_id, count(*) AS copies, sum(amount)::bigint AS amounts
FROM casino_transactions GROUP BY provider_id, transaction_id HAVING count(*) > 1
"""
REFUNDS_WITHOUT_THEIR_BET = """
SELECT r.transaction_id, r.amount, r.original_transaction_id,
       b.type AS bet_type, b.outcome AS bet_outcome, b.amount AS bet_amount,
       b.wallet_id = r.wallet_id AS same_wallet
FROM casino_transactions AS r
LEFT JOIN casino_transactions AS b ON b.id = r.original_id
WHERE r.type = 'rollback' AND r.outcome = 'accepted' AND r.amount > 0
  AND (b.id IS NULL OR b.type <> 'debit' OR b.outcome <> 'accepted'
       OR b.wallet_id <> r.wallet_id OR b.amount <> r.amount)
"""
BETS_REFUNDED_TWICE = """
SELECT b.transaction_id, count(*) AS refunds, array_agg(r.transaction_id) AS by_rollbacks
FROM casino_transactions AS r JOIN casino_transactions AS b ON b.id = r.original_id
WHERE r.type = 'rollback' AND r.outcome = 'accepted' AND r.amount > 0
GROUP BY b.id, b.transaction_id HAVING count(*) > 1
"""


async def check_ledger(casino_database_url: str) -> AuditReport:
    """Every violation of the casino's ledger invariants, in a read-only transaction."""
    engine = read_only_engine(casino_database_url)
    try:
        async with engine.connect() as db:
            return await _check(db)
    finally:
        await engine.dispose()


async def _check(db: AsyncConnection) -> AuditReport:
    report = AuditReport(
        wallets=await _count(db, "casino_wallets"),
        transactions=await _count(db, "casino_transactions"),
    )
    found = report.violations
    for row in await db.execute(text(UNBALANCED_WALLETS)):
        found.append(
            Violation(
                "balance_matches_ledger",
                f"wallet {row.id}",
                f"balance {row.balance} but opening {row.opening_balance}"
                f" + movements {row.moved} = {row.opening_balance + row.moved}",
            )
        )
    for row in await db.execute(text(NEGATIVE_WALLETS)):
        found.append(
            Violation(
                "balance_not_negative",
                f"wallet {row.id}",
                f"balance {row.balance}, opening balance {row.opening_balance}",
            )
        )
    for row in await db.execute(text(BALANCES_ABOVE_THE_CEILING)):
        found.append(
            Violation(
                "balance_within_ceiling",
                f"{row.kind} {row.subject}",
                f"balance {row.balance} is above the ceiling {MAX_BALANCE}",
            )
        )
    for row in await db.execute(text(REPEATED_TRANSACTION_IDS)):
        found.append(
            Violation(
                "one_row_per_transaction_id",
                f"transaction {row.transaction_id}",
                f"{row.copies} ledger rows, moving {row.amounts} in all",
            )
        )
    for row in await db.execute(text(REFUNDS_WITHOUT_THEIR_BET)):
        found.append(
            Violation(
                "refund_names_its_bet",
                f"rollback {row.transaction_id}",
                f"refunded {row.amount} for {row.original_transaction_id!r}, which is"
                f" {_bet_description(row.bet_type, row.bet_outcome, row.bet_amount)}"
                + ("" if row.same_wallet in (True, None) else " of another wallet"),
            )
        )
    for row in await db.execute(text(BETS_REFUNDED_TWICE)):
        found.append(
            Violation(
                "one_refund_per_bet",
                f"bet {row.transaction_id}",
                f"refunded {row.refunds} times, by {', '.join(row.by_rollbacks)}",
            )
        )
    found += await check_rounds_and_payouts(db)
    return report


def _bet_description(bet_type: str | None, outcome: str | None, amount: int | None) -> str:
    if bet_type is None:
        return "no ledger row"
    return f"a {outcome} {bet_type} of {amount}"


async def _count(db: AsyncConnection, table: str) -> int:
    return int((await db.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
