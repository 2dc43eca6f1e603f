"""One provider's money over a period, per currency: bets, wins by kind, jackpot
contributions, refunds, free bets and GGR (`casino report`).

Summed by SQL over the ledger's accepted rows only (a refusal moved nothing), of every
wallet that played the provider's games, by the wallet's currency. The period is whole
days in UTC, both ends included: rows decided from `from_date` 00:00 UTC until the end of
`to_date`. A row counts in the period it was decided in: a bet of one period refunded in
the next counts in each, once as a bet and once as a refund.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.engine import RowMapping

from casino.database import Database
from contracts.rounds import CurrencyReport, ProviderReport

_PROVIDER = "SELECT id FROM casino_game_providers WHERE code = :code"

# A free bet (a debit naming its campaign) costs nothing, and neither does its refund: both
# are counted apart from the paid ones.
_SUMS = """
SELECT w.currency,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'debit' AND t.campaign_id IS NULL), 0)
           AS bets,
       count(*) FILTER (WHERE t.type = 'debit' AND t.campaign_id IS NULL) AS bet_count,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'debit' AND t.campaign_id IS NOT NULL), 0)
           AS free_bets,
       count(*) FILTER (WHERE t.type = 'debit' AND t.campaign_id IS NOT NULL) AS free_bet_count,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'rollback' AND t.campaign_id IS NULL), 0)
           AS refunds,
       coalesce(sum(t.jackpot_contribution) FILTER (WHERE t.type = 'debit'), 0)
           AS jackpot_contributions,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'credit' AND t.kind = 'win'), 0) AS win,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'credit' AND t.kind = 'bonus'), 0) AS bonus,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'credit' AND t.kind = 'jackpot'), 0)
           AS jackpot,
       coalesce(sum(t.amount) FILTER (WHERE t.type = 'credit' AND t.kind = 'promo'), 0) AS promo,
       count(DISTINCT (t.wallet_id, t.round_id)) FILTER (WHERE t.round_id IS NOT NULL)
           AS rounds
FROM casino_transactions AS t
JOIN casino_wallets AS w ON w.id = t.wallet_id
WHERE t.provider_id = :provider_id AND t.outcome = 'accepted'
  AND t.created_at >= :start AND t.created_at < :end
GROUP BY w.currency
ORDER BY w.currency
"""

WIN_KINDS = ("win", "bonus", "jackpot", "promo")


class UnknownProviderError(LookupError):
    """No provider is registered with that code."""


async def provider_report(
    database: Database, provider_code: str, from_date: date, to_date: date
) -> ProviderReport:
    """The provider's sums per currency over `from_date`..`to_date` (UTC days, inclusive).

    Raises `UnknownProviderError` for a code no provider has, and `ValueError` when the
    period ends before it starts.
    """
    if to_date < from_date:
        raise ValueError(f"the period ends ({to_date}) before it starts ({from_date})")
    start = datetime.combine(from_date, time(), UTC)
    end = datetime.combine(to_date + timedelta(days=1), time(), UTC)
    async with database.begin() as db:
        provider_id = (await db.execute(text(_PROVIDER), {"code": provider_code})).scalar()
        if provider_id is None:
            raise UnknownProviderError(provider_code)
        rows = await db.execute(
            text(_SUMS), {"provider_id": provider_id, "start": start, "end": end}
        )
        currencies = [_currency_report(row) for row in rows.mappings()]
    return ProviderReport(
        provider_code=provider_code,
        from_date=from_date,
        to_date=to_date,
        currencies=currencies,
    )


def _currency_report(values: RowMapping) -> CurrencyReport:
    wins = {kind: int(values[kind]) for kind in WIN_KINDS}
    bets, refunds = int(values["bets"]), int(values["refunds"])
    return CurrencyReport(
        currency=str(values["currency"]),
        bets=bets,
        bet_count=int(values["bet_count"]),
        refunds=refunds,
        free_bets=int(values["free_bets"]),
        free_bet_count=int(values["free_bet_count"]),
        wins=wins,
        jackpot_contributions=int(values["jackpot_contributions"]),
        rounds=int(values["rounds"]),
        ggr=bets - refunds - sum(wins.values()),
    )
