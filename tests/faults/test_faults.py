"""The fault suite: a mixed workload of concurrent rounds through the gateway, while one
fault at a time hits the system. After each: no request outlived its timeout, every round
reached a final state, and the ledger check and the reconciliation with the provider find
nothing (see docs/RELIABILITY.md).

Restarting PostgreSQL or RabbitMQ disturbs every test run on this machine: run the suite
under `flock -x /tmp/casino-infra.lock`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.e2e.conftest import OPERATOR_API_KEY
from tests.faults.conftest import LOBBY_RPC_TIMEOUT_SECONDS, FaultSystem
from tests.faults.figures import Figures
from tests.faults.settle import provider_tally, settled_audit
from tests.faults.workload import Workload
from tests.support import service_restarts
from tests.support.faults import broker_connections_of, close_broker_connections_of
from tests.support.processes import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.timeout(240)]

WARM_UP_SECONDS = 2.0
AFTER_FAULT_SECONDS = 3.0
DOWN_SECONDS = 1.5

Fault = Callable[[FaultSystem], Awaitable[int]]


async def kill_and_restart_the_worker(fs: FaultSystem) -> int:
    [worker] = fs.system.running_workers()
    worker.kill()  # SIGKILL: no acknowledgement, no cleanup
    await asyncio.sleep(DOWN_SECONDS)
    await fs.system.start_worker()
    return 1


async def close_broker_connections(fs: FaultSystem) -> int:
    """Close the broker connections of the worker, the gateway and the lobby, once each
    holds one: a process still reconnecting after an earlier fault (a restarted worker, a
    broker back from a restart) would otherwise be skipped, and the fault not injected."""
    [worker] = fs.system.running_workers()
    assert worker.process is not None
    pids = [worker.process.pid, fs.process("gateway"), fs.process("lobby")]

    async def all_connected() -> bool:
        held = [await asyncio.to_thread(broker_connections_of, pid) for pid in pids]
        return all(held)

    await wait_until(all_connected, "a broker connection in each of worker, gateway and lobby")
    closed = 0
    for pid in pids:
        closed += await asyncio.to_thread(close_broker_connections_of, pid)
    assert closed >= 3, f"closed {closed} broker connections"
    return closed


async def restart_rabbitmq(fs: FaultSystem) -> int:
    _can_restart(fs)
    await asyncio.to_thread(service_restarts.stop_rabbitmq)
    await asyncio.sleep(DOWN_SECONDS)
    await asyncio.to_thread(service_restarts.start_rabbitmq)
    return 1


async def restart_postgres(fs: FaultSystem) -> int:
    _can_restart(fs)
    await asyncio.to_thread(service_restarts.stop_postgres_immediately)
    await asyncio.sleep(DOWN_SECONDS)
    await asyncio.to_thread(service_restarts.start_postgres)
    await fs.world.pool.expire_connections()
    return 1


async def delay_the_link(fs: FaultSystem) -> int:
    fs.proxy.delay(0.5)  # each chunk between provider and gateway, both ways
    await asyncio.sleep(3.0)
    fs.proxy.heal()
    return 1


async def drop_the_link(fs: FaultSystem) -> int:
    fs.proxy.drop()  # open connections cut, new ones refused
    await asyncio.sleep(DOWN_SECONDS)
    fs.proxy.heal()
    return 1


def _can_restart(fs: FaultSystem) -> None:
    if fs.restart_refusal:
        pytest.skip(fs.restart_refusal)


FAULTS: dict[str, Fault] = {
    "wallet worker SIGKILLed and restarted": kill_and_restart_the_worker,
    "broker connections of gateway, worker and lobby closed": close_broker_connections,
    "RabbitMQ restarted": restart_rabbitmq,
    "PostgreSQL stopped (immediate) and started": restart_postgres,
    "provider-gateway link delayed": delay_the_link,
    "provider-gateway link dropped": drop_the_link,
}


@pytest.mark.parametrize("fault_name", list(FAULTS))
async def test_the_ledger_holds_under_a_fault(
    fault_name: str, fault_system: FaultSystem, gateway: httpx.AsyncClient, figures: Figures
) -> None:
    fs = fault_system
    before = await provider_tally(fs.provider_database_url)
    workload = Workload(
        gateway,
        fs.players,
        fs.game_id,
        headers={"x-api-key": OPERATOR_API_KEY},
        request_timeout=LOBBY_RPC_TIMEOUT_SECONDS + 5,
        seed=len(fault_name),
    )
    workload.start()
    try:
        await asyncio.sleep(WARM_UP_SECONDS)
        injected = await FAULTS[fault_name](fs)
        await asyncio.sleep(AFTER_FAULT_SECONDS)
    finally:
        await workload.stop()

    report = await settled_audit(fs.casino_database_url, fs.provider_database_url)
    after = await provider_tally(fs.provider_database_url)
    figures.record(
        fault_name,
        rounds=workload.rounds,
        replies=dict(workload.statuses),
        money_calls=after.calls - before.calls,
        retries=(after.attempts - before.attempts) - (after.calls - before.calls),
        faults_injected=injected,
        hangs=len(workload.hangs),
        violations=len(report.violations),
    )
    assert not workload.hangs, workload.hangs
    assert workload.statuses["200"] > 0, workload.statuses
    assert report.ok, report.render()
