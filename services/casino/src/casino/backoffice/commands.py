"""`casino backoffice [--host H] [--port P]`: serve the back office (uvicorn).

Settings come from the environment like every casino process (`CasinoSettings`), plus
PROVIDER_DATABASE_URL (optional: the provider's view of rounds and its pending calls) and
BACK_OFFICE_SESSION_SECRET (required outside development). Operators are added with
`casino operator add`.
"""

import argparse

from casino.backoffice.settings import DEFAULT_PORT
from casino.settings import CasinoSettings

NAMES: tuple[str, ...] = ("backoffice",)
"""The subcommands this module adds and answers."""


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommand to the `casino` parser."""
    parser = commands.add_parser("backoffice", help="serve the operator's back office (web)")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    import uvicorn

    from casino.backoffice.app import build_app
    from casino.backoffice.settings import BackOfficeSettings
    from contracts.logs import configure_logging

    configure_logging()
    app = build_app(BackOfficeSettings())
    # Access lines name paths only (never a form's fields): a password is never logged.
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, proxy_headers=False)
    return 0
