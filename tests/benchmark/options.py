"""The benchmark's command line (`scripts/bench --help`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from tests.benchmark.workload import WORKLOADS

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_CASINO_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/casino"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Drive the gateway with signed wallet callbacks at a constant offered "
        "rate (open loop); measure ops/s, errors and latency, and in the same run the "
        "pgbench and bare RabbitMQ echo baselines. See docs/PERFORMANCE.md.",
    )
    system = p.add_argument_group("the system under test")
    system.add_argument(
        "--gateway",
        metavar="URL",
        help="a running gateway; default: start a wallet worker and a gateway of our own "
        "on free ports, own queues and a scratch casino database",
    )
    system.add_argument(
        "--casino-database-url",
        default=os.environ.get("CASINO_DATABASE_URL", DEFAULT_CASINO_DATABASE_URL),
        help="with --gateway: the casino database the players are created in",
    )
    system.add_argument(
        "--secret",
        default=(os.environ.get("CASINO_SECRET") or "dev-casino-secret").split(",")[0],
        help="with --gateway: the CASINO_SECRET callbacks are signed with",
    )
    system.add_argument(
        "--pids-file",
        type=Path,
        default=Path(".run/demo/pids"),
        help="with --gateway: '<pid> <name>' lines of the service processes, for RSS",
    )
    system.add_argument("--workers", type=int, default=1, help="wallet workers to start")
    system.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="server admin URL")
    system.add_argument("--amqp-url", default=os.environ.get("AMQP_URL", DEFAULT_AMQP_URL))

    load = p.add_argument_group("the load")
    load.add_argument("--rate", type=float, default=500, help="offered ops/s (default 500)")
    load.add_argument("--duration", type=float, default=30, help="seconds (default 30)")
    load.add_argument("--workload", choices=WORKLOADS, default="mix")
    load.add_argument("--wallets", type=int, default=1000, help="wallets of the mix")
    load.add_argument(
        "--concurrency",
        type=int,
        default=20,
        help="clients of the baselines (default 20: the worker's WALLET_PREFETCH, the most "
        "commands it runs at once)",
    )
    load.add_argument(
        "--max-outstanding",
        type=int,
        default=1000,
        help="cap on requests in flight from the generators; a request due at the cap is "
        "skipped and reported",
    )
    load.add_argument(
        "--limits",
        action="store_true",
        help="give every player a bet limit, day/week/month loss limits and a session time "
        "limit (set high enough never to refuse a bet of the mix): what player protection "
        "costs a bet",
    )
    load.add_argument("--processes", type=int, default=1, help="load generator processes")
    load.add_argument("--warmup", type=float, default=3, help="seconds at a quarter rate first")
    load.add_argument("--seed", type=int, default=1)

    climb = p.add_argument_group("--find-max")
    climb.add_argument(
        "--find-max",
        action="store_true",
        help="step the rate up until errors or latency blow up; then run at half the max",
    )
    climb.add_argument("--find-max-start", type=float, default=200)
    climb.add_argument("--find-max-factor", type=float, default=1.25)
    climb.add_argument("--find-max-limit", type=float, default=20000)
    climb.add_argument("--step-duration", type=float, default=10)
    climb.add_argument("--max-p99-ms", type=float, default=500, help="p99 limit of a good step")

    out = p.add_argument_group("baselines and output")
    out.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True)
    out.add_argument("--baseline-duration", type=int, default=20, help="seconds per baseline")
    out.add_argument("--output", type=Path, help="JSON path; default bench-results/<time>.json")
    out.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="S",
        help="wait up to S seconds for load < 0.5 and no pytest before measuring",
    )
    out.add_argument("--keep-database", action="store_true", help="keep the scratch database")
    return p
