"""`casino currency list` and `casino currency add CODE [--decimals N] [--name NAME]`.

Each prints for a person (amounts written with the currency's decimals), or JSON with
`--json` for scripts. A refused addition prints why and exits 1.
"""

import argparse
import json

from casino.currencies.catalogue import (
    Currency,
    CurrencyRefusedError,
    add_currency,
    supported_currencies,
)
from casino.database import run_with_database
from casino.settings import CasinoSettings
from contracts.currencies import format_amount

NAMES: tuple[str, ...] = ("currency",)
"""The subcommands this module adds and answers."""

# What the list shows an amount of this many minor units as, so an operator sees the
# decimals at work (JPY 123,456,789; USD 1,234,567.89; BTC 1.23456789).
EXAMPLE_MINOR_UNITS = 123_456_789


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""
    currency = commands.add_parser("currency", help="the currencies the casino supports")
    actions = currency.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every supported currency and its decimals")
    add = actions.add_parser(
        "add",
        help="support a currency (decimals from ISO 4217 or the configured crypto units)",
    )
    add.add_argument("code", help="three capital letters, e.g. SEK")
    add.add_argument(
        "--decimals",
        type=int,
        help="required for a code neither ISO 4217 nor the configured crypto units know",
    )
    add.add_argument("--name", help="default: the ISO 4217 name, or the code")
    for parser in (listing, add):
        parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    database_url = settings.casino_database_url.get_secret_value()
    if args.action == "list":
        currencies = run_with_database(database_url, supported_currencies)
        _print(args.json, [_fields(c) for c in currencies], _table(currencies))
        return 0
    try:
        added = run_with_database(
            database_url,
            lambda database: add_currency(database, args.code, args.decimals, args.name),
        )
    except CurrencyRefusedError as refused:
        _print(args.json, {"error": str(refused)}, f"refused: {refused}")
        return 1
    currency = added.currency
    done = "now supported" if added.new else "already supported"
    _print(
        args.json,
        {**_fields(currency), "added": added.new},
        f"{currency.code} ({currency.name}) {done}, {currency.decimals} decimals: "
        f"{EXAMPLE_MINOR_UNITS} minor units read {_example(currency)}",
    )
    return 0


def _fields(currency: Currency) -> dict[str, object]:
    return {"code": currency.code, "decimals": currency.decimals, "name": currency.name}


def _example(currency: Currency) -> str:
    return f"{format_amount(EXAMPLE_MINOR_UNITS, currency.decimals)} {currency.code}"


def _table(currencies: list[Currency]) -> str:
    rows = [("code", "decimals", "smallest amount", f"{EXAMPLE_MINOR_UNITS} minor units", "name")]
    rows += [
        (
            c.code,
            str(c.decimals),
            format_amount(1, c.decimals),
            format_amount(EXAMPLE_MINOR_UNITS, c.decimals),
            c.name,
        )
        for c in currencies
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            # Numbers right-aligned, as people read them.
            cell.rjust(widths[i]) if 1 <= i <= 3 else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )


def _print(as_json: bool, data: object, text: str) -> None:
    print(json.dumps(data, indent=2) if as_json else text)
