"""The whole system as processes, on databases of its own, with a faulty link between the
provider and the gateway, for the fault suite.

The suite's databases are its own (not the e2e session's), so the ledger check and the
reconciliation with the provider must find nothing at all. Teardown brings PostgreSQL
and RabbitMQ back even when a test failed half-way through a restart.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio

from tests.e2e.conftest import (
    OPERATOR_API_KEY,
    PROVIDER_SECRET,
    CasinoSystem,
    run_command,
)
from tests.faults.figures import Figures
from tests.support import infrastructure as infra
from tests.support import service_restarts
from tests.support.casino_world import CasinoWorld, Player
from tests.support.processes import free_port, http_ready, queue_consumers, wait_until
from tests.support.tcp_proxy import FaultyTcpProxy

CASINO_SECRET = "faults-casino-secret"
# The gateway's wallet timeout, and the provider's patience: each attempt outwaits the
# gateway's 503, and the retries outlast a fault of a few seconds.
RPC_TIMEOUT_SECONDS = 2.0
LOBBY_RPC_TIMEOUT_SECONDS = 60.0
PROVIDER_RETRIES = {
    "CASINO_RETRY_ATTEMPTS": "10",
    "CASINO_RETRY_INITIAL_BACKOFF_SECONDS": "0.2",
    "CASINO_RETRY_MAX_BACKOFF_SECONDS": "1.0",
    "CASINO_ATTEMPT_TIMEOUT_SECONDS": "4",
    "UNKNOWN_DEBIT_ROLLBACK_ATTEMPTS": "20",
    # The retry queue (services/provider, "retry queue"): what a round's own retries left
    # pending is looked at every second and resent soon, so the suite settles in minutes.
    "PENDING_RESUME_INTERVAL_SECONDS": "1",
    "PENDING_RETRY_INITIAL_BACKOFF_SECONDS": "1",
    "PENDING_RETRY_MAX_BACKOFF_SECONDS": "5",
}


@dataclass
class FaultSystem:
    system: CasinoSystem
    proxy: FaultyTcpProxy
    casino_database_url: str
    provider_database_url: str
    world: CasinoWorld
    players: list[Player]
    game_id: str
    restart_refusal: str | None

    def process(self, name: str) -> int:
        [found] = [p for p in self.system.others if p.name == name]
        assert found.process is not None
        return found.process.pid


@pytest.fixture(scope="session")
def figures() -> Iterator[Figures]:
    recorded = Figures()
    yield recorded
    recorded.write()


async def _fresh_database(admin_url: str, service: str) -> str:
    name = f"{service}_faults_{infra.RUN_ID}"
    await infra.create_database(admin_url, name)
    url = infra.database_url(admin_url, name)
    if service == "casino":
        from casino.database import migrate
    else:
        from provider.database import migrate
    await asyncio.to_thread(migrate, url)
    return url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def fault_system(postgres_admin_url: str, amqp_url: str) -> AsyncIterator[FaultSystem]:
    casino_url = await _fresh_database(postgres_admin_url, "casino")
    provider_url = await _fresh_database(postgres_admin_url, "provider")
    gateway_port, provider_port = free_port(), free_port()
    proxy = FaultyTcpProxy("127.0.0.1", gateway_port)
    await proxy.start()
    env = {
        "ENVIRONMENT": "development",
        "CASINO_DATABASE_URL": casino_url,
        "PROVIDER_DATABASE_URL": provider_url,
        "AMQP_URL": amqp_url,
        "WALLET_QUEUE": f"casino.wallet.faults-{infra.RUN_ID}",
        "LOBBY_QUEUE": f"casino.lobby.faults-{infra.RUN_ID}",
        "CASINO_SECRET": CASINO_SECRET,
        "PROVIDER_SECRET": PROVIDER_SECRET,
        "RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT_SECONDS),
        "LOBBY_RPC_TIMEOUT_SECONDS": str(LOBBY_RPC_TIMEOUT_SECONDS),
        "OPERATOR_API_KEY": OPERATOR_API_KEY,
        "GATEWAY_PORT": str(gateway_port),
        # The provider's wallet callbacks go through the faulty link.
        "CASINO_URL": f"http://127.0.0.1:{proxy.port}",
        "PROVIDER_PORT": str(provider_port),
        "PROVIDER_URL": f"http://127.0.0.1:{provider_port}",
        "WALLET_PROBES_PORT": str(free_port()),
        "LOBBY_PROBES_PORT": str(free_port()),
        **PROVIDER_RETRIES,
    }
    demo = json.loads(run_command(["casino", "seed", "--json"], env))
    run_command(["game-provider", "seed"], env)
    system = CasinoSystem(
        env,
        amqp_url,
        env["WALLET_QUEUE"],
        f"http://127.0.0.1:{gateway_port}",
        env["PROVIDER_URL"],
        demo,
    )
    world = await CasinoWorld.connect(casino_url)
    try:
        await system.start_worker()
        lobby = system.start("lobby", ["casino", "lobby"])
        provider = system.start("provider", ["game-provider", "serve"])
        gateway = system.start("gateway", ["casino-gateway"])
        await wait_until(
            lambda: http_ready(f"{env['PROVIDER_URL']}/ready"), "provider", process=provider
        )
        await wait_until(
            lambda: http_ready(f"{system.gateway_url}/ready"), "gateway", process=gateway
        )
        await wait_until(
            lambda: queue_consumers(amqp_url, env["LOBBY_QUEUE"]), "the lobby", process=lobby
        )
        players = [await world.player(10_000_000) for _ in range(12)]
        yield FaultSystem(
            system,
            proxy,
            casino_url,
            provider_url,
            world,
            players,
            str(demo["gameId"]),
            service_restarts.cannot_restart(postgres_admin_url, amqp_url),
        )
    finally:
        for process in [*system.others, *system.workers]:
            process.stop()
        await proxy.close()
        if service_restarts.cannot_restart(postgres_admin_url, amqp_url) is None:
            await asyncio.to_thread(service_restarts.ensure_running)
        await world.close()
        for name in (f"casino_faults_{infra.RUN_ID}", f"provider_faults_{infra.RUN_ID}"):
            await infra.drop_database(postgres_admin_url, name)


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(fault_system: FaultSystem) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=fault_system.system.gateway_url, limits=limits) as http:
        yield http
