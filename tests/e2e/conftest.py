"""The whole system as real processes: wallet worker(s), lobby, provider and gateway, over
this session's fresh databases and this run's own queues. Tests talk to the gateway over
HTTP only, and check money in the databases.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.support import infrastructure as infra
from tests.support.callbacks import WalletCallbacks
from tests.support.casino_world import CasinoWorld
from tests.support.processes import (
    BIN,
    ServiceProcess,
    free_port,
    http_ready,
    queue_consumers,
    wait_until,
)
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

CASINO_SECRET = "e2e-casino-secret-current"
PREVIOUS_CASINO_SECRET = "e2e-casino-secret-previous"
PROVIDER_SECRET = "e2e-provider-secret"
OPERATOR_API_KEY = "e2e-operator-key"
RPC_TIMEOUT_SECONDS = 2.0
LOG_DIR = Path(".run") / "test-logs" / infra.RUN_ID


@dataclass
class CasinoSystem:
    """The service processes, and what tests need to reach them."""

    env: dict[str, str]
    amqp_url: str
    wallet_queue: str
    gateway_url: str
    provider_url: str
    demo: dict[str, Any]
    workers: list[ServiceProcess] = field(default_factory=list)
    others: list[ServiceProcess] = field(default_factory=list)
    # Each wallet worker's /health, /ready and /metrics, by process name.
    worker_probes: dict[str, str] = field(default_factory=dict)

    @property
    def lobby_probes_url(self) -> str:
        return f"http://127.0.0.1:{self.env['LOBBY_PROBES_PORT']}"

    def start(self, name: str, argv: list[str], **env: str) -> ServiceProcess:
        process = ServiceProcess(name, argv, {**self.env, **env}, LOG_DIR / f"{name}.log")
        process.start()
        self.others.append(process)
        return process

    def new_worker(self) -> ServiceProcess:
        index, probes_port = len(self.workers), free_port()
        worker = ServiceProcess(
            f"wallet-worker-{index}",
            ["casino", "wallet-worker"],
            {**self.env, "WALLET_PROBES_PORT": str(probes_port)},
            LOG_DIR / f"wallet-worker-{index}.log",
        )
        self.workers.append(worker)
        self.worker_probes[worker.name] = f"http://127.0.0.1:{probes_port}"
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


def run_command(argv: list[str], env: dict[str, str]) -> str:
    """Run one of the workspace's commands to completion; its standard output."""
    done = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def casino_system(
    casino_database_url: str, provider_database_url: str, amqp_url: str
) -> AsyncIterator[CasinoSystem]:
    port, provider_port = free_port(), free_port()
    wallet_queue = f"casino.wallet.test-{infra.RUN_ID}"
    env = {
        "ENVIRONMENT": "development",
        "CASINO_DATABASE_URL": casino_database_url,
        "PROVIDER_DATABASE_URL": provider_database_url,
        "AMQP_URL": amqp_url,
        "WALLET_QUEUE": wallet_queue,
        "LOBBY_QUEUE": f"casino.lobby.test-{infra.RUN_ID}",
        "CASINO_SECRET": f"{CASINO_SECRET},{PREVIOUS_CASINO_SECRET}",
        "PROVIDER_SECRET": PROVIDER_SECRET,
        "RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT_SECONDS),
        "OPERATOR_API_KEY": OPERATOR_API_KEY,
        "GATEWAY_PORT": str(port),
        "CASINO_URL": f"http://127.0.0.1:{port}",
        "PROVIDER_PORT": str(provider_port),
        "PROVIDER_URL": f"http://127.0.0.1:{provider_port}",
        "LOBBY_PROBES_PORT": str(free_port()),
    }
    demo = json.loads(run_command(["casino", "seed", "--json"], env))
    run_command(["game-provider", "seed"], env)
    system = CasinoSystem(env, amqp_url, wallet_queue, env["CASINO_URL"], env["PROVIDER_URL"], demo)
    await system.start_worker()
    lobby = system.start("lobby", ["casino", "lobby"])
    provider = system.start("provider", ["game-provider", "serve"])
    gateway = system.start("gateway", ["casino-gateway"])
    await wait_until(
        lambda: http_ready(f"{system.provider_url}/ready"), "provider", process=provider
    )
    await wait_until(lambda: http_ready(f"{system.gateway_url}/ready"), "gateway", process=gateway)
    await wait_until(
        lambda: queue_consumers(amqp_url, env["LOBBY_QUEUE"]), "the lobby", process=lobby
    )
    yield system
    for process in [*system.others, *system.workers]:
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


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def providers(provider_database_url: str) -> AsyncIterator[ProviderWorld]:
    world = await ProviderWorld.connect(provider_database_url)
    yield world
    await world.close()
