"""`casino limits set|show` and `casino exclusion set|show`: player protection from the
command line, with the same rules as the operator API (`/casino/players/{userId}/…`).

A limit is given in minor units (the bet and loss limits) or minutes (the session), or
`none` to remove it; a limit not named is left as it is. Lowering applies at once,
raising or removing after LIMIT_COOLING_OFF_SECONDS. An exclusion without `--until` is
permanent, and none is ever shortened. Records say the change was made by `cli`.
"""

import argparse
import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from casino.database import Database, run_with_database
from casino.lobby.errors import LobbyError
from casino.protection import exclusions, limit_store
from casino.protection.limits import KIND_OF, NAME_OF
from casino.protection.replies import exclusion_reply, limits_reply
from casino.settings import CasinoSettings
from casino.vocabulary import LimitKind
from contracts.currencies import UnknownCurrencyError, format_amount
from contracts.errors import ErrorCode
from contracts.money import MAX_AMOUNT
from contracts.operator import MAX_SESSION_MINUTES, LimitName

NAMES: tuple[str, ...] = ("limits", "exclusion")
"""The subcommands this module adds and answers."""

SET_BY = "cli"
# Each limit's option, and what its value is counted in.
_OPTIONS: dict[LimitName, tuple[str, str]] = {
    LimitName.MAX_BET: ("--max-bet", "minor units"),
    LimitName.DAILY_LOSS: ("--daily-loss", "minor units"),
    LimitName.WEEKLY_LOSS: ("--weekly-loss", "minor units"),
    LimitName.MONTHLY_LOSS: ("--monthly-loss", "minor units"),
    LimitName.SESSION_MINUTES: ("--session-minutes", "minutes"),
}


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""
    limits = commands.add_parser("limits", help="a player's limits per currency")
    limit_actions = limits.add_subparsers(dest="action", required=True)
    set_limits = limit_actions.add_parser(
        "set", help="set limits (lower: at once; raise or remove: after the cooling-off)"
    )
    show_limits = limit_actions.add_parser("show", help="the limits in force and pending")
    for parser in (set_limits, show_limits):
        parser.add_argument("--user", type=uuid.UUID, required=True, help="the player's id")
        parser.add_argument("--currency", type=_currency, required=True)
    for name, (option, unit) in _OPTIONS.items():
        set_limits.add_argument(
            option,
            dest=name.value,
            metavar="VALUE",
            type=_session_minutes if unit == "minutes" else _amount,
            help=f"in {unit}, or `none` to remove it",
        )
    exclusion = commands.add_parser("exclusion", help="exclude a player from play")
    exclusion_actions = exclusion.add_subparsers(dest="action", required=True)
    exclude = exclusion_actions.add_parser(
        "set", help="exclude a player (permanently without --until); never shortens one"
    )
    exclude.add_argument("--user", type=uuid.UUID, required=True)
    exclude.add_argument("--until", type=_moment, help="ISO 8601 with a time zone")
    show = exclusion_actions.add_parser("show", help="whether a player is excluded")
    show.add_argument("--user", type=uuid.UUID, required=True)
    for parser in (set_limits, show_limits, exclude, show):
        parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    act: Callable[[Database], Any] = (
        (lambda database: _limits(args, settings, database))
        if args.command == "limits"
        else (lambda database: _exclusion(args, database))
    )
    try:
        wire, text = run_with_database(settings.casino_database_url.get_secret_value(), act)
    except LobbyError as refused:
        print(
            json.dumps(refused.body().model_dump(mode="json"))
            if args.json
            else f"refused ({refused.code}): {refused.message}"
        )
        return 1
    print(json.dumps(wire, indent=2) if args.json else text)
    return 0


async def _limits(
    args: argparse.Namespace, settings: CasinoSettings, database: Database
) -> tuple[dict[str, Any], str]:
    if args.action == "show":
        limits = await limit_store.read_limits(database, args.user, args.currency)
    else:
        changes = [
            (KIND_OF[name], None if value == _REMOVE else value)
            for name in LimitName
            if (value := getattr(args, name.value)) is not None
        ]
        if not changes:
            raise LobbyError(ErrorCode.INVALID_REQUEST, "name at least one limit to set")
        limits = await limit_store.set_limits(
            database,
            args.user,
            args.currency,
            changes,
            dt.timedelta(seconds=settings.limit_cooling_off_seconds),
            SET_BY,
        )
    lines = [f"limits of {limits.user_id} in {limits.currency}:"]
    for kind in LimitKind:
        lines.append(
            f"  {NAME_OF[kind].value}: {_value(kind, limits.value(kind), limits.currency)}"
        )
    for change in limits.pending:
        becomes = _value(change.kind, change.value, limits.currency)
        lines.append(
            f"  pending: {NAME_OF[change.kind].value} becomes {becomes}"
            f" at {change.applies_at.isoformat()}"
        )
    return limits_reply(limits).to_wire(), "\n".join(lines)


async def _exclusion(args: argparse.Namespace, database: Database) -> tuple[dict[str, Any], str]:
    if args.action == "show":
        found = await exclusions.read_exclusion(database, args.user)
    else:
        found = await exclusions.exclude(database, args.user, args.until, SET_BY)
    if not found.excluded:
        text = f"{found.user_id} is not excluded"
    elif found.permanent:
        text = f"{found.user_id} is excluded permanently (since {_when(found.set_at)})"
    else:
        text = f"{found.user_id} is excluded until {_when(found.until)}"
    return exclusion_reply(found).to_wire(), text


def _value(kind: LimitKind, value: int | None, currency: str) -> str:
    if value is None:
        return "none"
    if kind is LimitKind.SESSION_MINUTES:
        return f"{value} minutes"
    try:
        return f"{format_amount(value, currency)} {currency}"
    except UnknownCurrencyError:
        return f"{value} minor units of {currency}"


def _when(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment is not None else "?"


_REMOVE = -1  # what `none` parses to: remove the limit


def _amount(text: str) -> int:
    return _number(text, 0, MAX_AMOUNT)


def _session_minutes(text: str) -> int:
    return _number(text, 1, MAX_SESSION_MINUTES)


def _number(text: str, lowest: int, highest: int) -> int:
    if text.lower() == "none":
        return _REMOVE
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number or `none`, not {text!r}") from None
    if not lowest <= value <= highest:
        raise argparse.ArgumentTypeError(f"from {lowest} to {highest}, or `none`")
    return value


def _currency(text: str) -> str:
    if not (len(text) == 3 and text.isascii() and text.isupper() and text.isalpha()):
        raise argparse.ArgumentTypeError("a currency is three capital letters, e.g. USD")
    return text


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time zone, e.g. 2030-01-01T00:00:00Z")
    return moment
