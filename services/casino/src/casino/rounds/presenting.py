"""Rounds and reports as tables for people: amounts with their currency's decimals
(`contracts.currencies.format_amount`: 1050 USD is 10.50, 1000 JPY is 1,000).

A currency whose decimals neither ISO 4217 nor the configured crypto units know is shown
in minor units, and the table says so.
"""

from collections.abc import Callable, Sequence

from contracts.currencies import UnknownCurrencyError, format_amount
from contracts.rounds import (
    CurrencyReport,
    PlayedRound,
    ProviderReport,
    RoundReply,
    RoundTransaction,
)

Pick = Callable[[CurrencyReport], int]
"""One sum of a currency's report."""


def amount_text(minor_units: int, currency: str) -> str:
    """`minor_units` as a person reads it in `currency`, or as minor units if unknown."""
    try:
        return format_amount(minor_units, currency)
    except UnknownCurrencyError:
        return f"{minor_units:,}"


def unit_note(currency: str) -> str:
    """How a table's amounts in `currency` are written: its code, or that they are minor
    units of a currency whose decimals are unknown here."""
    try:
        format_amount(0, currency)
    except UnknownCurrencyError:
        return f"{currency}, in minor units (its decimals are unknown here)"
    return currency


def render_round(reply: RoundReply) -> str:
    """The round (one block per wallet that played it): its status, then a line per row."""
    blocks = [_render_played(reply.provider_code, reply.round_id, r) for r in reply.rounds]
    return "\n\n".join(blocks)


def _render_played(provider_code: str, round_id: str, played: PlayedRound) -> str:
    currency = played.currency
    ended = f", ended {played.ended_at.isoformat()}" if played.ended_at else ""
    opened = f", opened {played.opened_at.isoformat()}" if played.opened_at else ""
    lines = [
        f"round {round_id} of provider {provider_code}: {played.status.value}{opened}{ended}",
        f"player {played.user_id}, wallet {played.wallet_id}, amounts in {unit_note(currency)}",
    ]
    rows = [
        [
            str(number),
            row.created_at.isoformat(timespec="milliseconds"),
            row.type,
            row.transaction_id,
            amount_text(row.amount, currency),
            row.kind or "",
            row.outcome if row.error_code is None else f"{row.outcome} {row.error_code}",
            amount_text(row.balance_after, currency),
            "; ".join(_notes(row, currency)),
        ]
        for number, row in enumerate(played.transactions, 1)
    ]
    header = ["#", "time", "type", "transactionId", "amount", "kind", "outcome", "balance after"]
    lines += _table([*header, "notes"], rows)
    totals = played.totals
    lines.append(
        f"bets {amount_text(totals.bets, currency)}, wins {amount_text(totals.wins, currency)},"
        f" refunds {amount_text(totals.refunds, currency)},"
        f" free bets {amount_text(totals.free_bets, currency)},"
        f" jackpot contributions {amount_text(totals.jackpot_contributions, currency)}"
    )
    lines.append(f"net result for the player: {amount_text(totals.net_result, currency)}")
    return "\n".join(lines)


def _notes(row: RoundTransaction, currency: str) -> list[str]:
    notes = []
    if row.original_transaction_id is not None:
        notes.append(f"cancels {row.original_transaction_id}")
    if row.jackpot_contribution:
        notes.append(f"jackpot contribution {amount_text(row.jackpot_contribution, currency)}")
    if row.campaign_id is not None:
        notes.append(f"free round of campaign {row.campaign_id}")
    if row.closes_round:
        notes.append("closes the round")
    return notes


def render_report(report: ProviderReport) -> str:
    """A column per currency, a line per sum."""
    title = (
        f"provider {report.provider_code}, {report.from_date} to {report.to_date}"
        " (UTC days, both included; accepted transactions only)"
    )
    if not report.currencies:
        return f"{title}\nno money moved in this period"
    kinds = sorted({kind for c in report.currencies for kind in c.wins})
    header = ["", *(_currency_heading(c) for c in report.currencies)]
    rows = [
        _sum_row("bets", report.currencies, lambda c: c.bets),
        _count_row("bets placed", report.currencies, lambda c: c.bet_count),
        _sum_row("refunds", report.currencies, lambda c: c.refunds),
        *(_sum_row(f"wins: {kind}", report.currencies, _win_of(kind)) for kind in kinds),
        _sum_row("wins: all", report.currencies, lambda c: sum(c.wins.values())),
        _sum_row("jackpot contributions", report.currencies, lambda c: c.jackpot_contributions),
        _sum_row("free bets", report.currencies, lambda c: c.free_bets),
        _count_row("free bets placed", report.currencies, lambda c: c.free_bet_count),
        _count_row("rounds", report.currencies, lambda c: c.rounds),
        _sum_row("GGR (bets - refunds - wins)", report.currencies, lambda c: c.ggr),
    ]
    return "\n".join([title, *_table(header, rows, align_right_from=1)])


def _win_of(kind: str) -> Pick:
    return lambda report: report.wins.get(kind, 0)


def _currency_heading(report: CurrencyReport) -> str:
    note = unit_note(report.currency)
    return report.currency if note == report.currency else f"{report.currency} (minor units)"


def _sum_row(name: str, currencies: Sequence[CurrencyReport], pick: Pick) -> list[str]:
    return [name, *(amount_text(pick(c), c.currency) for c in currencies)]


def _count_row(name: str, currencies: Sequence[CurrencyReport], pick: Pick) -> list[str]:
    return [name, *(f"{pick(c):,}" for c in currencies)]


def _table(header: list[str], rows: list[list[str]], *, align_right_from: int = 99) -> list[str]:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i >= align_right_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), *(line(row) for row in rows)]
