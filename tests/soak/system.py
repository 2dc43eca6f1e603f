"""The whole system as processes for the soak, on databases of its own.

The same system as the fault suite's (`tests/faults/conftest.py`): wallet worker,
lobby, provider and gateway as processes, this run's own queues and databases, and a
faulty TCP proxy between the provider and the gateway; it is handed to the fault
suite's injections as the `FaultSystem` they take. The same timeouts and provider
retries (its retry queue looking every second, so that the calls a killed provider
leaves pending are settled soon after their in-flight period); one difference, for a
long run: the gateway does not log every successful command.

The wallet load plays as a provider of its own (`wallet_provider`).

Whatever happens, the context's end stops what it started and brings the machine's
PostgreSQL and RabbitMQ back up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from provider.settings import ProviderSettings
from tests.e2e.conftest import LOG_DIR, OPERATOR_API_KEY, PROVIDER_SECRET, CasinoSystem, run_command
from tests.faults.conftest import (
    CASINO_SECRET,
    LOBBY_RPC_TIMEOUT_SECONDS,
    PROVIDER_RETRIES,
    RPC_TIMEOUT_SECONDS,
    FaultSystem,
)
from tests.soak.wallet_provider import WalletLoadProvider, wallet_load_provider
from tests.support import infrastructure as infra
from tests.support import service_restarts
from tests.support.casino_world import CasinoWorld
from tests.support.processes import free_port, http_ready, queue_consumers, wait_until
from tests.support.tcp_proxy import FaultyTcpProxy

ROUND_PLAYER_BALANCE = 10**12


@dataclass
class SoakSystem:
    faults: FaultSystem
    wallet_load: WalletLoadProvider
    admin_url: str
    amqp_url: str
    log_dir: Path

    @property
    def servers(self) -> tuple[str, str]:
        """The PostgreSQL (admin) and RabbitMQ URLs the system runs on."""
        return self.admin_url, self.amqp_url

    @property
    def gateway_url(self) -> str:
        return self.faults.system.gateway_url

    @property
    def wallet_queue(self) -> str:
        return self.faults.system.wallet_queue

    @property
    def lobby_queue(self) -> str:
        return self.faults.system.env["LOBBY_QUEUE"]

    @property
    def env(self) -> dict[str, str]:
        return self.faults.system.env

    @property
    def provider_in_flight_s(self) -> float:
        """How long a call may stay pending before the provider's retry queue takes it."""
        settings = {key.lower(): value for key, value in PROVIDER_RETRIES.items()}
        return ProviderSettings.model_validate(settings).call_in_flight_seconds

    async def healthy(self) -> bool:
        """Every service up: the gateway and provider ready, both queues consumed."""
        system = self.faults.system
        return (
            await http_ready(f"{system.gateway_url}/ready")
            and await http_ready(f"{system.provider_url}/ready")
            and await queue_consumers(self.amqp_url, self.wallet_queue) > 0
            and await queue_consumers(self.amqp_url, self.lobby_queue) > 0
        )


async def _database(admin_url: str, service: str, run_id: str) -> str:
    name = f"{service}_soak_{run_id}"
    await infra.create_database(admin_url, name)
    url = infra.database_url(admin_url, name)
    if service == "casino":
        from casino.database import migrate
    else:
        from provider.database import migrate
    await asyncio.to_thread(migrate, url)
    return url


def _environment(run_id: str, casino_url: str, provider_url: str, amqp_url: str) -> dict[str, str]:
    return {
        "ENVIRONMENT": "development",
        "CASINO_DATABASE_URL": casino_url,
        "PROVIDER_DATABASE_URL": provider_url,
        "AMQP_URL": amqp_url,
        "WALLET_QUEUE": f"casino.wallet.soak-{run_id}",
        "LOBBY_QUEUE": f"casino.lobby.soak-{run_id}",
        "CASINO_SECRET": CASINO_SECRET,
        "PROVIDER_SECRET": PROVIDER_SECRET,
        "RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT_SECONDS),
        "LOBBY_RPC_TIMEOUT_SECONDS": str(LOBBY_RPC_TIMEOUT_SECONDS),
        "OPERATOR_API_KEY": OPERATOR_API_KEY,
        "LOG_EVERY_COMMAND": "false",
        "GATEWAY_PORT": str(free_port()),
        "PROVIDER_PORT": str(free_port()),
        "WALLET_PROBES_PORT": str(free_port()),
        "LOBBY_PROBES_PORT": str(free_port()),
        **PROVIDER_RETRIES,
    }


@asynccontextmanager
async def soak_system(
    admin_url: str, amqp_url: str, run_id: str, *, players: int, wallets: int, keep: bool
) -> AsyncIterator[SoakSystem]:
    casino_url = await _database(admin_url, "casino", run_id)
    provider_url = await _database(admin_url, "provider", run_id)
    env = _environment(run_id, casino_url, provider_url, amqp_url)
    proxy = FaultyTcpProxy("127.0.0.1", int(env["GATEWAY_PORT"]))
    await proxy.start()
    # The provider's wallet callbacks go through the faulty link.
    env["CASINO_URL"] = f"http://127.0.0.1:{proxy.port}"
    env["PROVIDER_URL"] = f"http://127.0.0.1:{env['PROVIDER_PORT']}"
    demo = json.loads(run_command(["casino", "seed", "--json"], env))
    run_command(["game-provider", "seed"], env)
    gateway_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    system = CasinoSystem(
        env, amqp_url, env["WALLET_QUEUE"], gateway_url, env["PROVIDER_URL"], demo
    )
    world = await CasinoWorld.connect(casino_url)
    try:
        await system.start_worker()
        lobby = system.start("lobby", ["casino", "lobby"])
        provider = system.start("provider", ["game-provider", "serve"])
        gateway = system.start("gateway", ["casino-gateway"])
        await wait_until(
            lambda: http_ready(f"{env['PROVIDER_URL']}/ready"), "the provider", process=provider
        )
        await wait_until(lambda: http_ready(f"{gateway_url}/ready"), "the gateway", process=gateway)
        await wait_until(
            lambda: queue_consumers(amqp_url, env["LOBBY_QUEUE"]), "the lobby", process=lobby
        )
        round_players = [await world.player(ROUND_PLAYER_BALANCE) for _ in range(players)]
        wallet_load = await wallet_load_provider(
            world, casino_url, gateway_url, wallets, f"soak-{run_id}-"
        )
        yield SoakSystem(
            FaultSystem(
                system,
                proxy,
                casino_url,
                provider_url,
                world,
                round_players,
                str(demo["gameId"]),
                service_restarts.cannot_restart(admin_url, amqp_url),
            ),
            wallet_load,
            admin_url,
            amqp_url,
            LOG_DIR,
        )
    finally:
        for process in [*system.others, *system.workers]:
            process.stop()
        await proxy.close()
        await asyncio.to_thread(bring_back_the_servers, admin_url, amqp_url)
        await world.close()
        if not keep:
            for name in (f"casino_soak_{run_id}", f"provider_soak_{run_id}"):
                await infra.drop_database(admin_url, name)


def bring_back_the_servers(admin_url: str, amqp_url: str) -> None:
    """Start the local PostgreSQL or RabbitMQ if a fault left either down."""
    if service_restarts.cannot_restart(admin_url, amqp_url) is None:
        service_restarts.ensure_running()
