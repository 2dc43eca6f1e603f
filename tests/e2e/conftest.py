"""The casino side as real processes: wallet worker(s) and gateway, over the session's
fresh database and this run's own queues. Tests talk to the gateway over HTTP only, and
check money in the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tests.support import infrastructure as infra
from tests.support.callbacks import WalletCallbacks
from tests.support.casino_world import CasinoWorld
from tests.support.processes import (
    ServiceProcess,
    free_port,
    http_ready,
    queue_consumers,
    wait_until,
)

pytestmark = pytest.mark.e2e

CASINO_SECRET = "e2e-casino-secret-current"
PREVIOUS_CASINO_SECRET = "e2e-casino-secret-previous"
PROVIDER_SECRET = "e2e-provider-secret"
RPC_TIMEOUT_SECONDS = 2.0
LOG_DIR = Path(".run") / "test-logs" / infra.RUN_ID


@dataclass
class CasinoSystem:
    """Gateway and wallet worker processes, and what tests need to reach them."""

    env: dict[str, str]
    amqp_url: str
    wallet_queue: str
    gateway: ServiceProcess
    gateway_url: str
    workers: list[ServiceProcess] = field(default_factory=list)

    def new_worker(self) -> ServiceProcess:
        index = len(self.workers)
        worker = ServiceProcess(
            f"wallet-worker-{index}",
            ["casino", "wallet-worker"],
            self.env,
            LOG_DIR / f"wallet-worker-{index}.log",
        )
        self.workers.append(worker)
        return worker

    async def start_worker(self) -> ServiceProcess:
        worker = self.new_worker()
        before = await self.consumers()
        worker.start()
        await wait_until(
            lambda: self._more_consumers_than(before), "the wallet worker", process=worker
        )
        return worker

    async def consumers(self) -> int:
        try:
            return await queue_consumers(self.amqp_url, self.wallet_queue)
        except Exception:  # the queue is not declared yet
            return 0

    async def _more_consumers_than(self, count: int) -> bool:
        return await self.consumers() > count

    def running_workers(self) -> list[ServiceProcess]:
        return [worker for worker in self.workers if worker.running]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def casino_system(casino_database_url: str, amqp_url: str) -> AsyncIterator[CasinoSystem]:
    port = free_port()
    wallet_queue = f"casino.wallet.test-{infra.RUN_ID}"
    env = {
        "ENVIRONMENT": "development",
        "CASINO_DATABASE_URL": casino_database_url,
        "AMQP_URL": amqp_url,
        "WALLET_QUEUE": wallet_queue,
        "LOBBY_QUEUE": f"casino.lobby.test-{infra.RUN_ID}",
        "CASINO_SECRET": f"{CASINO_SECRET},{PREVIOUS_CASINO_SECRET}",
        "PROVIDER_SECRET": PROVIDER_SECRET,
        "RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT_SECONDS),
        "GATEWAY_PORT": str(port),
    }
    gateway = ServiceProcess("gateway", ["casino-gateway"], env, LOG_DIR / "gateway.log")
    system = CasinoSystem(env, amqp_url, wallet_queue, gateway, f"http://127.0.0.1:{port}")
    await system.start_worker()
    gateway.start()
    await wait_until(
        lambda: http_ready(f"{system.gateway_url}/ready"), "the gateway", process=gateway
    )
    yield system
    for process in [gateway, *system.workers]:
        process.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def http(casino_system: CasinoSystem) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    async with httpx.AsyncClient(
        base_url=casino_system.gateway_url, timeout=30, limits=limits
    ) as client:
        yield client


@pytest.fixture
def callbacks(http: httpx.AsyncClient) -> WalletCallbacks:
    return WalletCallbacks(http, CASINO_SECRET)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def world(casino_database_url: str) -> AsyncIterator[CasinoWorld]:
    world = await CasinoWorld.connect(casino_database_url)
    yield world
    await world.close()
