"""`game-provider`: the provider's operator commands. Configuration comes from the
environment only (ProviderSettings).

    game-provider migrate        bring the database to the newest schema
    game-provider seed [--json]  create the demo casino and games (idempotent): this
                                 provider's PROVIDER_GAME_CODE and two more
    game-provider serve          serve HTTP on PROVIDER_HOST:PROVIDER_PORT
    game-provider pending …      the retry queue: list, retry or settle pending calls
"""

import argparse
import asyncio
import json
from typing import Any

import uvicorn

from contracts.logs import configure_logging
from provider import pending_command
from provider.app import create_app
from provider.database import make_engine, make_session_factory, migrate
from provider.seed import seed
from provider.settings import ProviderSettings


async def _seed(database_url: str, game_code: str) -> dict[str, Any]:
    engine = make_engine(database_url)
    try:
        async with make_session_factory(engine)() as db:
            return await seed(db, game_code)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="game-provider", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="run the database migrations (alembic upgrade head)")
    seeding = commands.add_parser("seed", help="create the demo casino and games")
    seeding.add_argument("--json", action="store_true", help="print the seeded ids as JSON")
    commands.add_parser("serve", help="serve the provider's HTTP API")
    pending_command.add_parser(commands)
    arguments = parser.parse_args(argv)

    configure_logging()
    settings = ProviderSettings()
    database_url = settings.provider_database_url.get_secret_value()
    if arguments.command == "migrate":
        migrate(database_url)
    elif arguments.command == "pending":
        raise SystemExit(pending_command.run(arguments, settings))
    elif arguments.command == "seed":
        world = asyncio.run(_seed(database_url, settings.provider_game_code))
        if arguments.json:
            print(json.dumps(world))
        else:
            games = ", ".join(game["code"] for game in world["games"])
            print(f"provider {settings.provider_code}: casino {world['casinoCode']}; games {games}")
    else:
        uvicorn.run(
            create_app(settings),
            host=settings.provider_host,
            port=settings.provider_port,
            log_config=None,
        )
