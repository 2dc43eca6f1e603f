"""What the wallet's decide-and-write path costs, without RabbitMQ or the gateway.

    uv run python -m tests.benchmark.decide_path [--limits] [--batch 20] [--operations 6000]

Drives `casino.wallet.batch.apply` directly with the benchmark's mix (tests/benchmark/
workload.py) over 1,000 wallets of a scratch database, one batch after another on one
connection, and prints the CPU time per operation of this Python process (the worker's
part: parsing, rules, statement parameters) and of its PostgreSQL backend (planning and
executing the lock, dependency and write statements). CPU time, not wall time: a
commit's fsync and the machine's other work do not count, so two versions of the code
can be compared on a machine that is not quiet. It is a diagnosis tool; the benchmark of
record stays `scripts/bench` (docs/PERFORMANCE.md).
"""

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casino.database import LedgerPool, ledger_pool, migrate
from casino.wallet import batch
from casino.wallet.errors import WalletError
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
)
from contracts.wallet import CreditRequest, DebitRequest, GetBalanceRequest, RollbackRequest
from tests.benchmark import world
from tests.benchmark.workload import Operation, Workload
from tests.support import infrastructure as infra

WALLETS = 1000
WARMUP_BATCHES = 100
_TICKS = os.sysconf("SC_CLK_TCK")
_COMMANDS: dict[str, Callable[[dict[str, Any]], AnyWalletCommand]] = {
    "debit": lambda body: DebitCommand(request=DebitRequest.model_validate(body)),
    "credit": lambda body: CreditCommand(request=CreditRequest.model_validate(body)),
    "rollback": lambda body: RollbackCommand(request=RollbackRequest.model_validate(body)),
    "getBalance": lambda body: GetBalanceCommand(request=GetBalanceRequest.model_validate(body)),
}


def backend_cpu_seconds(database: str) -> float:
    """User + system CPU of every PostgreSQL backend connected to `database`."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if database.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


async def play(pool: LedgerPool, load: Workload, batches: int, size: int) -> None:
    """`batches` batches of `size` operations of the mix, each applied as the worker would."""
    for _ in range(batches):
        operations: list[Operation] = [load.next() for _ in range(size)]
        commands = [_COMMANDS[operation.kind](operation.body) for operation in operations]
        outcomes = await batch.apply(pool, commands)
        for operation, outcome in zip(operations, outcomes, strict=True):
            # An accepted bet is settled later in the mix, as the benchmark's is.
            accepted = not isinstance(outcome, WalletError) and outcome.error is None
            if operation.bet is not None and accepted:
                load.accepted(operation.bet)


async def measure(admin_url: str, *, limits: bool, size: int, operations: int) -> None:
    name = f"casino_decide_{uuid.uuid4().hex[:8]}"
    await infra.create_database(admin_url, name)
    url = infra.database_url(admin_url, name)
    try:
        await asyncio.to_thread(migrate, url)
        tokens = await world.create_sessions(url, WALLETS, "d", with_limits=limits)
        load = Workload(tokens, seed=7, prefix="d")
        pool = await ledger_pool(url, size=1)
        try:
            await play(pool, load, WARMUP_BATCHES, size)
            batches = operations // size
            python, database = time.process_time(), backend_cpu_seconds(name)
            await play(pool, load, batches, size)
            python = time.process_time() - python
            database = backend_cpu_seconds(name) - database
        finally:
            await pool.close()
        done = batches * size
        print(
            f"batches of {size}, {done:,} operations{' with limits' if limits else ''}: "
            f"Python {python / done * 1e3:.3f} ms per op, "
            f"PostgreSQL {database / done * 1e3:.3f} ms per op"
        )
    finally:
        await infra.drop_database(admin_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmark.decide_path")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--limits", action="store_true", help="every player has every limit")
    parser.add_argument("--batch", type=int, default=20, help="commands per batch")
    parser.add_argument("--operations", type=int, default=6000)
    args = parser.parse_args()
    asyncio.run(
        measure(args.postgres_url, limits=args.limits, size=args.batch, operations=args.operations)
    )


if __name__ == "__main__":
    main()
