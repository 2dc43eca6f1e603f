"""Issue 17's acceptance 5: a provider SIGKILLed mid-round, and restarted, settles every
pending call without a person, and both sides' ledgers agree.

A provider process of its own plays the round; a proxy between it and the gateway holds
one wallet call, so the process is killed while that call is pending: a debit the casino
applied but whose answer never came back, or a payout the casino never received. The
process is started again on the same database; its retry queue (or that of any other
provider process on the database) must finish the round: the debit rolled back, the
payout delivered.
"""

import asyncio
import contextlib
import json
import os
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from contracts.signing import PROVIDER_SIGNATURE_HEADER, signature_headers
from tests.e2e.conftest import PROVIDER_SECRET, CasinoSystem
from tests.e2e.test_round_faults import launch
from tests.support.casino_world import CasinoWorld
from tests.support.holding_proxy import CallHoldingProxy
from tests.support.processes import BIN, ServiceProcess, free_port, http_ready, wait_until
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

# Short retries, so a call is the queue's about 20 s after it was written (the in-flight
# period: every attempt of the longest retry sequence, plus a margin), and a queue that
# looks every second.
CRASHING_PROVIDER = {
    "CASINO_RETRY_ATTEMPTS": "2",
    "CASINO_RETRY_INITIAL_BACKOFF_SECONDS": "0.1",
    "CASINO_RETRY_MAX_BACKOFF_SECONDS": "0.2",
    "CASINO_ATTEMPT_TIMEOUT_SECONDS": "5",
    "UNKNOWN_DEBIT_ROLLBACK_ATTEMPTS": "2",
    "PENDING_RESUME_INTERVAL_SECONDS": "1",
    "PENDING_RETRY_INITIAL_BACKOFF_SECONDS": "1",
}
SETTLE_WITHIN_SECONDS = 90


@dataclass
class CrashingProvider:
    """A provider process whose wallet calls pass through `proxy`, on `url`."""

    system: CasinoSystem
    proxy: CallHoldingProxy
    port: int
    process: ServiceProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, name: str) -> None:
        env = {
            **CRASHING_PROVIDER,
            "PROVIDER_PORT": str(self.port),
            "CASINO_URL": f"http://127.0.0.1:{self.proxy.port}",
        }
        self.process = self.system.start(name, ["game-provider", "serve"], **env)
        await wait_until(lambda: http_ready(f"{self.url}/ready"), name, process=self.process)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()


@contextlib.asynccontextmanager
async def crashing_provider(system: CasinoSystem) -> AsyncIterator[CrashingProvider]:
    gateway = urlsplit(system.gateway_url)
    proxy = CallHoldingProxy(gateway.hostname or "127.0.0.1", gateway.port or 80)
    await proxy.start()
    provider = CrashingProvider(system, proxy, free_port())
    try:
        await provider.start("crashing-provider")
        yield provider
    finally:
        if provider.process is not None:
            provider.process.stop()
        await proxy.close()


async def play_until_killed(
    provider: CrashingProvider, token: str, actions: list[dict[str, Any]]
) -> None:
    """Ask for a round, and SIGKILL the provider once the proxy holds one of its calls."""
    body = json.dumps(
        {
            "casinoCode": "demo-casino",
            "sessionToken": token,
            "gameId": "demo-slots",
            "actions": actions,
        }
    ).encode()
    headers = signature_headers(body, PROVIDER_SECRET, PROVIDER_SIGNATURE_HEADER)
    async with httpx.AsyncClient(timeout=60) as client:
        played = asyncio.create_task(
            client.post(f"{provider.url}/provider/simulate", content=body, headers=headers)
        )
        await asyncio.wait_for(provider.proxy.held.wait(), timeout=30)
        provider.kill()
        with pytest.raises(httpx.HTTPError):
            await played  # the round's caller never hears back


async def round_of(providers: ProviderWorld, token: str) -> str:
    return str(
        await providers.pool.fetchval(
            "SELECT r.id FROM provider_game_rounds r"
            " JOIN provider_sessions s ON s.id = r.session_id WHERE s.session_token = $1",
            token,
        )
    )


async def pending_in(providers: ProviderWorld, round_id: str) -> int:
    return int(
        await providers.pool.fetchval(
            "SELECT count(*) FROM provider_bets WHERE round_id = $1::uuid AND status = 'pending'",
            round_id,
        )
    )


async def settled(providers: ProviderWorld, round_id: str) -> bool:
    """Every call of the round has its outcome, and the round is closed."""
    return await pending_in(providers, round_id) == 0 and (
        await providers.round_status(round_id) == "closed"
    )


async def nothing_pending_anywhere(providers: ProviderWorld) -> bool:
    unsettled = await providers.pool.fetchval(
        "SELECT (SELECT count(*) FROM provider_bets WHERE status = 'pending')"
        " + (SELECT count(*) FROM provider_game_rounds WHERE status <> 'closed')"
    )
    return bool(unsettled == 0)


async def restarted(
    provider: CrashingProvider, providers: ProviderWorld, round_id: str
) -> list[Any]:
    """Drop what the proxy holds, start the provider again, and wait, with no one acting,
    until the round is settled; its calls."""
    provider.proxy.release()
    await provider.start("restarted-provider")
    await wait_until(
        lambda: settled(providers, round_id), "the resumed round", within=SETTLE_WITHIN_SECONDS
    )
    return await providers.bets(round_id)


async def check_ledger(
    system: CasinoSystem, providers: ProviderWorld, round_id: str
) -> dict[str, Any]:
    """`casino check-ledger --provider-database-url …`, once the provider's work is done:
    every ledger invariant must hold, and the reconciliation of this test's round. (The
    e2e session's other tests send wallet callbacks of their own, straight to the gateway
    under the same provider; the reconciliation rightly lists those as unknown to it.)"""
    with contextlib.suppress(TimeoutError):
        await wait_until(lambda: nothing_pending_anywhere(providers), "both sides", within=60)
    done = await asyncio.to_thread(
        subprocess.run,
        [
            str(BIN / "casino"),
            "check-ledger",
            "--provider-database-url",
            system.env["PROVIDER_DATABASE_URL"],
            "--json",
        ],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    ours = [
        violation
        for violation in report["violations"]
        if not violation["subject"].startswith("round ")
        or violation["subject"] == f"round {round_id}"
    ]
    assert ours == []
    return report


async def test_a_debit_applied_while_its_provider_was_killed_is_rolled_back_after_restart(
    casino_system: CasinoSystem,
    http: httpx.AsyncClient,
    world: CasinoWorld,
    providers: ProviderWorld,
) -> None:
    player = await world.player(10_000)
    token = await launch(http, player, await world.game())
    async with crashing_provider(casino_system) as provider:
        provider.proxy.hold_reply("/casino/debit")  # the casino takes it; we never hear
        actions = [{"type": "bet", "amount": 1_000}, {"type": "payout", "amount": 3_000}]
        await play_until_killed(provider, token, actions)
        round_id = await round_of(providers, token)
        assert await pending_in(providers, round_id) == 1
        assert await world.balance(player) == 9_000  # the money moved
        bets = await restarted(provider, providers, round_id)

    assert [(b["type"], b["status"]) for b in bets] == [
        ("bet", "unknown"),
        ("rollback", "accepted"),
    ]
    assert await world.balance(player) == 10_000  # the player is whole again
    await providers.assert_agrees_with_casino(round_id, world, player)
    await check_ledger(casino_system, providers, round_id)


async def test_a_payout_lost_with_its_killed_provider_is_delivered_after_restart(
    casino_system: CasinoSystem,
    http: httpx.AsyncClient,
    world: CasinoWorld,
    providers: ProviderWorld,
) -> None:
    player = await world.player(10_000)
    token = await launch(http, player, await world.game())
    async with crashing_provider(casino_system) as provider:
        provider.proxy.hold_request("/casino/credit")  # the casino never receives it
        actions = [
            {"type": "bet", "amount": 1_000},
            {"type": "payout", "amount": 2_500, "betIndex": 0},
        ]
        await play_until_killed(provider, token, actions)
        round_id = await round_of(providers, token)
        assert await pending_in(providers, round_id) == 1
        assert await world.balance(player) == 9_000  # the bet is taken, the win not paid
        bets = await restarted(provider, providers, round_id)

    assert [(b["type"], b["status"]) for b in bets] == [("bet", "accepted"), ("payout", "accepted")]
    assert await world.balance(player) == 10_000 - 1_000 + 2_500
    await providers.assert_agrees_with_casino(round_id, world, player)
    await check_ledger(casino_system, providers, round_id)
