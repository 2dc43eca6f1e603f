"""The `casino` command: migrate, seed, create-player, wallet-worker, lobby, play-round,
check-ledger, provider (add, rotate-secret, retire-secret, disable, enable, list), game
add, and the subcommands of `_COMMAND_MODULES`: round, rounds expire and report; limits
and exclusion; free-rounds; currency.

Configuration comes from the environment only (`CasinoSettings`). Ids are printed for
people, or as JSON with `--json` for scripts and tests.
"""

import argparse
import asyncio
import json
import sys

from casino.backoffice import commands as back_office_commands
from casino.campaigns import commands as campaign_commands
from casino.currencies import commands as currency_commands
from casino.dashboard import commands as dashboard_commands
from casino.database import Database, migrate, run_with_database
from casino.dead_letters import commands as dead_letter_commands
from casino.operators import commands as operator_commands
from casino.protection import commands as protection_commands
from casino.providers import commands as provider_commands
from casino.rounds import commands as round_commands
from casino.settings import CasinoSettings
from casino.tools import play_round
from casino.tools.seed import (
    DEMO_GAME_CODE,
    DEMO_PROVIDER_CODE,
    SECOND_PROVIDER_URL,
    create_player,
    seed_demo_world,
    seed_second_provider,
)
from contracts.logs import configure_logging
from contracts.money import MAX_AMOUNT
from contracts.secret_box import SecretBox
from contracts.secrets import DEVELOPMENT

# Modules that add subcommands of their own: each has NAMES, add_arguments and run.
_COMMAND_MODULES = (
    round_commands,
    protection_commands,
    campaign_commands,
    currency_commands,
    dead_letter_commands,
    dashboard_commands,
    operator_commands,
    back_office_commands,
)


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = CasinoSettings()
    database_url = settings.casino_database_url.get_secret_value()
    match args.command:
        case "migrate":
            migrate(database_url)
            print("casino database is at the newest schema")
        case "seed":
            _print(args.json, run_with_database(database_url, lambda db: _seed(db, args, settings)))
        case "create-player":
            player = run_with_database(
                database_url,
                lambda database: create_player(database, args.balance, args.currency),
            )
            _print(
                args.json,
                {
                    "userId": str(player.user_id),
                    "walletId": str(player.wallet_id),
                    "currency": player.currency,
                    "balance": player.balance,
                },
            )
        case "wallet-worker":
            from casino.wallet.consumer import run

            configure_logging()
            run(settings)
        case "lobby":
            from casino.lobby.app import run

            configure_logging()
            run(settings)
        case "play-round":
            raise SystemExit(_play_round(args, settings))
        case "check-ledger":
            raise SystemExit(_check_ledger(args, settings))
        case "provider" | "game":
            raise SystemExit(provider_commands.run(args, settings))
        case name:
            [module] = [module for module in _COMMAND_MODULES if name in module.NAMES]
            raise SystemExit(module.run(args, settings))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casino", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the casino database to the newest schema")
    seed = commands.add_parser("seed", help="create the demo world (idempotent)")
    seed.add_argument("--json", action="store_true", help="print the ids as JSON")
    seed.add_argument(
        "--second-provider-url",
        default=SECOND_PROVIDER_URL,
        help="where the second demo provider is registered (development only)",
    )
    player = commands.add_parser("create-player", help="a new player with a funded wallet")
    player.add_argument("--balance", type=_minor_units, required=True, help="minor units")
    player.add_argument("--currency", type=_currency, default="USD")
    player.add_argument("--json", action="store_true", help="print the ids as JSON")
    commands.add_parser("wallet-worker", help="answer wallet commands from RabbitMQ")
    commands.add_parser("lobby", help="answer launchGame and simulateRound from RabbitMQ")
    play_round.add_arguments(
        commands.add_parser("play-round", help="play a round through the gateway and print it")
    )
    ledger = commands.add_parser(
        "check-ledger", help="prove the ledger's invariants; exit 1 on any violation"
    )
    ledger.add_argument(
        "--provider-database-url",
        help="also reconcile with the provider's record of its calls (read-only)",
    )
    ledger.add_argument("--provider-code", default=DEMO_PROVIDER_CODE)
    ledger.add_argument("--json", action="store_true", help="print the report as JSON")
    provider_commands.add_arguments(commands)
    for module in _COMMAND_MODULES:
        module.add_arguments(commands)
    return parser


async def _seed(
    database: Database, args: argparse.Namespace, settings: CasinoSettings
) -> dict[str, object]:
    """The demo world, and in development its second provider: what was seeded."""
    world = await seed_demo_world(database)
    providers: list[dict[str, object]] = [
        {
            "code": world.provider_code,
            "gameCode": DEMO_GAME_CODE,
            "gameId": str(world.game_id),
            "endpoint": settings.provider_url,
        }
    ]
    if settings.environment == DEVELOPMENT:
        second = await seed_second_provider(
            database,
            SecretBox(settings.provider_secrets_key),
            settings.environment,
            args.second_provider_url,
        )
        providers.append(
            {
                "code": second.code,
                "gameCode": second.game_code,
                "gameId": str(second.game_id),
                "endpoint": second.endpoint,
            }
        )
    else:
        print(
            f"the second demo provider is seeded in development only "
            f"(ENVIRONMENT={settings.environment})",
            file=sys.stderr,
        )
    return {
        "userId": str(world.player.user_id),
        "gameId": str(world.game_id),
        "providerCode": world.provider_code,
        "currency": world.player.currency,
        "balance": world.player.balance,
        "walletId": str(world.player.wallet_id),
        "providers": providers,
    }


def _check_ledger(args: argparse.Namespace, settings: CasinoSettings) -> int:
    from casino.audit import audit

    report = asyncio.run(
        audit(
            settings.casino_database_url.get_secret_value(),
            args.provider_database_url,
            provider_code=args.provider_code,
        )
    )
    print(json.dumps(report.to_json(), indent=2) if args.json else report.render())
    return 0 if report.ok else 1


def _play_round(args: argparse.Namespace, settings: CasinoSettings) -> int:
    """Play for the given player and game, or for the seed's demo player at its game."""
    user_id, game_id = args.user, args.game
    if user_id is None or game_id is None:
        world = run_with_database(settings.casino_database_url.get_secret_value(), seed_demo_world)
        user_id, game_id = user_id or str(world.player.user_id), game_id or str(world.game_id)
    return play_round.play(args, user_id, game_id, settings.operator_api_key)


def _print(as_json: bool, fields: dict[str, object]) -> None:
    if as_json:
        print(json.dumps(fields))
    else:
        for name, value in fields.items():
            if isinstance(value, list):
                print(f"{name}:")
                for item in value:
                    print("  " + ", ".join(f"{key} {entry}" for key, entry in item.items()))
            else:
                print(f"{name}: {value}")


def _minor_units(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_AMOUNT:
        raise argparse.ArgumentTypeError(f"a balance is 0 to {MAX_AMOUNT} minor units")
    return value


def _currency(text: str) -> str:
    if not (len(text) == 3 and text.isascii() and text.isupper() and text.isalpha()):
        raise argparse.ArgumentTypeError("a currency is three capital letters, e.g. USD")
    return text
