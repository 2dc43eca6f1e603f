"""Where the test suite finds PostgreSQL and RabbitMQ.

In order of preference:
1. `CASINO_TEST_POSTGRES_URL` / `CASINO_TEST_AMQP_URL`, when set;
2. the local services on 127.0.0.1 (the CI machine runs both, and has no Docker engine);
3. testcontainers, where a Docker engine answers.

Isolation is by unique names, not by truncating: every test session gets databases of its
own, named after a run id, and drops them when it ends.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
RUN_ID = uuid.uuid4().hex[:8]


class NoServiceError(RuntimeError):
    """Raised when neither a configured, a local, nor a containerised service is available."""


@dataclass(frozen=True)
class Service:
    url: str
    origin: str  # "environment", "local" or "testcontainers", for the test report header


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at the URL's host and port."""
    parts = urlsplit(url)
    default_port = 5432 if parts.scheme.startswith("postgres") else 5672
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=timeout
        ):
            return True
    except OSError:
        return False


def docker_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped,unused-ignore]  # typed or not, by version

        docker.from_env().ping()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def postgres_server() -> Iterator[Service]:
    """An admin URL (plain `postgresql://`) of a PostgreSQL server that we may create
    databases on."""
    configured = os.environ.get("CASINO_TEST_POSTGRES_URL")
    if configured:
        yield Service(configured, "environment")
    elif answers(LOCAL_POSTGRES_URL):
        yield Service(LOCAL_POSTGRES_URL, "local")
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield Service(container.get_connection_url(), "testcontainers")
    else:
        raise NoServiceError(
            "No PostgreSQL: set CASINO_TEST_POSTGRES_URL, run one on 127.0.0.1:5432, "
            "or start a Docker engine for testcontainers"
        )


@contextlib.contextmanager
def rabbitmq_server() -> Iterator[Service]:
    configured = os.environ.get("CASINO_TEST_AMQP_URL")
    if configured:
        yield Service(configured, "environment")
    elif answers(LOCAL_AMQP_URL):
        yield Service(LOCAL_AMQP_URL, "local")
    elif docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-alpine") as container:
            params = container.get_connection_params()
            host, port = params.host, params.port
            yield Service(f"amqp://guest:guest@{host}:{port}/", "testcontainers")
    else:
        raise NoServiceError(
            "No RabbitMQ: set CASINO_TEST_AMQP_URL, run one on 127.0.0.1:5672, "
            "or start a Docker engine for testcontainers"
        )


def database_url(admin_url: str, name: str, driver: str = "asyncpg") -> str:
    """The SQLAlchemy URL of database `name` on the server of `admin_url`."""
    parts = urlsplit(admin_url)
    scheme = f"postgresql+{driver}" if driver else "postgresql"
    return urlunsplit((scheme, parts.netloc, f"/{name}", "", ""))


def plain_url(url: str) -> str:
    """The URL asyncpg itself accepts (no SQLAlchemy driver suffix)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))


async def create_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(plain_url(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(plain_url(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
