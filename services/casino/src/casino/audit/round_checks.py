"""The ledger invariants of rounds that close, free-round campaigns and kinds of payout,
proved from what is stored (part of `check_ledger`):

- `closed_round_stays_closed`: a round its provider closed (by `roundClosed` or
  `endRound`) holds no accepted bet or payout decided after the row that closed it. An
  expired round is not checked: it still takes payouts (and refunds), only no bets.
- `free_rounds_within_grant`: a campaign's accepted free bets, less those refunded, are no
  more than the rounds it granted;
- `free_rounds_counted`: and are exactly its `rounds_used`.
- `credit_kind_known`: every payout has a kind the casino knows (win, bonus, jackpot,
  promo), and no other row has one.
- `free_bet_moves_nothing`: a free bet (a bet naming its campaign), and the refund of one,
  left its wallet's balance as it was.

"After the round closed" is read off the chain of its wallet's rows, not off clocks alone.
A round's `ended_at` is the start of the database transaction that closed it, which is
also the `created_at` of every row that transaction decided: rows decided in the same
batch as the closing row share its timestamp, so among them the chain (each row points at
the one before it) says which came after. A row of a later transaction has a later
`created_at`, except that two transactions of one wallet may start in one order and take
the wallet's lock in the other: so a row stamped after the round ended is a violation only
if walking back along the chain from it reaches the closing row. The walk stops at rows
stamped more than `_RACE_MARGIN` before the end (a transaction cannot wait that long for
the wallet's lock), so it stays short.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from casino.audit.findings import Violation

CREDIT_KINDS = ("win", "bonus", "jackpot", "promo")
_RACE_MARGIN = "10 minutes"

# The closing rows of a round: accepted, marked as closing it, decided when it closed.
_IS_CLOSER = """
    {row}.provider_id = {round}.provider_id AND {row}.wallet_id = {round}.wallet_id
    AND {row}.round_id = {round}.round_id AND {row}.outcome = 'accepted'
    AND {row}.closes_round AND {row}.created_at = {round}.ended_at
"""

WRITTEN_INTO_CLOSED_ROUNDS = f"""
WITH RECURSIVE candidates AS (
    -- Accepted bets and payouts of closed rounds stamped no earlier than the closing.
    SELECT r.provider_id, r.wallet_id, r.round_id, r.ended_at, t.id, t.previous_id,
           t.transaction_id, t.type, t.created_at,
           CASE WHEN t.created_at = r.ended_at THEN r.ended_at
                ELSE r.ended_at - interval '{_RACE_MARGIN}' END AS floor,
           EXISTS (SELECT 1 FROM casino_transactions AS c
                   WHERE {_IS_CLOSER.format(row="c", round="r")}) AS has_closer
    FROM casino_rounds AS r
    JOIN casino_transactions AS t
      ON t.provider_id = r.provider_id AND t.wallet_id = r.wallet_id
     AND t.round_id = r.round_id
    WHERE r.status = 'closed' AND t.outcome = 'accepted' AND t.type IN ('debit', 'credit')
      AND t.created_at >= r.ended_at
),
back AS (
    -- Each candidate's earlier rows, walking back along the chain, carrying its round so
    -- that every step is one index probe (no join with the candidates again).
    SELECT c.id AS candidate, c.provider_id, c.wallet_id, c.round_id, c.ended_at, c.floor,
           p.previous_id, ({_IS_CLOSER.format(row="p", round="c")}) AS closer
    FROM candidates AS c JOIN casino_transactions AS p ON p.id = c.previous_id
    WHERE p.created_at >= c.floor
    UNION ALL
    SELECT b.candidate, b.provider_id, b.wallet_id, b.round_id, b.ended_at, b.floor,
           p.previous_id, ({_IS_CLOSER.format(row="p", round="b")})
    FROM back AS b JOIN casino_transactions AS p ON p.id = b.previous_id
    WHERE NOT b.closer AND p.created_at >= b.floor
)
SELECT c.round_id, c.wallet_id, c.ended_at, c.transaction_id, c.type, c.created_at
FROM candidates AS c
WHERE c.id IN (SELECT b.candidate FROM back AS b WHERE b.closer)
   -- A round closed with no closing row (not the wallet's doing): go by the clock.
   OR (NOT c.has_closer AND c.created_at > c.ended_at)
ORDER BY c.created_at
"""

FREE_ROUNDS_PLAYED = """
SELECT c.id, c.rounds, c.rounds_used, count(b.id) - count(refund.id) AS played
FROM casino_free_round_campaigns AS c
LEFT JOIN casino_transactions AS b
  ON b.campaign_id = c.id AND b.type = 'debit' AND b.outcome = 'accepted'
LEFT JOIN LATERAL (
    SELECT r.id FROM casino_transactions AS r
    WHERE r.original_id = b.id AND r.type = 'rollback' AND r.outcome = 'accepted'
      AND r.amount > 0
    LIMIT 1
) AS refund ON true
GROUP BY c.id
HAVING count(b.id) - count(refund.id) > c.rounds
    OR count(b.id) - count(refund.id) <> c.rounds_used
"""

CREDIT_KINDS_UNKNOWN = f"""
SELECT transaction_id, type, kind FROM casino_transactions
WHERE (type = 'credit' AND (kind IS NULL OR kind NOT IN {CREDIT_KINDS!r}))
   OR (type <> 'credit' AND kind IS NOT NULL)
"""

FREE_BETS_THAT_MOVED = """
SELECT transaction_id, type, balance_before, balance_after FROM casino_transactions
WHERE campaign_id IS NOT NULL AND type IN ('debit', 'rollback')
  AND balance_after <> balance_before
"""


async def check_rounds_and_payouts(db: AsyncConnection) -> list[Violation]:
    """Every violation of the invariants this module's docstring lists."""
    found: list[Violation] = []
    for row in await db.execute(text(WRITTEN_INTO_CLOSED_ROUNDS)):
        found.append(
            Violation(
                "closed_round_stays_closed",
                f"round {row.round_id} of wallet {row.wallet_id}",
                f"{row.type} {row.transaction_id} accepted at {row.created_at.isoformat()},"
                f" after the round closed at {row.ended_at.isoformat()}",
            )
        )
    for row in await db.execute(text(FREE_ROUNDS_PLAYED)):
        if row.played > row.rounds:
            found.append(
                Violation(
                    "free_rounds_within_grant",
                    f"campaign {row.id}",
                    f"{row.played} free bets accepted and not refunded,"
                    f" {row.rounds} rounds granted",
                )
            )
        if row.played != row.rounds_used:
            found.append(
                Violation(
                    "free_rounds_counted",
                    f"campaign {row.id}",
                    f"rounds_used is {row.rounds_used}, but {row.played} free bets were"
                    " accepted and not refunded",
                )
            )
    for row in await db.execute(text(CREDIT_KINDS_UNKNOWN)):
        found.append(
            Violation(
                "credit_kind_known",
                f"transaction {row.transaction_id}",
                f"a {row.type} of kind {row.kind!r}; a payout's kind is one of"
                f" {', '.join(CREDIT_KINDS)}, and only a payout has one",
            )
        )
    for row in await db.execute(text(FREE_BETS_THAT_MOVED)):
        found.append(
            Violation(
                "free_bet_moves_nothing",
                f"transaction {row.transaction_id}",
                f"a free {'bet' if row.type == 'debit' else 'refund'} moved the balance"
                f" from {row.balance_before} to {row.balance_after}",
            )
        )
    return found
