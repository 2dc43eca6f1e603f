"""`python -m tests.soak` (`scripts/soak`): one soak with faults, from the plan to the
JSON result.

The order: plan the faults over the operations (and lower the wallet callbacks' offered
rate if the faults would not fit apart); wait for a quiet machine if asked; take the machine's
infrastructure lock when the faults restart PostgreSQL or RabbitMQ (the fault suite's
`flock -x /tmp/casino-infra.lock`, so no test run is hurt by them); run the soak; write
the JSON and print the summary. Exit status 0 only when the run passed (`report.verdict`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import fcntl
import logging
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.benchmark import machine
from tests.soak import report
from tests.soak.faults import FAULTS
from tests.soak.options import parser
from tests.soak.run import CannotRunError, soak
from tests.soak.schedule import paced_wallet_rate, plan_faults

INFRASTRUCTURE_LOCK = Path("/tmp/casino-infra.lock")


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def infrastructure_lock(needed: bool) -> Iterator[None]:
    """Hold the machine's exclusive infrastructure lock while the soak may restart the
    shared servers (waiting for whoever holds it now)."""
    if not needed:
        yield
        return
    with INFRASTRUCTURE_LOCK.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for {INFRASTRUCTURE_LOCK} (someone else may restart the servers)")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # SIGTERM (`timeout`, a CI runner) stops the soak as Ctrl-C does: through its cleanup,
    # which brings PostgreSQL and RabbitMQ back if a fault had them down.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # The fault suite's world keeps a pool on the casino database: while PostgreSQL is
    # down on purpose, its reconnection attempts are expected, not worth a traceback.
    logging.getLogger("asyncpg.pool").setLevel(logging.ERROR)
    try:
        plan = plan_faults(args.faults, args.rounds_of_faults, args.operations)
    except ValueError as error:
        parser().error(str(error))
    try:
        rate = paced_wallet_rate(
            args.wallet_rate, args.round_rate, args.operations, len(plan), args.min_fault_gap
        )
    except ValueError as error:
        parser().error(str(error))
    if rate < args.wallet_rate:
        say(
            f"{len(plan)} faults at least {args.min_fault_gap:g} s apart in {args.operations:,}"
            f" operations: wallet callbacks offered at {rate:,.0f}/s, not {args.wallet_rate:,.0f}"
        )
    run_id = uuid.uuid4().hex[:8]
    started = datetime.datetime.now(datetime.UTC)
    output = args.output or Path("soak-results") / f"{started:%Y%m%dT%H%M%SZ}-soak.json"
    load_before = machine.wait_quiet(args.wait_quiet)
    result: dict[str, Any] = {
        "run_id": run_id,
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join(["scripts/soak", *(argv if argv is not None else sys.argv[1:])]),
        "commit": _commit(),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine.describe(args.postgres_url),
        "load_before": load_before,
    }
    with infrastructure_lock(any(FAULTS[p.kind].restarts_servers for p in plan)):
        say(f"soak {run_id}: {args.operations:,} operations, {len(plan)} faults")
        try:
            result |= asyncio.run(soak(args, plan, rate, run_id))
        except CannotRunError as refusal:
            say(f"cannot run these faults here: {refusal}")
            return 2
    result["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["verdict"] = report.verdict(result)
    report.write(result, output)
    print(report.render(result))
    print(f"result: {output}")
    return 0 if not result["verdict"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
