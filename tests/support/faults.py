"""Ways to hurt a running system on purpose, for the failure tests."""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import time
from collections.abc import AsyncIterator

import asyncpg

_PID = re.compile(r"pid=(\d+)")


def pid_of_local_port(port: int) -> int | None:
    """The process that owns our end of a TCP connection from local port `port`."""
    out = subprocess.run(
        ["ss", "-Htnp", f"sport = :{port}"], capture_output=True, text=True, check=False
    ).stdout
    found = _PID.search(out)
    return int(found.group(1)) if found else None


@contextlib.asynccontextmanager
async def wallet_lock_held(pool: asyncpg.Pool, wallet_id: object) -> AsyncIterator[int]:
    """Hold a wallet's row lock, as a stuck transaction would; yields our backend's pid.

    A worker's command on that wallet then waits inside its transaction, where a test can
    hurt the worker; the lock is released when the block ends, whatever happened."""
    async with pool.acquire() as blocker, blocker.transaction():
        await blocker.execute(
            "SELECT balance FROM casino_wallets WHERE id = $1 FOR UPDATE", wallet_id
        )
        yield int(await blocker.fetchval("SELECT pg_backend_pid()"))


async def wait_for_waiters_on(
    pool: asyncpg.Pool, blocker_pid: int, count: int = 1, within: float = 10
) -> list[int]:
    """Wait until `count` backends wait on a lock that `blocker_pid` holds; their client
    ports (other lock waits in the database are not counted)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        waiters = await pool.fetch(
            "SELECT client_port FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
            blocker_pid,
        )
        if len(waiters) >= count:
            return [int(w["client_port"]) for w in waiters]
        await asyncio.sleep(0.05)
    raise TimeoutError(f"fewer than {count} backends waited on {blocker_pid} within {within}s")


def broker_connections_of(pid: int) -> list[str]:
    """The AMQP connections process `pid` holds, by their Erlang pids as RabbitMQ names them."""
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "peer_port"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    held = []
    for line in listing.splitlines():
        connection, _, port = line.rpartition("\t")
        if port.isdigit() and pid_of_local_port(int(port)) == pid:
            held.append(connection)
    return held


def close_broker_connections_of(pid: int) -> int:
    """Close, on the broker's side, every AMQP connection that process `pid` holds."""
    # close_connection takes the connection's Erlang pid (a name is refused on 3.10).
    held = broker_connections_of(pid)
    for connection in held:
        subprocess.run(
            ["rabbitmqctl", "-q", "close_connection", connection, "fault test"],
            capture_output=True,
            check=True,
        )
    return len(held)
