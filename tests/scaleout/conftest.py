"""Two wallet workers sharing the wallet's partitions on the single local RabbitMQ (quorum
queues work on one node), a gateway in front, and this run's own queues, deleted after.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx
import pytest_asyncio

from contracts import topology
from tests.support import infrastructure as infra
from tests.support.callbacks import WalletCallbacks
from tests.support.casino_world import CasinoWorld
from tests.support.processes import (
    ServiceProcess,
    delete_queues,
    free_port,
    http_ready,
    wait_until,
)

SECRET = "scaleout-casino-secret"
PARTITIONS = 4
WORKERS = 2
STANDBY_SECONDS = 1.0
RPC_TIMEOUT_SECONDS = 3.0
LOG_DIR = Path(".run") / "test-logs" / infra.RUN_ID / "scaleout"


@dataclass
class ScaleOut:
    env: dict[str, str]
    wallet_queue: str
    gateway_url: str
    workers: list[ServiceProcess] = field(default_factory=list)
    others: list[ServiceProcess] = field(default_factory=list)

    def start_worker(self, index: int) -> tuple[ServiceProcess, str]:
        port = free_port()
        worker = ServiceProcess(
            f"wallet-worker-{index}",
            ["casino", "wallet-worker"],
            {**self.env, "WALLET_WORKER_INDEX": str(index), "WALLET_PROBES_PORT": str(port)},
            LOG_DIR / f"wallet-worker-{index}.log",
        )
        worker.start()
        self.workers.append(worker)
        return worker, f"http://127.0.0.1:{port}/ready"

    def stop(self) -> None:
        for process in [*self.others, *self.workers]:
            process.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def scaleout(casino_database_url: str, amqp_url: str, unique: str) -> AsyncIterator[ScaleOut]:
    """Both workers started at once (each first on its home partitions, standby for the
    others), then the gateway."""
    wallet_queue = f"casino.wallet.scaleout-{unique}"
    port = free_port()
    env = {
        "ENVIRONMENT": "development",
        "CASINO_DATABASE_URL": casino_database_url,
        "AMQP_URL": amqp_url,
        "WALLET_QUEUE": wallet_queue,
        "LOBBY_QUEUE": f"casino.lobby.scaleout-{unique}",
        "WALLET_PARTITIONS": str(PARTITIONS),
        "WALLET_WORKERS": str(WORKERS),
        "WALLET_STANDBY_SECONDS": str(STANDBY_SECONDS),
        "CASINO_SECRET": SECRET,
        "RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT_SECONDS),
        "GATEWAY_PORT": str(port),
        "LOG_EVERY_COMMAND": "false",
    }
    system = ScaleOut(env, wallet_queue, f"http://127.0.0.1:{port}")
    try:
        started = [system.start_worker(index) for index in range(WORKERS)]
        for worker, ready in started:
            await wait_until(partial(http_ready, ready), worker.name, process=worker)
        await asyncio.sleep(STANDBY_SECONDS + 1)  # the standby subscriptions are in place
        gateway = ServiceProcess("gateway", ["casino-gateway"], env, LOG_DIR / "gateway.log")
        gateway.start()
        system.others.append(gateway)
        await wait_until(
            lambda: http_ready(f"{system.gateway_url}/ready"), "gateway", process=gateway
        )
        yield system
    finally:
        system.stop()
        await delete_queues(
            amqp_url,
            [
                *topology.partition_queues(wallet_queue, PARTITIONS),
                topology.dead_letter_routing_key(wallet_queue),
            ],
        )


@pytest_asyncio.fixture(loop_scope="session")
async def world(casino_database_url: str) -> AsyncIterator[CasinoWorld]:
    world = await CasinoWorld.connect(casino_database_url)
    yield world
    await world.close()


@pytest_asyncio.fixture(loop_scope="session")
async def callbacks(scaleout: ScaleOut) -> AsyncIterator[WalletCallbacks]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=scaleout.gateway_url, timeout=30, limits=limits) as http:
        yield WalletCallbacks(http, SECRET)
