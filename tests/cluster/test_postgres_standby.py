"""A PostgreSQL primary with a synchronous standby: what the primary acknowledges is on the
standby, and after the standby is promoted a client naming both servers with
target_session_attrs=read-write reaches it and finds every acknowledged row.

The promotion is the module's last test: the pair is one server after it.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests.support.cluster import PairInfo

pytestmark = pytest.mark.cluster

STANDBY_NAME = "casino_standby"
ROWS = 200
WITHIN_SECONDS = 30


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


async def create_table(url: str, table: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY)")
    finally:
        await connection.close()


async def rows_on(url: str, table: str) -> set[int]:
    connection = await asyncpg.connect(url)
    try:
        return {row["id"] for row in await connection.fetch(f"SELECT id FROM {table}")}
    finally:
        await connection.close()


async def test_the_standby_is_synchronous_and_has_what_the_primary_committed(
    postgres_pair: PairInfo, unique: str
) -> None:
    table = f"probe_{unique.replace('-', '_')}"
    primary = await asyncpg.connect(postgres_pair.primary_url)
    try:
        replication = await primary.fetchrow(
            "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1",
            STANDBY_NAME,
        )
        assert replication is not None
        assert (replication["state"], replication["sync_state"]) == ("streaming", "sync")
        assert await primary.fetchval("SHOW synchronous_commit") == "on"
        await primary.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY)")
        await primary.execute(f"INSERT INTO {table} VALUES (1)")
    finally:
        await primary.close()

    # Acknowledged means flushed on the standby; visible once replayed, moments later.
    deadline = time.monotonic() + WITHIN_SECONDS
    while await rows_on(postgres_pair.standby_url, table) != {1}:
        assert time.monotonic() < deadline, "the committed row never showed on the standby"
        await asyncio.sleep(0.1)
    standby = await asyncpg.connect(postgres_pair.standby_url)
    try:
        assert await standby.fetchval("SELECT pg_is_in_recovery()") is True
    finally:
        await standby.close()


async def test_after_promotion_a_pool_naming_both_servers_reaches_the_new_primary(
    postgres_pair: PairInfo, unique: str
) -> None:
    """Rows acknowledged up to the instant the primary dies are all on the promoted
    standby, and a pool opened before the failover carries on against it."""
    table = f"ledger_{unique.replace('-', '_')}"
    primary_port, standby_port = (
        port_of(postgres_pair.primary_url),
        port_of(postgres_pair.standby_url),
    )
    await create_table(postgres_pair.primary_url, table)
    pool = await asyncpg.create_pool(postgres_pair.multi_host_url, min_size=4, max_size=4)
    try:
        assert await pool.fetchval("SELECT inet_server_port()") == primary_port

        async def insert(row: int) -> None:
            await pool.execute(f"INSERT INTO {table} VALUES ($1)", row)

        await asyncio.gather(*(insert(row) for row in range(ROWS)))
        await asyncio.to_thread(postgres_pair.promote_standby)

        # The same pool, without a restart: its connections to the dead primary fail
        # once, and new ones find the promoted standby.
        deadline = time.monotonic() + WITHIN_SECONDS
        while True:
            try:
                port = await pool.fetchval("SELECT inet_server_port()")
                await pool.execute(f"INSERT INTO {table} VALUES ($1) ON CONFLICT DO NOTHING", ROWS)
                break
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                assert time.monotonic() < deadline, "the pool never reached the new primary"
                await asyncio.sleep(0.2)
        assert port == standby_port
    finally:
        await pool.close()

    fresh = await asyncpg.create_pool(
        host=["127.0.0.1", "127.0.0.1"],
        port=[primary_port, standby_port],
        user="postgres",
        database="postgres",
        target_session_attrs="read-write",
        min_size=1,
        max_size=1,
    )
    try:
        assert await fresh.fetchval("SELECT inet_server_port()") == standby_port
        assert await fresh.fetchval("SELECT pg_is_in_recovery()") is False
        rows = {row["id"] for row in await fresh.fetch(f"SELECT id FROM {table}")}
        assert rows == set(range(ROWS + 1))
    finally:
        await fresh.close()
