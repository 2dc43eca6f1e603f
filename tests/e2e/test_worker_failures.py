"""Acceptance 7 and 8: a wallet worker that dies, loses its broker connection or is not
there at all never half-applies a command, and never applies one twice.

To catch a worker in the middle of a command, the test holds the wallet's row lock: the
worker's debit then waits inside its database transaction, where the test hurts it.
"""

import asyncio
import signal
from collections.abc import Callable

import httpx
import pytest

from tests.e2e.conftest import RPC_TIMEOUT_SECONDS, CasinoSystem
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld, Session
from tests.support.faults import (
    close_broker_connections_of,
    pid_of_local_port,
    wait_for_waiters_on,
    wallet_lock_held,
)
from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.e2e


async def debit_caught_mid_command(
    casino_system: CasinoSystem,
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    hurt: Callable[[ServiceProcess], None],
) -> tuple[Session, str, httpx.Response]:
    """Send a debit, hurt the worker that is inside its transaction, then let go."""
    while len(casino_system.running_workers()) < 2:
        await casino_system.start_worker()
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    tx = new_id("bet")
    async with wallet_lock_held(world.pool, player.wallet_id) as blocker:
        pending = asyncio.create_task(callbacks.debit(session.token, 300, tx=tx))
        [port] = await wait_for_waiters_on(world.pool, blocker)
        pid = pid_of_local_port(port)
        [caught] = [
            w for w in casino_system.running_workers() if w.process and w.process.pid == pid
        ]
        hurt(caught)
        # Still fresh, the command goes back to the queue and on to the other worker, which
        # waits for the lock too; past its expiry (the gateway's timeout) the broker drops
        # it unapplied. Either way only the retry below may tell the one true outcome.
        await asyncio.sleep(0.5)
    return session, tx, await pending


async def assert_applied_once(
    callbacks: WalletCallbacks, world: CasinoWorld, session: Session, tx: str, first: httpx.Response
) -> None:
    """Whatever the first caller was told, a retry gets the real outcome, once."""
    assert first.status_code in (200, 503), first.text
    if first.status_code == 503:
        assert first.json()["code"] == "WALLET_UNAVAILABLE"
        assert first.json()["retryable"] is True
    retry = await callbacks.debit(session.token, 300, tx=tx)
    assert retry.status_code == 200
    assert retry.json()["balance"] == 700
    if first.status_code == 200:
        assert retry.json() == first.json()
    assert await world.balance(session.player) == 700
    assert await world.rows_for(tx) == 1


async def test_a_worker_killed_mid_command_leaves_it_to_be_applied_once(
    casino_system: CasinoSystem, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    session, tx, first = await debit_caught_mid_command(
        casino_system, callbacks, world, lambda worker: worker.kill()
    )
    await assert_applied_once(callbacks, world, session, tx, first)


async def test_a_worker_that_loses_its_broker_connection_applies_the_command_once(
    casino_system: CasinoSystem, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    def cut_broker_connection(worker: ServiceProcess) -> None:
        assert worker.process is not None
        assert close_broker_connections_of(worker.process.pid) >= 1

    session, tx, first = await debit_caught_mid_command(
        casino_system, callbacks, world, cut_broker_connection
    )
    await assert_applied_once(callbacks, world, session, tx, first)


async def test_with_no_worker_a_callback_is_unavailable_and_a_later_retry_gets_the_outcome(
    casino_system: CasinoSystem, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    for worker in casino_system.running_workers():
        worker.signal(signal.SIGTERM)
    for worker in casino_system.workers:
        if worker.process is not None:
            worker.process.wait(timeout=20)
    tx = new_id("bet")

    loop = asyncio.get_running_loop()
    started = loop.time()
    unavailable = await callbacks.debit(session.token, 400, tx=tx)
    waited = loop.time() - started

    assert unavailable.status_code in (503, 504)
    assert unavailable.json()["code"] == "WALLET_UNAVAILABLE"
    assert unavailable.json()["retryable"] is True
    assert waited < RPC_TIMEOUT_SECONDS + 3  # bounded by the gateway's timeout, not hung
    assert await world.balance(player) == 1_000

    await casino_system.start_worker()
    retry = await callbacks.debit(session.token, 400, tx=tx)
    assert retry.status_code == 200
    assert retry.json()["balance"] == 600
    assert await world.balance(player) == 600
    assert await world.rows_for(tx) == 1
