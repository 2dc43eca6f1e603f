"""The dashboard's figures (`casino.dashboard.queries`) over a real ledger, written by the
wallet itself: operations per minute by outcome, and GGR per provider, currency and UTC day.

A database of this module's own, so the per-minute counts (which span every provider)
are exactly the rows played here. The wallet stamps each row with the database's clock;
to put rows in other minutes and days, the test then moves their `created_at` back, as
`test_provider_report` does.
"""

import asyncio
import itertools
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import text

from casino import wallet
from casino.dashboard.queries import (
    ProviderDayRevenue,
    operations_per_minute,
    revenue_per_provider_day,
)
from casino.database import Database, LedgerPool, make_database, make_engine, open_ledger_pool
from casino.rounds.report import provider_report
from contracts.errors import ErrorCode
from contracts.wallet import CreditKind
from tests.conftest import fresh_migrated_database
from tests.integration.casino.round_support import (
    free_bet,
    grant_free_rounds,
    own_provider,
    paid,
    staked,
)
from tests.integration.casino.support import accepted, bet, cancel, new_id, refusal

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Played:
    """What `played` did: its providers, and the minute its refused bet was moved to."""

    first: str  # USD and EUR players
    second: str  # a USD player who won, two days ago, and a bet 20 days ago
    third: str  # one bet four hours ago: outside the dashboard's three hours
    refused_minute: datetime
    today: date


@dataclass(frozen=True)
class Stores:
    url: str
    database: Database
    ledger: LedgerPool


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stores(postgres_admin_url: str) -> AsyncIterator[Stores]:
    async for url in fresh_migrated_database(postgres_admin_url, "casino", "casino_dashboard"):
        engine = make_engine(url)
        ledger = await open_ledger_pool(url, size=2)
        try:
            yield Stores(url, make_database(engine), ledger)
        finally:
            await ledger.close()
            await engine.dispose()


async def _move(ledger: LedgerPool, transaction_id: str, back: timedelta) -> None:
    await ledger.execute(
        "UPDATE casino_transactions SET created_at = created_at - $1::interval"
        " WHERE transaction_id = $2",
        back,
        transaction_id,
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def played(stores: Stores) -> Played:
    database, ledger = stores.database, stores.ledger
    first, second, third = [await own_provider(database) for _ in range(3)]

    usd = await first.player(database, 10_000, "USD")
    one, two, three, four = (new_id("round") for _ in range(4))
    accepted(await wallet.debit(ledger, staked(usd, 1_000, one)))
    accepted(await wallet.credit(ledger, paid(usd, 700, one)))
    accepted(await wallet.credit(ledger, paid(usd, 2_000, one, kind=CreditKind.JACKPOT)))
    refunded = staked(usd, 500, two)
    accepted(await wallet.debit(ledger, refunded))
    accepted(await wallet.rollback(ledger, cancel(usd, refunded.transaction_id)))
    campaign = await grant_free_rounds(database, usd, rounds=2, bet_amount=100)
    accepted(await wallet.debit(ledger, free_bet(usd, campaign, 100, three)))
    bonus = paid(usd, 300, three, kind=CreditKind.BONUS, campaign_id=campaign)
    accepted(await wallet.credit(ledger, bonus))
    too_big = staked(usd, 1_000_000, new_id("round"))
    assert refusal(await wallet.debit(ledger, too_big)) == ErrorCode.INSUFFICIENT_FUNDS
    ghost = new_id("bet")
    accepted(await wallet.rollback(ledger, cancel(usd, ghost)))  # a tombstone
    late = bet(usd, 10, tx=ghost, round_id=new_id("round"))
    assert refusal(await wallet.debit(ledger, late)) == ErrorCode.TRANSACTION_ROLLED_BACK
    yesterdays = staked(usd, 400, four)
    accepted(await wallet.debit(ledger, yesterdays))
    accepted(await wallet.rollback(ledger, cancel(usd, yesterdays.transaction_id)))

    eur = await first.player(database, 1_000, "EUR")
    lost = new_id("round")
    accepted(await wallet.debit(ledger, staked(eur, 200, lost)))
    accepted(await wallet.credit(ledger, paid(eur, 0, lost)))

    winner = await second.player(database, 1_000, "USD")
    won, old = new_id("round"), new_id("round")
    stake, win = staked(winner, 300, won), paid(winner, 1_000, won)
    accepted(await wallet.debit(ledger, stake))
    accepted(await wallet.credit(ledger, win))
    long_ago = staked(winner, 50, old)
    accepted(await wallet.debit(ledger, long_ago))

    early = staked(await third.player(database, 1_000, "USD"), 10, new_id("round"))
    accepted(await wallet.debit(ledger, early))

    # Then into the past: a refusal five minutes back, a bet four hours back, a refunded
    # bet to yesterday (its refund stays today), a win two days back, a bet twenty.
    refused_minute = await ledger.fetchval(
        "UPDATE casino_transactions"
        " SET created_at = date_trunc('minute', now()) - interval '5 minutes 50 seconds'"
        " WHERE transaction_id = $1 RETURNING date_trunc('minute', created_at)",
        too_big.transaction_id,
    )
    await _move(ledger, early.transaction_id, timedelta(hours=4))
    await _move(ledger, yesterdays.transaction_id, timedelta(days=1))
    for row in (stake, win):
        await _move(ledger, row.transaction_id, timedelta(days=2))
    await _move(ledger, long_ago.transaction_id, timedelta(days=20))
    today = await ledger.fetchval("SELECT (now() AT TIME ZONE 'UTC')::date")
    return Played(first.code, second.code, third.code, refused_minute, today)


async def test_operations_per_minute_counts_every_decision_by_outcome(
    stores: Stores, played: Played
) -> None:
    async with stores.database() as session:
        minutes = await operations_per_minute(session, hours=3)

    assert len(minutes) == 180
    steps = {b.minute - a.minute for a, b in itertools.pairwise(minutes)}
    assert steps == {timedelta(minutes=1)}
    assert minutes[-1].minute >= played.refused_minute + timedelta(minutes=6)
    assert all(m.minute.tzinfo is not None and m.minute.second == 0 for m in minutes)
    # In the last three hours: every row but those moved to other days or four hours back;
    # the tombstone and a zero win are operations too; the second refusal is recorded
    # with its own code.
    totals: dict[str, int] = {}
    for minute in minutes:
        for outcome, count in minute.outcomes.items():
            totals[outcome] = totals.get(outcome, 0) + count
    assert totals == {"ok": 11, "INSUFFICIENT_FUNDS": 1, "TRANSACTION_ROLLED_BACK": 1}
    [refused] = [m for m in minutes if "INSUFFICIENT_FUNDS" in m.outcomes]
    assert refused.minute == played.refused_minute
    assert refused.outcomes == {"INSUFFICIENT_FUNDS": 1}
    assert sum(1 for m in minutes if not m.outcomes) >= 170  # quiet minutes are listed


async def test_a_shorter_window_leaves_older_minutes_out(stores: Stores, played: Played) -> None:
    async with stores.database() as session:
        minutes = await operations_per_minute(session, hours=1)
        with pytest.raises(ValueError, match="1 to 168 hours"):
            await operations_per_minute(session, hours=0)

    assert len(minutes) == 60
    assert played.refused_minute in [m.minute for m in minutes]
    assert sum(m.outcomes.get("ok", 0) for m in minutes) == 11


async def test_revenue_per_provider_and_day_nets_refunds_and_counts_every_win(
    stores: Stores, played: Played
) -> None:
    async with stores.database() as session:
        revenue = await revenue_per_provider_day(session, days=14)

    today, yesterday = played.today, played.today - timedelta(days=1)
    ours = [r for r in revenue if r.provider_code != played.third]
    assert ours == sorted(ours, key=lambda r: (r.day, r.provider_code, r.currency))
    assert set(ours) == {
        # Stakes 1,000 + 500, less its refund, less the refund of yesterday's 400; wins
        # 700 + a 2,000 jackpot + a free round's 300 bonus. The free bet counts nothing.
        ProviderDayRevenue(today, played.first, "USD", bets=600, wins=3_000, ggr=-2_400),
        ProviderDayRevenue(yesterday, played.first, "USD", bets=400, wins=0, ggr=400),
        ProviderDayRevenue(today, played.first, "EUR", bets=200, wins=0, ggr=200),
        ProviderDayRevenue(
            today - timedelta(days=2), played.second, "USD", bets=300, wins=1_000, ggr=-700
        ),
    }


async def test_revenue_agrees_with_the_provider_report(stores: Stores, played: Played) -> None:
    async with stores.database() as session:
        revenue = await revenue_per_provider_day(session, days=14)
    start = played.today - timedelta(days=13)
    report = await provider_report(stores.database, played.first, start, played.today)

    for currency in report.currencies:
        days = [
            r for r in revenue if (r.provider_code, r.currency) == (played.first, currency.currency)
        ]
        assert sum(r.ggr for r in days) == currency.ggr
        assert sum(r.bets for r in days) == currency.bets - currency.refunds


async def test_a_shorter_period_leaves_older_days_out(stores: Stores, played: Played) -> None:
    async with stores.database() as session:
        today_only = await revenue_per_provider_day(session, days=1)
        with pytest.raises(ValueError, match="1 to 366 days"):
            await revenue_per_provider_day(session, days=0)

    assert {r.day for r in today_only} <= {played.today}
    assert played.second not in {r.provider_code for r in today_only}
    [usd] = [r for r in today_only if (r.provider_code, r.currency) == (played.first, "USD")]
    assert usd.ggr == -2_400


async def test_the_ledger_s_time_index_serves_the_dashboard(stores: Stores) -> None:
    async with stores.database() as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in await session.execute(
                text(
                    "EXPLAIN SELECT count(*) FROM casino_transactions"
                    " WHERE created_at >= now() - interval '3 hours'"
                )
            )
        )

    assert "ix_casino_transactions_created_at" in plan


async def test_the_command_prints_both_figures(stores: Stores, played: Played) -> None:
    async def casino(*args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            "casino",
            "dashboard",
            *args,
            env={**os.environ, "CASINO_DATABASE_URL": stores.url},
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await process.communicate()
        assert process.returncode == 0
        return out.decode()

    table = await casino()
    assert "INSUFFICIENT_FUNDS" in table
    assert f"{played.refused_minute:%Y-%m-%d %H:%M}" in table
    [usd_today] = [
        line
        for line in table.splitlines()
        if line.startswith(f"{played.today}  {played.first}") and " USD " in line
    ]
    assert usd_today.split()[-3:] == ["6.00", "30.00", "-24.00"]  # cents, as people read them

    figures = json.loads(await casino("--hours", "1", "--json"))
    assert len(figures["operationsPerMinute"]) == 60
    assert {
        "day": played.today.isoformat(),
        "providerCode": played.first,
        "currency": "EUR",
        "bets": 200,
        "wins": 0,
        "ggr": 200,
    } in figures["revenuePerProviderDay"]
