"""`casino dashboard [--hours H] [--days D] [--json]`: the back office dashboard's two
figures as tables, for a terminal (OPERATIONS.md, "Dashboard figures").

The minutes table lists only the minutes that had an operation (`--json` lists every
minute, as the chart draws them); amounts are written with their currency's decimals.
"""

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass

from casino.currencies.catalogue import supported_currencies
from casino.dashboard.queries import (
    MinuteOutcomes,
    ProviderDayRevenue,
    operations_per_minute,
    revenue_per_provider_day,
)
from casino.database import Database, run_with_database
from casino.settings import CasinoSettings
from contracts.currencies import format_amount

NAMES: tuple[str, ...] = ("dashboard",)
"""The subcommands this module adds and answers."""


@dataclass(frozen=True)
class _Figures:
    minutes: list[MinuteOutcomes]
    revenue: list[ProviderDayRevenue]
    decimals: dict[str, int]


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommand to the `casino` parser."""
    dashboard = commands.add_parser(
        "dashboard", help="wallet operations per minute by outcome, and GGR per provider per day"
    )
    dashboard.add_argument("--hours", type=_within(1, 168), default=3, help="default 3")
    dashboard.add_argument("--days", type=_within(1, 366), default=14, help="default 14")
    dashboard.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    """Print the figures; the exit status."""

    async def read(database: Database) -> _Figures:
        async with database() as session:
            minutes = await operations_per_minute(session, args.hours)
            revenue = await revenue_per_provider_day(session, args.days)
        currencies = await supported_currencies(database)
        return _Figures(minutes, revenue, {c.code: c.decimals for c in currencies})

    figures = run_with_database(settings.casino_database_url.get_secret_value(), read)
    if args.json:
        print(json.dumps(_json(figures), indent=2))
    else:
        print(_minutes_table(figures.minutes, args.hours))
        print()
        print(_revenue_table(figures, args.days))
    return 0


def _json(figures: _Figures) -> dict[str, object]:
    return {
        "operationsPerMinute": [
            {"minute": m.minute.isoformat(), "outcomes": m.outcomes} for m in figures.minutes
        ],
        "revenuePerProviderDay": [
            {
                "day": r.day.isoformat(),
                "providerCode": r.provider_code,
                "currency": r.currency,
                "bets": r.bets,
                "wins": r.wins,
                "ggr": r.ggr,
            }
            for r in figures.revenue
        ],
    }


def _minutes_table(minutes: list[MinuteOutcomes], hours: int) -> str:
    heading = f"wallet operations per minute, last {hours} hours (UTC; quiet minutes left out)"
    busy = [m for m in minutes if m.outcomes]
    if not busy:
        return f"{heading}\nnone"
    # "ok" first, then the refusals by name: the same columns on every line.
    outcomes = sorted({o for m in busy for o in m.outcomes}, key=lambda o: (o != "ok", o))
    rows = [["minute", *outcomes]]
    rows += [
        [m.minute.strftime("%Y-%m-%d %H:%M"), *(str(m.outcomes.get(o, 0)) for o in outcomes)]
        for m in busy
    ]
    return f"{heading}\n{_aligned(rows, first_left=1)}"


def _revenue_table(figures: _Figures, days: int) -> str:
    heading = (
        f"gross gaming revenue per provider per UTC day, last {days} days"
        " (bets net of refunds; wins of every kind; GGR = bets - wins)"
    )
    if not figures.revenue:
        return f"{heading}\nnone"
    rows = [["day", "provider", "currency", "bets", "wins", "GGR"]]
    for r in figures.revenue:
        decimals = figures.decimals.get(r.currency, 2)
        amounts = (format_amount(v, decimals) for v in (r.bets, r.wins, r.ggr))
        rows.append([r.day.isoformat(), r.provider_code, r.currency, *amounts])
    return f"{heading}\n{_aligned(rows, first_left=3)}"


def _aligned(rows: list[list[str]], *, first_left: int) -> str:
    """Columns padded to their widest cell: the first `first_left` to the left, numbers to
    the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(widths[i]) if i < first_left else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )


def _within(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{low} to {high}")
        return value

    return parse
