"""Fixtures for the casino's integration tests: the real casino database (migrated by
`casino.database.migrate` in the shared conftest), a seeded game, and funded players
with open sessions, made through the service's own seed and session helpers."""

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from casino.database import (
    Database,
    LedgerPool,
    make_database,
    make_engine,
    open_ledger_pool,
)
from casino.sessions import open_session
from casino.tools.seed import create_player, seed_demo_world
from tests.integration.casino.support import NewSession, PlayerSession

pytestmark = pytest.mark.integration

# Real concurrency at the database (30 connections with overflow) while leaving room on a
# shared server for the other suites running at the same time.
TEST_POOL_SIZE = 15


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(casino_database_url: str) -> AsyncIterator[Database]:
    engine = make_engine(casino_database_url, pool_size=TEST_POOL_SIZE)
    yield make_database(engine)
    await engine.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def ledger(casino_database_url: str) -> AsyncIterator[LedgerPool]:
    """The wallet's own asyncpg pool, as the worker opens it."""
    pool = await open_ledger_pool(casino_database_url, size=TEST_POOL_SIZE)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def game_id(database: Database) -> uuid.UUID:
    return (await seed_demo_world(database)).game_id


@pytest.fixture
def new_session(database: Database, game_id: uuid.UUID) -> NewSession:
    """Make a new player with `balance` and open a session for them at the demo game."""

    async def make(balance: int = 1_000, currency: str = "USD") -> PlayerSession:
        player = await create_player(database, balance, currency)
        return PlayerSession(
            player, await open_session(database, player.user_id, game_id, currency)
        )

    return make
