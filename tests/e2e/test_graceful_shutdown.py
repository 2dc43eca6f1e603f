"""SIGTERM to a wallet worker under load: the commands it holds finish or go back to the
queue, none is lost and none is applied twice.

Many debits run through the gateway at once while one of two workers is told to stop.
A caller that gets 503 (its command was still queued, or expired) retries with the same
transactionId, as the provider does. Then the database must show every debit applied
exactly once, and each wallet's balance equal to its opening balance minus its ledger.
"""

import asyncio
import signal

import httpx
import pytest

from tests.e2e.conftest import CasinoSystem
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld, Session
from tests.support.faults import pid_of_local_port, wait_for_waiters_on, wallet_lock_held

pytestmark = pytest.mark.e2e

PLAYERS = 8
DEBITS_PER_PLAYER = 40
OPENING_BALANCE = 100_000
CONCURRENCY = 64
STOP_AFTER_ANSWERS = 60
RETRIES = 20


class Progress:
    """Counts decided debits, and says when enough are for the worker to be stopped."""

    def __init__(self, enough: int) -> None:
        self.decided = 0
        self.enough = enough
        self.reached = asyncio.Event()

    def one_more(self) -> None:
        self.decided += 1
        if self.decided >= self.enough:
            self.reached.set()


async def debit_until_decided(
    callbacks: WalletCallbacks, session: Session, tx: str, amount: int
) -> httpx.Response:
    """Send the debit, retrying 503s with the same id, as the provider does."""
    for _ in range(RETRIES):
        response = await callbacks.debit(session.token, amount, tx=tx)
        if response.status_code != 503:
            return response
        assert response.json()["retryable"] is True
        await asyncio.sleep(0.2)
    raise AssertionError(f"{tx} still unavailable after {RETRIES} tries")


def answered_after_stopping(log_text: str) -> int:
    """How many commands the stopping worker answered after it was told to stop."""
    _, _, after = log_text.partition("stopping: draining the commands in flight")
    return after.count("wallet command answered")


async def test_sigterm_under_load_loses_nothing_and_applies_nothing_twice(
    casino_system: CasinoSystem, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    while len(casino_system.running_workers()) < 2:
        await casino_system.start_worker()
    game = await world.game()
    # One debit is held inside a worker's transaction (its wallet locked) when that worker
    # is told to stop, so the drain has something to finish for certain.
    held = await world.session(await world.player(OPENING_BALANCE), game)
    held_tx = new_id("bet")
    sessions = [
        await world.session(await world.player(OPENING_BALANCE), game) for _ in range(PLAYERS)
    ]
    debits = [
        (session, new_id("bet"), 1 + index % 7)
        for index in range(DEBITS_PER_PLAYER)
        for session in sessions
    ]
    progress = Progress(STOP_AFTER_ANSWERS)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(session: Session, tx: str, amount: int) -> httpx.Response:
        async with gate:
            response = await debit_until_decided(callbacks, session, tx, amount)
        progress.one_more()
        return response

    load = [asyncio.create_task(one(*debit)) for debit in debits]
    await progress.reached.wait()
    async with wallet_lock_held(world.pool, held.player.wallet_id) as blocker:
        held_debit = asyncio.create_task(debit_until_decided(callbacks, held, held_tx, 5))
        [port] = await wait_for_waiters_on(world.pool, blocker)
        [stopping] = [
            w
            for w in casino_system.running_workers()
            if w.process.pid == pid_of_local_port(port)  # type: ignore[union-attr]
        ]
        [staying] = [w for w in casino_system.running_workers() if w is not stopping]
        stopping.signal(signal.SIGTERM)
        await asyncio.sleep(0.5)  # it is draining now, still holding the held debit
    exit_code = await asyncio.to_thread(stopping.process.wait, 30)  # type: ignore[union-attr]
    results = await asyncio.gather(*load)
    held_result = await held_debit

    # It stopped cleanly, after finishing (committing, answering, acking) what it held.
    assert exit_code == 0, stopping.log_tail()
    assert staying.running
    stopped_log = stopping.log_path.read_text()
    assert "wallet worker stopped" in stopped_log
    assert answered_after_stopping(stopped_log) > 0
    # Nothing lost, nothing twice.
    assert held_result.status_code == 200
    assert await world.rows_for(held_tx) == 1
    assert await world.balance(held.player) == OPENING_BALANCE - 5
    assert [response.status_code for response in results] == [200] * len(debits)
    for (_, tx, _), response in zip(debits, results, strict=True):
        assert response.json()["transactionId"] == tx
        assert await world.rows_for(tx) == 1, tx
    for session in sessions:
        spent = sum(amount for s, _, amount in debits if s is session)
        assert await world.movement(session.player) == -spent
        assert await world.balance(session.player) == OPENING_BALANCE - spent
