"""Ways to hurt a running system on purpose, for the failure tests."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time

import asyncpg

_PID = re.compile(r"pid=(\d+)")


def pid_of_local_port(port: int) -> int | None:
    """The process that owns our end of a TCP connection from local port `port`."""
    out = subprocess.run(
        ["ss", "-Htnp", f"sport = :{port}"], capture_output=True, text=True, check=False
    ).stdout
    found = _PID.search(out)
    return int(found.group(1)) if found else None


async def lock_waiters(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    """Backends of this database waiting on a row lock, with their client ports."""
    return list(
        await pool.fetch(
            "SELECT pid, client_port FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    )


async def wait_for_lock_waiters(pool: asyncpg.Pool, count: int, within: float = 10) -> list[int]:
    """Wait until `count` backends wait on a lock; their client ports."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        waiters = await lock_waiters(pool)
        if len(waiters) >= count:
            return [int(w["client_port"]) for w in waiters]
        await asyncio.sleep(0.05)
    raise TimeoutError(f"fewer than {count} backends waited on a lock within {within}s")


def close_broker_connections_of(pid: int) -> int:
    """Close, on the broker's side, every AMQP connection that process `pid` holds."""
    # close_connection takes the connection's Erlang pid (a name is refused on 3.10).
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "peer_port"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    closed = 0
    for line in listing.splitlines():
        connection, _, port = line.rpartition("\t")
        if port.isdigit() and pid_of_local_port(int(port)) == pid:
            subprocess.run(
                ["rabbitmqctl", "-q", "close_connection", connection, "fault test"],
                capture_output=True,
                check=True,
            )
            closed += 1
    return closed
