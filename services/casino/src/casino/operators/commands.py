"""`casino operator add|list|disable`: the back office's operator accounts.

    casino operator add NAME --role viewer|operator        # asks for the password twice
    echo "$PASSWORD" | casino operator add NAME --role operator --password-stdin
    casino operator list [--json]
    casino operator disable NAME

The password is read from the terminal (not echoed) or from standard input, never from
the command line, where any user of the machine could read it in the process list; it
is stored only as its Argon2 hash. `--update` sets the password and role of an operator
who exists already and enables them again.
"""

import argparse
import getpass
import json
import sys
from typing import Any

from casino.database import run_with_database
from casino.operators import accounts
from casino.operators.accounts import OperatorAccount, OperatorError
from casino.operators.tables import Role
from casino.settings import CasinoSettings

NAMES: tuple[str, ...] = ("operator",)
"""The subcommands this module adds and answers."""


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""
    parser = commands.add_parser("operator", help="the back office's operator accounts")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add an operator (the password is asked for)")
    add.add_argument("name", help="lower-case letters, digits, '.', '_', '-'")
    add.add_argument("--role", choices=[role.value for role in Role], required=True)
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (its first line) instead of asking",
    )
    add.add_argument(
        "--update",
        action="store_true",
        help="if the operator exists, set this password and role and enable them again",
    )
    listing = actions.add_parser("list", help="every operator, their role and status")
    listing.add_argument("--json", action="store_true", help="print JSON")
    disable = actions.add_parser("disable", help="disable an operator (their session ends)")
    disable.add_argument("name")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    database_url = settings.casino_database_url.get_secret_value()
    try:
        match args.action:
            case "add":
                password = _password(args.password_stdin)
                added = run_with_database(
                    database_url,
                    lambda database: accounts.add_operator(
                        database, args.name, Role(args.role), password, update_existing=args.update
                    ),
                )
                print(f"operator {added.name} ({added.role.value}) can sign in")
            case "disable":
                done = run_with_database(
                    database_url, lambda database: accounts.disable_operator(database, args.name)
                )
                print(f"operator {done.name} is disabled")
            case _:
                found = run_with_database(database_url, accounts.list_operators)
                print(json.dumps([_wire(o) for o in found]) if args.json else _table(found))
    except OperatorError as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 1
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise OperatorError("the two passwords differ")
    return first


def _wire(operator: OperatorAccount) -> dict[str, Any]:
    return {
        "name": operator.name,
        "role": operator.role.value,
        "createdAt": operator.created_at.isoformat(),
        "disabledAt": operator.disabled_at.isoformat() if operator.disabled_at else None,
    }


def _table(found: list[OperatorAccount]) -> str:
    if not found:
        return "no operators (add one: casino operator add NAME --role operator)"
    lines = [f"{'name':<24} {'role':<9} status"]
    for operator in found:
        status = "enabled" if operator.active else f"disabled {operator.disabled_at:%Y-%m-%d %H:%M}"
        lines.append(f"{operator.name:<24} {operator.role.value:<9} {status}")
    return "\n".join(lines)
