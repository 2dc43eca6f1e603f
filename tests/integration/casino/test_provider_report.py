"""The per-provider report (`casino.rounds.report`, `casino report`): accepted rows only,
per currency, wins by kind, jackpot contributions, refunds, free bets and GGR, over whole
UTC days; for a provider of the test's own, so its sums are exactly the test's rows."""

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from casino import wallet
from casino.database import Database, LedgerPool
from casino.rounds.report import UnknownProviderError, provider_report
from contracts.errors import ErrorCode
from contracts.rounds import CurrencyReport
from contracts.wallet import CreditKind
from tests.integration.casino.round_support import (
    OwnProvider,
    free_bet,
    grant_free_rounds,
    own_provider,
    paid,
    staked,
)
from tests.integration.casino.support import accepted, cancel, new_id, refusal

pytestmark = pytest.mark.integration


async def _play(ledger: LedgerPool, database: Database, provider: OwnProvider) -> str:
    """A day of play at `provider`; the transactionId of a bet that counts for nothing
    (refused)."""
    usd = await provider.player(database, 10_000, "USD")
    one, two, three = new_id("round"), new_id("round"), new_id("round")
    accepted(await wallet.debit(ledger, staked(usd, 1_000, one, jackpot_contribution=10)))
    refunded = staked(usd, 500, two)
    accepted(await wallet.debit(ledger, refunded))
    accepted(await wallet.rollback(ledger, cancel(usd, refunded.transaction_id)))
    accepted(await wallet.credit(ledger, paid(usd, 700, one)))
    accepted(await wallet.credit(ledger, paid(usd, 2_000, one, kind=CreditKind.JACKPOT)))
    accepted(await wallet.credit(ledger, paid(usd, 50, new_id("promo"), kind=CreditKind.PROMO)))
    campaign = await grant_free_rounds(database, usd, rounds=3, bet_amount=100)
    accepted(await wallet.debit(ledger, free_bet(usd, campaign, 100, three)))
    bonus = paid(usd, 300, three, kind=CreditKind.BONUS, campaign_id=campaign)
    accepted(await wallet.credit(ledger, bonus))
    too_big = staked(usd, 1_000_000, new_id("round"))
    assert refusal(await wallet.debit(ledger, too_big)) == ErrorCode.INSUFFICIENT_FUNDS

    eur = await provider.player(database, 1_000, "EUR")
    lost = new_id("round")
    accepted(await wallet.debit(ledger, staked(eur, 200, lost)))
    accepted(await wallet.credit(ledger, paid(eur, 0, lost)))
    return too_big.transaction_id


EXPECTED = [
    CurrencyReport(
        currency="EUR",
        bets=200,
        bet_count=1,
        wins={"win": 0, "bonus": 0, "jackpot": 0, "promo": 0},
        rounds=1,
        ggr=200,
    ),
    CurrencyReport(
        currency="USD",
        bets=1_500,
        bet_count=2,
        refunds=500,
        free_bets=100,
        free_bet_count=1,
        wins={"win": 700, "bonus": 300, "jackpot": 2_000, "promo": 50},
        jackpot_contributions=10,
        rounds=4,
        ggr=1_500 - 500 - (700 + 300 + 2_000 + 50),
    ),
]


async def test_the_report_sums_a_providers_accepted_rows_per_currency(
    ledger: LedgerPool, database: Database
) -> None:
    provider = await own_provider(database)
    await _play(ledger, database, provider)
    today = datetime.now(UTC).date()

    report = await provider_report(database, provider.code, today, today)

    assert report.currencies == EXPECTED
    yesterday = today - timedelta(days=1)
    assert (await provider_report(database, provider.code, yesterday, yesterday)).currencies == []


async def test_a_row_counts_on_the_utc_day_it_was_decided(
    ledger: LedgerPool, database: Database
) -> None:
    provider = await own_provider(database)
    eur = await provider.player(database, 1_000, "EUR")
    placed = staked(eur, 200, new_id("round"))
    accepted(await wallet.debit(ledger, placed))
    today = datetime.now(UTC).date()
    last_second_of_yesterday = datetime.combine(today, datetime.min.time(), UTC) - timedelta(
        seconds=1
    )
    await ledger.execute(
        "UPDATE casino_transactions SET created_at = $1 WHERE transaction_id = $2",
        last_second_of_yesterday,
        placed.transaction_id,
    )
    yesterday = today - timedelta(days=1)

    assert (await provider_report(database, provider.code, today, today)).currencies == []
    [day_before] = (await provider_report(database, provider.code, yesterday, yesterday)).currencies
    assert (day_before.bets, day_before.ggr) == (200, 200)
    [both] = (await provider_report(database, provider.code, yesterday, today)).currencies
    assert both.bets == 200


async def test_an_unknown_provider_or_a_backwards_period_is_refused(database: Database) -> None:
    today = datetime.now(UTC).date()
    with pytest.raises(UnknownProviderError):
        await provider_report(database, "no-such-provider", today, today)
    provider = await own_provider(database)
    with pytest.raises(ValueError, match="before it starts"):
        await provider_report(database, provider.code, today, today - timedelta(days=1))


async def _casino(database_url: str, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        *args,
        env={**os.environ, "CASINO_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_report_command_prints_json_and_a_table_with_decimals(
    ledger: LedgerPool, database: Database, casino_database_url: str
) -> None:
    provider = await own_provider(database)
    await _play(ledger, database, provider)
    day = datetime.now(UTC).date().isoformat()
    period = ["--provider", provider.code, "--from", day, "--to", day]

    status, out, _ = await _casino(casino_database_url, "report", *period, "--json")
    assert status == 0
    printed = json.loads(out)
    assert (printed["providerCode"], printed["from"], printed["to"]) == (provider.code, day, day)
    assert printed["currencies"] == [c.to_wire() for c in EXPECTED]

    status, table, _ = await _casino(casino_database_url, "report", *period)
    assert status == 0
    ggr_line = next(line for line in table.splitlines() if line.startswith("GGR"))
    assert ggr_line.split()[-2:] == ["2.00", "-20.50"]  # EUR, then USD, in units

    status, _, err = await _casino(
        casino_database_url, "report", *period[:1], "nobody", *period[2:]
    )
    assert (status, err.strip()) == (1, "no provider 'nobody'")
