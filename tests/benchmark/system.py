"""The system under test: either one the benchmark starts, or one already running.

Started by the benchmark (the default): a fresh casino database and this run's own
queues, ports and logs, so that it never collides with `scripts/demo` or a test run on
the same broker and server; the wallet worker(s) and the gateway run as processes, as
an operator runs them (`tests.support.processes`). The lobby and the provider are not
started: wallet callbacks, which are what is measured, do not pass through them.

Already running (`--gateway URL`): the benchmark only needs the casino database to make
its players, and reads the service pids from a pids file (`scripts/demo --keep` writes
`.run/demo/pids`) to report their memory.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tests.support import infrastructure as infra
from tests.support.processes import (
    ServiceProcess,
    free_port,
    http_ready,
    queue_consumers,
    wait_until,
)

BENCH_SECRET = "bench-casino-secret"


@dataclass
class System:
    gateway_url: str
    casino_database_url: str
    secret: str
    pids: dict[str, int]
    processes: list[ServiceProcess] = field(default_factory=list)
    scratch_database: str | None = None
    wallet_queue: str | None = None

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


async def start_system(
    admin_url: str, amqp_url: str, run_id: str, workers: int, log_dir: Path
) -> System:
    """Create `casino_bench_<run id>`, migrate it, and start the workers and the gateway."""
    from casino.database import migrate

    database = f"casino_bench_{run_id}"
    await infra.create_database(admin_url, database)
    database_url = infra.database_url(admin_url, database)
    await asyncio.to_thread(migrate, database_url)
    port = free_port()
    env = {
        "ENVIRONMENT": "development",
        "CASINO_DATABASE_URL": database_url,
        "AMQP_URL": amqp_url,
        "WALLET_QUEUE": f"casino.wallet.bench-{run_id}",
        "LOBBY_QUEUE": f"casino.lobby.bench-{run_id}",
        "CASINO_SECRET": BENCH_SECRET,
        "GATEWAY_PORT": str(port),
        # Logging as in production: the gateway logs refusals, not every success (the
        # worker's line per command still carries each correlation id). Overridable.
        "LOG_EVERY_COMMAND": os.environ.get("LOG_EVERY_COMMAND", "false"),
    }
    system = System(f"http://127.0.0.1:{port}", database_url, BENCH_SECRET, {})
    system.scratch_database = database
    system.wallet_queue = env["WALLET_QUEUE"]
    try:
        for index in range(workers):
            worker = ServiceProcess(
                f"wallet-worker-{index}",
                ["casino", "wallet-worker"],
                {**env, "WALLET_PROBES_PORT": str(free_port())},
                log_dir / f"wallet-worker-{index}.log",
            )
            worker.start()
            system.processes.append(worker)
            await wait_until(
                partial(_consumers_above, amqp_url, env["WALLET_QUEUE"], index),
                "the wallet worker",
                process=worker,
            )
        gateway = ServiceProcess("gateway", ["casino-gateway"], env, log_dir / "gateway.log")
        gateway.start()
        system.processes.append(gateway)
        await wait_until(
            lambda: http_ready(f"{system.gateway_url}/ready"), "gateway", process=gateway
        )
    except BaseException:
        system.stop()
        raise
    system.pids = {p.name: p.process.pid for p in system.processes if p.process is not None}
    return system


async def _consumers_above(amqp_url: str, queue: str, count: int) -> bool:
    return await queue_consumers(amqp_url, queue) > count


def running_system(
    gateway_url: str, casino_database_url: str, secret: str, pids_file: Path | None
) -> System:
    """A system someone else started; its pids from a `<pid> <name>` file, if given."""
    pids: dict[str, int] = {}
    if pids_file is not None and pids_file.exists():
        for line in pids_file.read_text().splitlines():
            pid, _, name = line.partition(" ")
            if pid.isdigit():
                pids[name.strip() or pid] = int(pid)
    return System(gateway_url, casino_database_url, secret, pids)
