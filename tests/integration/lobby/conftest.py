"""A lobby consuming a queue of this run's own, against the session's casino database and
a fake provider served over HTTP; tests call it over RabbitMQ as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aio_pika
import asyncpg
import pytest
import pytest_asyncio

from casino.lobby.app import build_app
from casino.settings import CasinoSettings
from tests.integration.lobby.fake_provider import FakeProvider, serving
from tests.integration.lobby.rpc_caller import LobbyCaller
from tests.support import infrastructure as infra
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.integration

PROVIDER_SECRET = "lobby-test-provider-secret"


@asynccontextmanager
async def running_lobby(settings: CasinoSettings) -> AsyncIterator[None]:
    """The lobby app as `run` starts it (lifespan, then broker), minus uvicorn: no probes
    port, no signal handling."""
    app = build_app(settings)
    async with app.lifespan_context(), app:
        yield


@dataclass(frozen=True)
class LobbyRig:
    world: CasinoWorld
    provider: FakeProvider
    caller: LobbyCaller
    settings: CasinoSettings

    @property
    def queue(self) -> str:
        return self.settings.lobby_queue


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def world(casino_database_url: str) -> AsyncIterator[CasinoWorld]:
    world = await CasinoWorld.connect(casino_database_url)
    yield world
    await world.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def caller(amqp_url: str) -> AsyncIterator[LobbyCaller]:
    caller = await LobbyCaller.connect(amqp_url)
    yield caller
    await caller.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def lobby(
    world: CasinoWorld, caller: LobbyCaller, casino_database_url: str, amqp_url: str
) -> AsyncIterator[LobbyRig]:
    provider = FakeProvider(PROVIDER_SECRET, world.pool)
    async with serving(provider.app) as provider_url:
        settings = CasinoSettings(
            casino_database_url=casino_database_url,
            amqp_url=amqp_url,
            provider_url=provider_url,
            provider_secret=(PROVIDER_SECRET,),
            lobby_queue=f"test.casino.lobby.{infra.RUN_ID}",
        )
        async with running_lobby(settings):
            yield LobbyRig(world, provider, caller, settings)
    await delete_queue(amqp_url, settings.lobby_queue)


async def delete_queue(amqp_url: str, queue: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)


async def session_row(pool: asyncpg.Pool, token: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await pool.fetchrow(
        "SELECT id, user_id, wallet_id, game_id, status, provider_session_id, ended_at"
        " FROM casino_game_sessions WHERE token = $1",
        token,
    )
    return row
