"""Infrastructure fixtures shared by every suite: real PostgreSQL and RabbitMQ.

Service-specific fixtures live in each suite's own conftest. Unit tests request none of
these, so they run without any service.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.support import infrastructure as infra


@pytest.fixture(scope="session")
def _postgres() -> Iterator[infra.Service]:
    with infra.postgres_server() as service:
        yield service


@pytest.fixture(scope="session")
def _rabbitmq() -> Iterator[infra.Service]:
    with infra.rabbitmq_server() as service:
        yield service


@pytest.fixture(scope="session")
def postgres_admin_url(_postgres: infra.Service) -> str:
    """A plain `postgresql://` URL of a server on which the suite may create databases."""
    return _postgres.url


@pytest.fixture(scope="session")
def amqp_url(_rabbitmq: infra.Service) -> str:
    return _rabbitmq.url


async def fresh_migrated_database(
    admin_url: str, service: str, label: str | None = None
) -> AsyncIterator[str]:
    """A new database of `service` ("casino" or "provider") at its newest schema, named
    after `label` (default: the service) and the run, dropped afterwards."""
    name = f"{label or service}_test_{infra.RUN_ID}"
    await infra.create_database(admin_url, name)
    url = infra.database_url(admin_url, name)
    if service == "casino":
        from casino.database import migrate
    else:
        from provider.database import migrate
    # Alembic's async env runs its own event loop: keep it off the test loop's thread.
    await asyncio.to_thread(migrate, url)
    yield url
    await infra.drop_database(admin_url, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def casino_database_url(postgres_admin_url: str) -> AsyncIterator[str]:
    """A fresh casino database for this test session, migrated to head."""
    async for url in fresh_migrated_database(postgres_admin_url, "casino"):
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def provider_database_url(postgres_admin_url: str) -> AsyncIterator[str]:
    """A fresh provider database for this test session, migrated to head."""
    async for url in fresh_migrated_database(postgres_admin_url, "provider"):
        yield url


@pytest.fixture
def unique() -> str:
    """A suffix no other test (in this run or another) uses: for ids, names and queues."""
    return f"{infra.RUN_ID}-{uuid.uuid4().hex[:8]}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"test run id: {infra.RUN_ID} (databases and queues are named after it)"]
