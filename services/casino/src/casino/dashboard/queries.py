"""The back office's dashboard figures, summed by SQL over the ledger (`casino_transactions`).

Both read the ledger by the time a row was decided (`created_at`, the database's clock at
the wallet's transaction), over a window that ends now, with the index of migration 0009.
They read; nothing here changes state.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The label of an accepted operation; a refused one is labelled by the error code the
# ledger recorded with it (INSUFFICIENT_FUNDS, SESSION_EXPIRED...).
OK = "ok"

_PER_MINUTE = """
WITH window_start AS (
    SELECT date_trunc('minute', now()) - make_interval(mins => :minutes - 1) AS at
), minutes AS (
    SELECT generate_series((SELECT at FROM window_start), date_trunc('minute', now()),
                           interval '1 minute') AS minute
), counted AS (
    SELECT date_trunc('minute', created_at) AS minute,
           CASE WHEN outcome = 'accepted' THEN :ok ELSE error_code END AS outcome,
           count(*) AS operations
    FROM casino_transactions
    WHERE created_at >= (SELECT at FROM window_start)
    GROUP BY 1, 2
)
SELECT m.minute, c.outcome, c.operations
FROM minutes AS m LEFT JOIN counted AS c USING (minute)
ORDER BY m.minute, c.outcome
"""

# A paid bet (a debit without a campaign) is a stake; a refund of one (a rollback without a
# campaign: a tombstone's amount is 0) takes it back. A free bet and its refund carry their
# campaign and move nothing. Every credit is paid out, whatever its kind, a free round's
# win included.
_PER_PROVIDER_DAY = """
SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day,
       p.code AS provider_code,
       w.currency,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'debit' AND t.campaign_id IS NULL), 0)
         - coalesce(sum(t.amount) FILTER (WHERE t.type = 'rollback' AND t.campaign_id IS NULL), 0)
           AS bets,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'credit'), 0) AS wins
FROM casino_transactions AS t
JOIN casino_wallets AS w ON w.id = t.wallet_id
JOIN casino_game_providers AS p ON p.id = t.provider_id
WHERE t.outcome = 'accepted'
  AND t.created_at >= (date_trunc('day', now() AT TIME ZONE 'UTC')
                       - make_interval(days => :days - 1)) AT TIME ZONE 'UTC'
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""


@dataclass(frozen=True)
class MinuteOutcomes:
    """The wallet operations the ledger recorded in one minute, counted by outcome: "ok"
    for an accepted one, else the error code it was refused with (a refusal is a decision
    the ledger records, like an acceptance)."""

    minute: datetime  # its start, UTC
    outcomes: dict[str, int]


@dataclass(frozen=True)
class ProviderDayRevenue:
    """One provider's money in one currency over one UTC day, in minor units.

    - `bets`: the paid bets accepted that day, less the refunds of paid bets (rollbacks)
      accepted that day. A bet refunded the next day counts in each day it moved money,
      so a day's `bets` can be negative. Free bets (campaign rounds) and their refunds
      move nothing and count nothing.
    - `wins`: every accepted credit, whatever its kind (win, bonus, jackpot, promo), a
      free round's win included: all of it is paid out.
    - `ggr`: gross gaming revenue, `bets - wins`; negative on a day players won more.

    The same sums as `casino report`'s over the same days: its GGR is bets - refunds - wins.
    """

    day: date
    provider_code: str
    currency: str
    bets: int
    wins: int
    ggr: int


async def operations_per_minute(session: AsyncSession, hours: int = 3) -> list[MinuteOutcomes]:
    """Every minute of the last `hours` hours, oldest first, up to the current minute
    (partial) included: `hours * 60` entries, a minute with no operation included with
    empty `outcomes`, so the minutes are the time axis as they are.

    An operation is a command the wallet decided and recorded: a bet, a payout, a
    rollback or an end of round, accepted or refused. Balance reads are not recorded, and
    a retry of a decided transactionId is answered from its row without a new one: neither
    is counted. Raises `ValueError` unless 1 <= hours <= 168.
    """
    if not 1 <= hours <= 168:
        raise ValueError(f"the dashboard shows 1 to 168 hours of operations, not {hours}")
    rows = await session.execute(text(_PER_MINUTE), {"minutes": hours * 60, "ok": OK})
    minutes: list[MinuteOutcomes] = []
    for minute, outcome, operations in rows:
        if not minutes or minutes[-1].minute != _utc(minute):
            minutes.append(MinuteOutcomes(_utc(minute), {}))
        if outcome is not None:
            minutes[-1].outcomes[outcome] = int(operations)
    return minutes


async def revenue_per_provider_day(
    session: AsyncSession, days: int = 14
) -> list[ProviderDayRevenue]:
    """Per UTC day of the last `days` (today included), provider and currency, the money
    of accepted rows (see `ProviderDayRevenue`), by day, then provider code, then currency.
    Only what had a row is listed: a day on which a provider took no accepted operation in
    a currency has no entry. Raises `ValueError` unless 1 <= days <= 366.
    """
    if not 1 <= days <= 366:
        raise ValueError(f"the dashboard shows 1 to 366 days of revenue, not {days}")
    rows = await session.execute(text(_PER_PROVIDER_DAY), {"days": days})
    return [
        ProviderDayRevenue(
            day=day,
            provider_code=provider_code,
            currency=currency,
            bets=int(bets),
            wins=int(wins),
            ggr=int(bets) - int(wins),
        )
        for day, provider_code, currency, bets, wins in rows
    ]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
