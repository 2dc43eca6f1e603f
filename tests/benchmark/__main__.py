"""`python -m tests.benchmark`: one benchmark run, from system start to the JSON result.

The order: check the machine is quiet; start (or attach to) the system; make the
players; warm up; optionally find the max sustainable rate and set the rate to half of
it; the measured run with each service's RSS before and after; the baselines while the
services sit idle; the ledger check; stop what we started and drop the scratch
databases; write the JSON and print the summary.
"""

from __future__ import annotations

import asyncio
import datetime
import sys
import time
import uuid
from functools import partial
from pathlib import Path
from typing import Any

from tests.benchmark import machine, report
from tests.benchmark.batches import commands_per_message, scrape_batch_totals
from tests.benchmark.echo import echo_baseline
from tests.benchmark.find_max import find_max
from tests.benchmark.ledger_check import check_ledger
from tests.benchmark.measure import Target, measure_step, sustained
from tests.benchmark.options import parser
from tests.benchmark.pgbench import prepare_database, run_pgbench
from tests.benchmark.settle import settle
from tests.benchmark.system import System, running_system, start_system
from tests.benchmark.world import create_sessions
from tests.support import infrastructure as infra


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run_id = uuid.uuid4().hex[:8]
    started = datetime.datetime.now(datetime.UTC)
    log_dir = Path(".run") / "bench" / run_id
    output = args.output or Path("bench-results") / f"{started:%Y%m%dT%H%M%SZ}-{args.workload}.json"
    wallets = 1 if args.workload == "hot" else args.wallets

    say(f"run {run_id}: checking the machine is quiet (waiting up to {args.wait_quiet:g} s)")
    load_before = machine.wait_quiet(args.wait_quiet)
    result: dict[str, Any] = {
        "run_id": run_id,
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join(["scripts/bench", *(argv if argv is not None else sys.argv[1:])]),
        "workload": args.workload,
        "wallets": wallets,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine.describe(args.postgres_url),
        "load_before": load_before,
    }
    if args.gateway:
        system = running_system(args.gateway, args.casino_database_url, args.secret, args.pids_file)
    else:
        say(f"starting {args.workers} wallet worker(s) and a gateway (logs in {log_dir})")
        system = asyncio.run(
            start_system(args.postgres_url, args.amqp_url, run_id, args.workers, log_dir)
        )
    result["system"] = {
        "gateway_url": system.gateway_url,
        "started_by_benchmark": args.gateway is None,
        "workers": args.workers if args.gateway is None else None,
        "pids": system.pids,
    }
    try:
        measure_all(args, system, wallets, run_id, result)
        if args.baselines:
            result["baselines"] = baselines(args, wallets, run_id, log_dir)
        say("checking the ledger")
        result["ledger_check"] = check_ledger(system.casino_database_url)
    finally:
        system.stop()
        if system.scratch_database and not args.keep_database:
            asyncio.run(infra.drop_database(args.postgres_url, system.scratch_database))
    result["ratios"] = report.ratios(result)
    result["load_after"] = machine.load_state()
    report.write(result, output)
    print(report.render(result))
    print(f"result: {output}")
    return 0


def measure_all(
    args: Any, system: System, wallets: int, run_id: str, result: dict[str, Any]
) -> None:
    """Warm-up, the optional climb, and the measured run with RSS around it."""
    say(f"creating {wallets} funded session(s)")
    tokens = asyncio.run(
        create_sessions(
            system.casino_database_url, wallets, f"bench-{run_id}-", with_limits=args.limits
        )
    )
    target = Target(system.gateway_url, system.secret, tokens, args.max_outstanding, args.processes)
    if args.warmup > 0:
        # Gentle: connections and pools open, caches fill, without a backlog to start from.
        gentle = max((args.find_max_start if args.find_max else args.rate) / 4, 10)
        say(f"warming up: {args.warmup:g} s at {gentle:g} ops/s")
        measure_step(target, gentle, args.warmup, seed=args.seed, label="warm")
    rate = args.rate
    if args.find_max:
        say("finding the max sustainable rate")

        def step(offered: float) -> dict[str, Any]:
            settled = asyncio.run(settle(system.gateway_url, args.amqp_url, system.wallet_queue))
            say(f"  step: {offered:g} ops/s for {args.step_duration:g} s")
            measured = measure_step(
                target, offered, args.step_duration, seed=args.seed, label=f"step{offered:g}"
            )
            return {**measured, "settled_before_s": settled}

        climb = find_max(
            step,
            partial(sustained, max_p99_ms=args.max_p99_ms),
            start=args.find_max_start,
            factor=args.find_max_factor,
            limit=args.find_max_limit,
        )
        result["find_max"] = climb
        best = climb["max_sustainable_ops_per_s"]
        if best is None:
            # Then even the first step was too much: half of it is the best guess at a
            # load the system carries, and gives latencies that mean something.
            rate = args.find_max_start / 2
            say(f"no step was sustained; measuring at half the first step, {rate:g} ops/s")
        else:
            rate = best / 2
    result["settled_before_run_s"] = asyncio.run(
        settle(system.gateway_url, args.amqp_url, system.wallet_queue)
    )
    result["rss_kib"] = {"start": machine.rss_of(system.pids)}
    result["load_before_run"] = machine.load_state()
    say(f"measuring: {rate:g} ops/s for {args.duration:g} s")
    cpu_before, began = machine.cpu_of(system.pids), time.monotonic()
    batches_before = scrape_batch_totals(system.gateway_url)
    with machine.RssSampler(system.pids, every=max(args.duration / 20, 1)) as memory:
        result["run"] = measure_step(target, rate, args.duration, seed=args.seed, label="run")
    result["rss_kib"]["during"] = memory.samples
    result["run"]["wallet_commands_per_message"] = commands_per_message(
        batches_before, scrape_batch_totals(system.gateway_url)
    )
    # Over the whole call, generator start-up (idle services) included: a slight underestimate.
    result["run"]["service_cpu_share_of_one_core"] = machine.cpu_shares(
        cpu_before, machine.cpu_of(system.pids), time.monotonic() - began
    )
    result["rss_kib"]["end"] = machine.rss_of(system.pids)


def baselines(args: Any, wallets: int, run_id: str, log_dir: Path) -> dict[str, Any]:
    """pgbench (across the mix's wallets, and on one wallet) and the bare echo."""
    found: dict[str, Any] = {}
    say("baseline: pgbench running one debit's SQL")
    database = asyncio.run(prepare_database(args.postgres_url, run_id, max(args.wallets, 1)))
    try:
        for name, count in (("pgbench", args.wallets), ("pgbench_single_wallet", 1)):
            say(f"  {name}: {count} wallet(s), {args.concurrency} clients")
            found[name] = run_pgbench(
                args.postgres_url,
                database,
                wallets=count,
                clients=args.concurrency,
                duration_s=args.baseline_duration,
            )
    finally:
        asyncio.run(infra.drop_database(args.postgres_url, database))
    say(f"baseline: bare RabbitMQ echo, {args.concurrency} callers")
    found["echo"] = asyncio.run(
        echo_baseline(args.amqp_url, run_id, args.concurrency, args.baseline_duration, log_dir)
    )
    return found


if __name__ == "__main__":
    raise SystemExit(main())
