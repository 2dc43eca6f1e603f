"""Duplicate storms: every money call of a workload sent several times at once, then
once more later as a provider's retry. Each call must move money once, and every copy
must get the same reply (docs/PROTOCOL.md, "Idempotency").

The calls are signed as the provider signs them and go through the gateway; they play
under a provider of their own (registered with a callback secret of its own, named in
`x-provider-code`), so the reconciliation of the fault suite's provider stays exact.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from casino.audit import check_ledger
from casino.database import make_database, make_engine
from casino.providers.registry import rotate_secret
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox
from contracts.signing import PROVIDER_CODE_HEADER
from tests.faults.conftest import FaultSystem
from tests.faults.figures import Figures
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import Session

pytestmark = pytest.mark.faults

STORM_PROVIDER = "storm-provider"
COPIES = 6
PLAYERS = 10
OPENING = 10_000


def money_calls(token: str) -> list[tuple[str, dict[str, Any]]]:
    """Bets, a payout, a refund, a second refund of the same bet, a refused bet, a
    tombstone and the bet it forbids: every kind of decision."""
    b1, b2, ghost = new_id("bet"), new_id("bet"), new_id("bet")
    seat = {"sessionToken": token}
    return [
        ("debit", {**seat, "transactionId": b1, "roundId": "r1", "amount": 300}),
        ("debit", {**seat, "transactionId": b2, "roundId": "r2", "amount": 200}),
        ("credit", {**seat, "transactionId": new_id("win"), "roundId": "r1", "amount": 500}),
        ("rollback", {**seat, "transactionId": new_id("rb"), "originalTransactionId": b2}),
        ("rollback", {**seat, "transactionId": new_id("rb"), "originalTransactionId": b2}),
        ("debit", {**seat, "transactionId": new_id("bet"), "roundId": "r3", "amount": 10**9}),
        ("rollback", {**seat, "transactionId": new_id("rb"), "originalTransactionId": ghost}),
        ("debit", {**seat, "transactionId": ghost, "roundId": "r4", "amount": 100}),
    ]


async def decided(callbacks: WalletCallbacks, name: str, body: dict[str, Any]) -> tuple[int, Any]:
    """The call's reply, retried as the provider retries while it is transient (a copy
    stuck behind the others past the gateway's timeout is told WALLET_UNAVAILABLE)."""
    for _ in range(10):
        response = await callbacks.send(name, body, headers={PROVIDER_CODE_HEADER: STORM_PROVIDER})
        if response.status_code not in (502, 503, 504):
            break
        await asyncio.sleep(0.2)
    return response.status_code, response.json()


async def storm(callbacks: WalletCallbacks, session: Session) -> list[tuple[str, list[Any]]]:
    """Each call COPIES times at once, in order; the replies of each."""
    heard = []
    for name, body in money_calls(session.token):
        copies = await asyncio.gather(*(decided(callbacks, name, body) for _ in range(COPIES)))
        retry = await decided(callbacks, name, body)
        heard.append((body["transactionId"], [*copies, retry]))
    return heard


async def storm_provider(
    casino_database_url: str, gateway: httpx.AsyncClient, session: Session
) -> WalletCallbacks:
    """The storm's provider given a callback secret, once the gateway knows it."""
    engine = make_engine(casino_database_url, pool_size=1)
    try:
        secret = await rotate_secret(
            make_database(engine), SecretBox([DEVELOPMENT_KEY]), STORM_PROVIDER
        )
    finally:
        await engine.dispose()
    callbacks = WalletCallbacks(gateway, secret.get_secret_value())
    for _ in range(150):  # the gateway reads the registry every couple of seconds
        answer = await callbacks.send(
            "getBalance",
            {"sessionToken": session.token},
            headers={PROVIDER_CODE_HEADER: STORM_PROVIDER},
        )
        if answer.status_code == 200:
            return callbacks
        await asyncio.sleep(0.2)
    raise AssertionError(f"the gateway never learned {STORM_PROVIDER}: {answer.text}")


async def test_every_copy_of_every_call_moves_money_once_and_gets_the_same_reply(
    fault_system: FaultSystem, gateway: httpx.AsyncClient, figures: Figures
) -> None:
    world = fault_system.world
    game = await world.game_of(provider_code=STORM_PROVIDER)
    sessions = [await world.session(await world.player(OPENING), game) for _ in range(PLAYERS)]
    callbacks = await storm_provider(fault_system.casino_database_url, gateway, sessions[0])

    heard = await asyncio.gather(*(storm(callbacks, session) for session in sessions))

    calls = [call for player in heard for call in player]
    differing = [(tx, replies) for tx, replies in calls if len(set(map(repr, replies))) != 1]
    assert not differing, differing[:3]
    assert all(replies[0][0] < 500 for _, replies in calls), calls[:3]  # all decided
    for session in sessions:
        # -300 -200 +500 +200 (one refund of b2); the rest moves nothing.
        assert await world.balance(session.player) == OPENING + 200
    rows = await world.pool.fetchval(
        "SELECT count(*) FROM casino_transactions WHERE transaction_id = ANY($1::text[])",
        [tx for tx, _ in calls],
    )
    assert rows == len(calls)  # one decision per transactionId, however many copies
    report = await check_ledger(fault_system.casino_database_url)
    figures.record(
        "duplicate storm",
        money_calls=len(calls),
        copies_sent=len(calls) * (COPIES + 1),
        violations=len(report.violations),
    )
    assert report.ok, report.render()
