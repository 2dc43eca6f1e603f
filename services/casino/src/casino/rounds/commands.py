"""The `casino` subcommands of casino.rounds:

- `casino rounds expire [--older-than-hours H]`: expire the rounds open longer than H hours
  (default `ROUND_EXPIRY_HOURS`) now, and print how many;
- `casino round PROVIDER_CODE ROUND_ID [--json]`: a round, every transaction in order;
- `casino report --provider CODE --from DATE --to DATE [--json]`: a provider's sums per
  currency over those UTC days.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable
from datetime import date, timedelta
from typing import TypeVar

from casino.currencies.catalogue import supported_currencies
from casino.database import Database, open_ledger_pool, run_with_database
from casino.rounds.expiry import expire_rounds
from casino.rounds.presenting import Amounts, render_report, render_round
from casino.rounds.reading import read_round
from casino.rounds.report import UnknownProviderError, provider_report
from casino.settings import CasinoSettings

T = TypeVar("T")

NAMES: tuple[str, ...] = ("rounds", "round", "report")
"""The subcommands this module adds and answers."""


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""
    rounds = commands.add_parser("rounds", help="act on rounds: expire those left open")
    actions = rounds.add_subparsers(dest="rounds_command", required=True)
    expire = actions.add_parser(
        "expire", help="expire rounds open longer than the setting (no more bets into them)"
    )
    expire.add_argument(
        "--older-than-hours",
        type=_positive_hours,
        help="expire rounds opened longer ago than this (default: ROUND_EXPIRY_HOURS)",
    )

    one = commands.add_parser("round", help="a round: every transaction, its status, net result")
    one.add_argument("provider_code", metavar="PROVIDER_CODE")
    one.add_argument("round_id", metavar="ROUND_ID")
    one.add_argument("--json", action="store_true", help="print the round as JSON")

    report = commands.add_parser(
        "report", help="a provider's bets, wins, refunds, free bets and GGR per currency"
    )
    report.add_argument("--provider", required=True, metavar="CODE")
    report.add_argument(
        "--from", dest="from_date", required=True, type=_date, help="first UTC day, YYYY-MM-DD"
    )
    report.add_argument(
        "--to", dest="to_date", required=True, type=_date, help="last UTC day (included)"
    )
    report.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    """Answer one of `NAMES`; the exit status."""
    database_url = settings.casino_database_url.get_secret_value()
    match args.command:
        case "rounds":
            hours = args.older_than_hours or settings.round_expiry_hours
            expired = asyncio.run(_expire(database_url, timedelta(hours=hours)))
            print(f"expired {expired} rounds open longer than {hours:g} hours")
            return 0
        case "round":
            reply, amounts = run_with_database(
                database_url,
                lambda db: _with_amounts(db, read_round(db, args.provider_code, args.round_id)),
            )
            if reply is None:
                print(
                    f"no round {args.round_id!r} of provider {args.provider_code!r}",
                    file=sys.stderr,
                )
                return 1
            print(
                json.dumps(reply.to_wire(), indent=2) if args.json else render_round(reply, amounts)
            )
            return 0
        case "report":
            if args.to_date < args.from_date:
                print("--to is before --from", file=sys.stderr)
                return 2
            try:
                report, amounts = run_with_database(
                    database_url,
                    lambda db: _with_amounts(
                        db, provider_report(db, args.provider, args.from_date, args.to_date)
                    ),
                )
            except UnknownProviderError:
                print(f"no provider {args.provider!r}", file=sys.stderr)
                return 1
            print(
                json.dumps(report.to_wire(), indent=2)
                if args.json
                else render_report(report, amounts)
            )
            return 0
    raise AssertionError(f"no such command here: {args.command}")


async def _with_amounts(database: Database, reading: Awaitable[T]) -> tuple[T, Amounts]:
    """What `reading` gives, and how to write its amounts: the casino's list of currencies
    says each one's decimals."""
    found = await reading
    currencies = await supported_currencies(database)
    return found, Amounts({currency.code: currency.decimals for currency in currencies})


async def _expire(database_url: str, older_than: timedelta) -> int:
    pool = await open_ledger_pool(database_url, size=1)
    try:
        return await expire_rounds(pool, older_than)
    finally:
        await pool.close()


def _positive_hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not hours > 0 or hours == float("inf"):
        raise argparse.ArgumentTypeError("hours must be a positive number")
    return hours


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
