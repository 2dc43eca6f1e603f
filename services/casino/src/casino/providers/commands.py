"""`casino provider …` and `casino game add`: the operator's registry commands.

Each prints for a person, or JSON with `--json` for scripts. A secret is printed once,
by the command that makes it (`add`, `rotate-secret`), and never again: `list` shows
counts, not secrets. A refused change (unknown code, a code already taken) prints why and
exits 1. No running service needs a restart: see `casino.providers.registry`.
"""

import argparse
import json
from typing import Any

from casino.database import Database, run_with_database
from casino.providers import registry
from casino.providers.registry import RegistryError
from casino.settings import CasinoSettings
from contracts.secret_box import SecretBox

ONCE = "shown once: store it now, it cannot be read again"


def add_arguments(commands: Any) -> None:
    """The `provider` and `game` subcommands, on the `casino` command's subparsers."""
    provider = commands.add_parser("provider", help="register and manage game providers")
    actions = provider.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="register an enabled provider; prints its secrets once")
    add.add_argument("code")
    add.add_argument("--endpoint", required=True, help="the provider's API base URL")
    add.add_argument("--name")
    for action, text in (
        ("rotate-secret", "add a new callback secret (old ones still verify); prints it once"),
        ("retire-secret", "remove every callback secret but the newest"),
        ("disable", "refuse the provider's callbacks (403 PROVIDER_DISABLED)"),
        ("enable", "accept the provider's callbacks again"),
    ):
        actions.add_parser(action, help=text).add_argument("code")
    actions.add_parser("list", help="every provider, its status and endpoint (no secrets)")
    game = commands.add_parser("game", help="register games")
    game_actions = game.add_subparsers(dest="action", required=True)
    game_add = game_actions.add_parser("add", help="add a provider's game; prints its id")
    game_add.add_argument("--provider", required=True)
    game_add.add_argument("--game-code", required=True)
    game_add.add_argument("--name", required=True)
    for parser in (*actions.choices.values(), game_add):
        parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    box = SecretBox(settings.provider_secrets_key)
    try:
        result = run_with_database(
            settings.casino_database_url.get_secret_value(),
            lambda database: _change(args, database, box),
        )
    except RegistryError as refused:
        _print(args.json, {"error": str(refused)}, str(refused))
        return 1
    _print(args.json, *result)
    return 0


async def _change(
    args: argparse.Namespace, database: Database, box: SecretBox
) -> tuple[object, str]:
    """What the command did, as JSON and as text for a person."""
    if args.command == "game":
        game_id = await registry.add_game(database, args.provider, args.game_code, args.name)
        return {"gameId": str(game_id)}, f"game {args.game_code!r} of {args.provider}: {game_id}"
    match args.action:
        case "add":
            new = await registry.add_provider(database, box, args.code, args.endpoint, args.name)
            callback, casino = new.callback_secret.get_secret_value(), new.casino_secret
            return (
                {
                    "code": new.code,
                    "name": new.name,
                    "endpoint": new.endpoint,
                    "callbackSecret": callback,
                    "casinoSecret": casino.get_secret_value(),
                },
                f"provider {new.code} registered, enabled, at {new.endpoint}\n"
                f"  callback secret (the provider signs its wallet callbacks with it): "
                f"{callback}\n"
                f"  casino secret (the casino signs its calls to the provider with it): "
                f"{casino.get_secret_value()}\n  ({ONCE})",
            )
        case "rotate-secret":
            secret = (await registry.rotate_secret(database, box, args.code)).get_secret_value()
            return (
                {"code": args.code, "callbackSecret": secret},
                f"new callback secret of {args.code}: {secret}\n  ({ONCE}; the old ones "
                "verify until `casino provider retire-secret`)",
            )
        case "retire-secret":
            removed = await registry.retire_secrets(database, args.code)
            return (
                {"code": args.code, "retired": removed},
                f"{removed} older callback secret(s) of {args.code} retired",
            )
        case "disable" | "enable":
            enabled = args.action == "enable"
            await registry.set_enabled(database, args.code, enabled)
            return {"code": args.code, "enabled": enabled}, f"{args.code} {args.action}d"
        case _:
            providers = await registry.list_providers(database)
            rows: list[dict[str, object]] = [
                {
                    "code": p.code,
                    "name": p.name,
                    "enabled": p.enabled,
                    "endpoint": p.endpoint,
                    "callbackSecrets": p.callback_secrets,
                    "games": p.games,
                }
                for p in providers
            ]
            return rows, _table(rows)


def _table(rows: list[dict[str, object]]) -> str:
    head = f"{'code':<24} {'status':<9} {'secrets':>7} {'games':>5}  endpoint"
    lines = [
        f"{row['code']!s:<24} {'enabled' if row['enabled'] else 'disabled':<9} "
        f"{row['callbackSecrets']!s:>7} {row['games']!s:>5}  {row['endpoint'] or '(settings)'}"
        for row in rows
    ]
    return "\n".join([head, *lines])


def _print(as_json: bool, data: object, text: str) -> None:
    print(json.dumps(data, indent=2) if as_json else text)
