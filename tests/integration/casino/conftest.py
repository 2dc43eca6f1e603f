"""Fixtures for the casino's integration tests: the real casino database (migrated by
`casino.database.migrate` in the shared conftest), a seeded game, and funded players
with open sessions, made through the service's own seed and session helpers."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio

from casino.database import (
    LedgerPool,
    SessionFactory,
    make_engine,
    make_session_factory,
    open_ledger_pool,
)
from casino.sessions import open_session
from casino.tools.seed import create_player, seed_demo_world
from tests.integration.casino.support import Table

pytestmark = pytest.mark.integration

# Real concurrency at the database (30 connections with overflow) while leaving room on a
# shared server for the other suites running at the same time.
TEST_POOL_SIZE = 15


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def sessions(casino_database_url: str) -> AsyncIterator[SessionFactory]:
    engine = make_engine(casino_database_url, pool_size=TEST_POOL_SIZE)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def ledger(casino_database_url: str) -> AsyncIterator[LedgerPool]:
    """The wallet's own asyncpg pool, as the worker opens it."""
    pool = await open_ledger_pool(casino_database_url, size=TEST_POOL_SIZE)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def game_id(sessions: SessionFactory) -> uuid.UUID:
    return (await seed_demo_world(sessions)).game_id


@pytest.fixture
def seat(sessions: SessionFactory, game_id: uuid.UUID) -> Callable[..., Awaitable[Table]]:
    """Make a new player with `balance` and open a session for them at the demo game."""

    async def make(balance: int = 1_000, currency: str = "USD") -> Table:
        player = await create_player(sessions, balance, currency)
        return Table(player, await open_session(sessions, player.user_id, game_id, currency))

    return make
