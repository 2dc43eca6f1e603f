"""Reading a round: every transaction of one provider's roundId, in ledger order, with its
status and what it came to for the player.

    reply = await read_round(database, "demo-provider", "round-42")
    if reply is None:
        ...  # no such provider, or it never sent that roundId: 404 ROUND_NOT_FOUND
    reply.to_wire()  # the JSON body of GET /casino/rounds/{providerCode}/{roundId}

A round is kept per provider, wallet and roundId, so the reply lists one `PlayedRound`
per wallet that played that roundId (one, for a provider whose roundIds are unique).
It only reads, in one short transaction.

Ledger order: rows decided by different database transactions are ordered by when their
transaction began (`created_at`); rows decided in the same transaction share that
timestamp and are ordered by their place in the wallet's chain (each row points at the
row before it, `previous_id`).
"""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Row

from casino.database import Database
from contracts.rounds import (
    PlayedRound,
    RoundReply,
    RoundStatus,
    RoundTotals,
    RoundTransaction,
)

_PROVIDER = "SELECT id FROM casino_game_providers WHERE code = :code"

# The wallets that played the roundId (a row in the ledger, or a round record only, such
# as a round ended before anything was played in it), with the round's record if any.
_ROUNDS = """
SELECT w.id AS wallet_id, w.user_id, w.currency, r.status, r.opened_at, r.ended_at
FROM (
    SELECT t.wallet_id FROM casino_transactions AS t
    WHERE t.provider_id = :provider_id AND t.round_id = :round_id
    UNION
    SELECT r.wallet_id FROM casino_rounds AS r
    WHERE r.provider_id = :provider_id AND r.round_id = :round_id
) AS played
JOIN casino_wallets AS w ON w.id = played.wallet_id
LEFT JOIN casino_rounds AS r
    ON r.provider_id = :provider_id AND r.wallet_id = played.wallet_id
   AND r.round_id = :round_id
ORDER BY r.opened_at NULLS LAST, w.id
"""

# The round's rows (a rollback carries the round of the bet it names), each with its place
# among the rows of its own database transaction: how many rows of the same `created_at`
# precede it in its wallet's chain. The walk back stops at the first row of another
# transaction, so it is at most a batch long.
_TRANSACTIONS = """
WITH RECURSIVE round_rows AS (
    SELECT * FROM casino_transactions
    WHERE provider_id = :provider_id AND round_id = :round_id
),
back (start, id, previous_id, created_at, depth) AS (
    SELECT id, id, previous_id, created_at, 0 FROM round_rows
    UNION ALL
    SELECT b.start, t.id, t.previous_id, t.created_at, b.depth + 1
    FROM back AS b
    JOIN casino_transactions AS t ON t.id = b.previous_id AND t.created_at = b.created_at
)
SELECT r.wallet_id, r.type, r.transaction_id, r.amount, r.outcome, r.error_code, r.kind,
       r.original_transaction_id, r.jackpot_contribution, r.campaign_id, r.closes_round,
       r.balance_after, r.created_at,
       (SELECT max(b.depth) FROM back AS b WHERE b.start = r.id) AS place_in_batch
FROM round_rows AS r
ORDER BY r.wallet_id, r.created_at, place_in_batch
"""


async def read_round(database: Database, provider_code: str, round_id: str) -> RoundReply | None:
    """Every wallet's round `round_id` of the provider `provider_code`: status, opening and
    end, each transaction in ledger order (refusals included) and the totals.

    None when the provider is unknown or no wallet holds a row or a round record of that
    roundId (the endpoint answers that 404 `ROUND_NOT_FOUND`).
    """
    async with database.begin() as db:
        provider_id = (await db.execute(text(_PROVIDER), {"code": provider_code})).scalar()
        if provider_id is None:
            return None
        keys = {"provider_id": provider_id, "round_id": round_id}
        rounds = (await db.execute(text(_ROUNDS), keys)).all()
        if not rounds:
            return None
        rows = (await db.execute(text(_TRANSACTIONS), keys)).all()
    by_wallet: dict[uuid.UUID, list[RoundTransaction]] = {record.wallet_id: [] for record in rounds}
    for row in rows:
        by_wallet[row.wallet_id].append(_transaction(row))
    return RoundReply(
        provider_code=provider_code,
        round_id=round_id,
        rounds=[_played(record, by_wallet[record.wallet_id]) for record in rounds],
    )


def totals_of(transactions: Sequence[RoundTransaction]) -> RoundTotals:
    """What the accepted rows add up to; refusals moved nothing and count for nothing."""
    bets = free_bets = wins = refunds = contributions = 0
    for row in transactions:
        if row.outcome != "accepted":
            continue
        free = row.campaign_id is not None
        if row.type == "debit":
            contributions += row.jackpot_contribution or 0
            if free:
                free_bets += row.amount
            else:
                bets += row.amount
        elif row.type == "credit":
            wins += row.amount
        elif row.type == "rollback" and not free:
            # A repeated rollback of a refunded bet is accepted with amount 0.
            refunds += row.amount
    return RoundTotals(
        bets=bets,
        free_bets=free_bets,
        wins=wins,
        refunds=refunds,
        jackpot_contributions=contributions,
        net_result=wins + refunds - bets,
    )


def _played(record: Row[Any], transactions: list[RoundTransaction]) -> PlayedRound:
    return PlayedRound(
        wallet_id=record.wallet_id,
        user_id=record.user_id,
        currency=record.currency,
        # No round record: nothing closed it (only refusals, or rows older than records).
        status=RoundStatus(record.status or RoundStatus.OPEN),
        opened_at=record.opened_at,
        ended_at=record.ended_at,
        totals=totals_of(transactions),
        transactions=transactions,
    )


def _transaction(row: Row[Any]) -> RoundTransaction:
    return RoundTransaction(
        type=row.type,
        transaction_id=row.transaction_id,
        amount=row.amount,
        outcome=row.outcome,
        error_code=row.error_code,
        kind=row.kind,
        original_transaction_id=row.original_transaction_id,
        jackpot_contribution=row.jackpot_contribution,
        campaign_id=row.campaign_id,
        closes_round=row.closes_round,
        balance_after=row.balance_after,
        created_at=row.created_at,
    )
