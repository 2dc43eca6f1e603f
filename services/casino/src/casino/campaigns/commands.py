"""The `casino` subcommands of casino.campaigns (not written yet: registers none)."""

import argparse

from casino.settings import CasinoSettings

NAMES: tuple[str, ...] = ()
"""The subcommands this module adds and answers."""


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    raise AssertionError(f"no such command here: {args.command}")
