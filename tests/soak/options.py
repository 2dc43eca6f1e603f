"""The soak's command line (`scripts/soak --help`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.benchmark.options import DEFAULT_AMQP_URL, DEFAULT_POSTGRES_URL
from tests.soak.faults import DEFAULT_KINDS, FAULTS


def fault_kinds(text: str) -> list[str]:
    """`--faults`: kinds separated by commas, or `none`."""
    if text.strip() == "none":
        return []
    kinds = [kind.strip() for kind in text.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in FAULTS]
    if unknown or not kinds:
        named = ", ".join(unknown) or repr(text)
        raise argparse.ArgumentTypeError(
            f"not a fault: {named}; the faults are {', '.join(FAULTS)} (or none)"
        )
    return kinds


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/soak",
        description="Run whole rounds and signed wallet callbacks for a number of operations "
        "while injecting faults in turn (it restarts the local PostgreSQL and RabbitMQ), then "
        "let the system settle and run the ledger check on both sides. Prints operations, "
        "faults, violations, requests left unanswered, errors by code and the recovery time "
        "after each fault; writes the same as JSON. See docs/RELIABILITY.md.",
    )
    run = p.add_argument_group("the run")
    run.add_argument(
        "--operations",
        type=int,
        required=True,
        help="requests to send in all: wallet callbacks and rounds (simulateRound)",
    )
    run.add_argument(
        "--rounds-of-faults",
        type=int,
        default=3,
        metavar="K",
        help="how many times each fault is injected, spread over the run (default 3)",
    )
    run.add_argument(
        "--faults",
        type=fault_kinds,
        default=DEFAULT_KINDS,
        metavar="KIND,…",
        help=f"the faults, in turn (default {','.join(DEFAULT_KINDS)}; also: link-delay; "
        "'none' for a run without faults)",
    )
    run.add_argument(
        "--min-fault-gap",
        type=float,
        default=20.0,
        metavar="S",
        help="seconds at least between two faults at the offered rates: a short run is "
        "offered fewer wallet callbacks than --wallet-rate so that its faults fit (default 20)",
    )
    load = p.add_argument_group("the load")
    load.add_argument(
        "--wallet-rate",
        type=float,
        default=1000,
        help="wallet callbacks offered per second (default 1000)",
    )
    load.add_argument(
        "--round-rate",
        type=float,
        default=5,
        help="rounds (simulateRound) offered per second (default 5)",
    )
    load.add_argument("--wallets", type=int, default=1000, help="wallets of the callback load")
    load.add_argument("--players", type=int, default=50, help="players of the rounds")
    load.add_argument(
        "--max-outstanding", type=int, default=1000, help="wallet callbacks in flight at most"
    )
    load.add_argument("--seed", type=int, default=1)
    where = p.add_argument_group("servers and output")
    where.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="server admin URL")
    where.add_argument("--amqp-url", default=DEFAULT_AMQP_URL)
    where.add_argument(
        "--output", type=Path, help="JSON path; default soak-results/<time>-soak.json"
    )
    where.add_argument("--progress-every", type=float, default=10.0, metavar="S")
    where.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="S",
        help="wait up to S seconds for load < 0.5 and no pytest before starting",
    )
    where.add_argument("--keep-databases", action="store_true", help="keep the run's two databases")
    return p
