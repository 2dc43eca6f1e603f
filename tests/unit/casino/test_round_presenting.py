"""Rounds and reports for people (`casino.rounds.presenting`): amounts with the decimals of
the casino's list first, then ISO 4217's, else in minor units said as such; and a round's
totals (`casino.rounds.reading.totals_of`)."""

import uuid
from datetime import UTC, date, datetime

from casino.rounds.presenting import Amounts, render_report, render_round
from casino.rounds.reading import totals_of
from contracts.rounds import (
    CurrencyReport,
    PlayedRound,
    ProviderReport,
    RoundReply,
    RoundStatus,
    RoundTransaction,
)

AT = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def _row(row_type: str, amount: int, **fields: object) -> RoundTransaction:
    return RoundTransaction.model_validate(
        {
            "type": row_type,
            "transaction_id": f"{row_type}-{amount}",
            "amount": amount,
            "outcome": "accepted",
            "balance_after": 0,
            "created_at": AT,
            **fields,
        }
    )


def test_amounts_use_the_casinos_decimals_then_iso_and_else_minor_units() -> None:
    amounts = Amounts({"XYZ": 3})
    assert amounts.text(123_456, "XYZ") == "123.456"
    assert amounts.text(1_000, "JPY") == "1,000"
    assert amounts.text(-1_050, "USD") == "-10.50"
    assert amounts.text(1_050, "QQQ") == "1,050"
    assert (amounts.known("XYZ"), amounts.known("JPY"), amounts.known("QQQ")) == (
        True,
        True,
        False,
    )


def test_totals_count_accepted_rows_and_free_bets_cost_nothing() -> None:
    campaign = uuid.uuid4()
    rows = [
        _row("debit", 300, jackpot_contribution=3),
        _row("debit", 200),
        _row("debit", 999, outcome="rejected", error_code="INSUFFICIENT_FUNDS"),
        _row("rollback", 200, original_transaction_id="debit-200"),
        _row("rollback", 0, original_transaction_id="debit-200"),  # a repeat refunds nothing
        _row("debit", 50, campaign_id=campaign),
        _row("rollback", 50, campaign_id=campaign),  # a free bet's refund returns nothing
        _row("credit", 120, kind="bonus", campaign_id=campaign),
        _row("end_round", 0, closes_round=True),
    ]
    totals = totals_of(rows)
    assert (totals.bets, totals.free_bets, totals.refunds, totals.wins) == (500, 50, 200, 120)
    assert totals.jackpot_contributions == 3
    assert totals.net_result == 120 + 200 - 500


def test_a_round_in_a_currency_of_unknown_decimals_says_its_amounts_are_minor_units() -> None:
    rows = [_row("debit", 1_500), _row("credit", 2_000, kind="win", closes_round=True)]
    played = PlayedRound(
        wallet_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        currency="QQQ",
        status=RoundStatus.CLOSED,
        opened_at=AT,
        ended_at=AT,
        totals=totals_of(rows),
        transactions=rows,
    )
    text = render_round(RoundReply(provider_code="p", round_id="r", rounds=[played]), Amounts())
    assert "amounts in QQQ minor units (decimals unknown)" in text
    assert text.splitlines()[-1] == "net result for the player: 500"
    assert "closes the round" in text


def test_a_report_has_a_column_per_currency_and_ggr_last() -> None:
    report = ProviderReport(
        provider_code="p",
        from_date=date(2026, 12, 1),
        to_date=date(2026, 12, 2),
        currencies=[
            CurrencyReport(currency="JPY", bets=5_000, wins={"win": 1_000}, ggr=4_000),
            CurrencyReport(currency="USD", bets=250, wins={"win": 300}, ggr=-50),
        ],
    )
    lines = render_report(report, Amounts()).splitlines()
    assert lines[1].split() == ["JPY", "USD"]
    assert lines[-1].split()[-2:] == ["4,000", "-0.50"]
    empty = ProviderReport(
        provider_code="p", from_date=date(2026, 12, 1), to_date=date(2026, 12, 1)
    )
    assert render_report(empty, Amounts()).endswith("no money moved in this period")
