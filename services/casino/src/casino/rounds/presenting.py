"""Rounds and reports as tables for people: amounts with their currency's decimals
(`contracts.currencies.format_amount`: 1050 USD is 10.50, 1000 JPY is 1,000).

The decimals are the casino's list's (`casino currency list`), else ISO 4217's or the
configured crypto unit's; a currency none of them knows is shown in minor units, and the
table says so.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from contracts.currencies import UnknownCurrencyError, format_amount, known_decimals
from contracts.rounds import (
    CurrencyReport,
    PlayedRound,
    ProviderReport,
    RoundReply,
    RoundTransaction,
)

Pick = Callable[[CurrencyReport], int]
"""One sum of a currency's report."""


@dataclass(frozen=True)
class Amounts:
    """Writes amounts for people; `decimals` (the casino's list, by code) comes first."""

    decimals: Mapping[str, int] = field(default_factory=dict)

    def known(self, currency: str) -> bool:
        """Whether `currency`'s decimals are known, so its amounts are written in units."""
        return self.decimals_of(currency) is not None

    def text(self, minor_units: int, currency: str) -> str:
        """`minor_units` as a person reads it in `currency`, or as minor units if unknown."""
        decimals = self.decimals_of(currency)
        return f"{minor_units:,}" if decimals is None else format_amount(minor_units, decimals)

    def decimals_of(self, currency: str) -> int | None:
        """`currency`'s decimals, or None when nobody knows them (shown in minor units)."""
        if currency in self.decimals:
            return self.decimals[currency]
        try:
            return known_decimals(currency)
        except UnknownCurrencyError:
            return None


def render_round(reply: RoundReply, amounts: Amounts) -> str:
    """The round (one block per wallet that played it): its status, then a line per row."""
    blocks = [_played(reply.provider_code, reply.round_id, r, amounts) for r in reply.rounds]
    return "\n\n".join(blocks)


def _played(provider_code: str, round_id: str, played: PlayedRound, amounts: Amounts) -> str:
    currency = played.currency

    def money(minor_units: int) -> str:
        return amounts.text(minor_units, currency)

    opened = (
        f", opened {played.opened_at.isoformat(timespec='milliseconds')}"
        if played.opened_at
        else ""
    )
    ended = (
        f", ended {played.ended_at.isoformat(timespec='milliseconds')}" if played.ended_at else ""
    )
    unit = currency if amounts.known(currency) else f"{currency} minor units (decimals unknown)"
    lines = [
        f"round {round_id} of provider {provider_code}: {played.status.value}{opened}{ended}",
        f"player {played.user_id}, wallet {played.wallet_id}, amounts in {unit}",
    ]
    rows = [
        [
            str(number),
            row.created_at.isoformat(timespec="milliseconds"),
            row.type,
            row.transaction_id,
            money(row.amount),
            row.kind or "",
            row.outcome if row.error_code is None else f"{row.outcome} {row.error_code}",
            money(row.balance_after),
            "; ".join(_notes(row, money)),
        ]
        for number, row in enumerate(played.transactions, 1)
    ]
    header = ["#", "time", "type", "transactionId", "amount", "kind", "outcome", "balance after"]
    lines += _table([*header, "notes"], rows)
    totals = played.totals
    lines.append(
        f"bets {money(totals.bets)}, wins {money(totals.wins)},"
        f" refunds {money(totals.refunds)}, free bets {money(totals.free_bets)},"
        f" jackpot contributions {money(totals.jackpot_contributions)}"
    )
    lines.append(f"net result for the player: {money(totals.net_result)}")
    return "\n".join(lines)


def _notes(row: RoundTransaction, money: Callable[[int], str]) -> list[str]:
    notes = []
    if row.original_transaction_id is not None:
        notes.append(f"cancels {row.original_transaction_id}")
    if row.jackpot_contribution:
        notes.append(f"jackpot contribution {money(row.jackpot_contribution)}")
    if row.campaign_id is not None:
        notes.append(f"free round of campaign {row.campaign_id}")
    if row.closes_round:
        notes.append("closes the round")
    return notes


def render_report(report: ProviderReport, amounts: Amounts) -> str:
    """A column per currency, a line per sum."""
    title = (
        f"provider {report.provider_code}, {report.from_date} to {report.to_date}"
        " (UTC days, both included; accepted transactions only)"
    )
    currencies = report.currencies
    if not currencies:
        return f"{title}\nno money moved in this period"

    def sums(name: str, pick: Pick) -> list[str]:
        return [name, *(amounts.text(pick(c), c.currency) for c in currencies)]

    def counts(name: str, pick: Pick) -> list[str]:
        return [name, *(f"{pick(c):,}" for c in currencies)]

    kinds = sorted({kind for c in currencies for kind in c.wins})
    header = [
        "",
        *(
            c.currency if amounts.known(c.currency) else f"{c.currency} (minor units)"
            for c in currencies
        ),
    ]
    rows = [
        sums("bets", lambda c: c.bets),
        counts("bets placed", lambda c: c.bet_count),
        sums("refunds", lambda c: c.refunds),
        *(sums(f"wins: {kind}", _win_of(kind)) for kind in kinds),
        sums("wins: all", lambda c: sum(c.wins.values())),
        sums("jackpot contributions", lambda c: c.jackpot_contributions),
        sums("free bets", lambda c: c.free_bets),
        counts("free bets placed", lambda c: c.free_bet_count),
        counts("rounds", lambda c: c.rounds),
        sums("GGR (bets - refunds - wins)", lambda c: c.ggr),
    ]
    return "\n".join([title, *_table(header, rows, align_right_from=1)])


def _win_of(kind: str) -> Pick:
    return lambda report: report.wins.get(kind, 0)


def _table(header: list[str], rows: list[list[str]], *, align_right_from: int = 99) -> list[str]:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i >= align_right_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), *(line(row) for row in rows)]
