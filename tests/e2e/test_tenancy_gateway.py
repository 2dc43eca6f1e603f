"""Many providers, the gateway's side, against the running services: providers registered
with the `casino` command while everything runs, each signing its callbacks with its own
secret and naming itself in `x-provider-code`.

The gateway learns each change from the casino within REGISTRY_REFRESH_SECONDS (2 s by
default), so a test that changes the registry polls for the change to show, within
`HONOURED_WITHIN`, rather than sleeping.

One module over the usual size: the acceptance cases share the `Operator` and
`Provider` helpers defined here (tests/e2e/test_tenancy_wallet.py reuses them).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from contracts.errors import CATALOGUE, ErrorCode
from contracts.signing import (
    CASINO_SIGNATURE_HEADER,
    PROVIDER_CODE_HEADER,
    TIMESTAMP_HEADER,
    sign,
)
from tests.e2e.conftest import (
    CASINO_SECRET,
    LOG_DIR,
    PREVIOUS_CASINO_SECRET,
    CasinoSystem,
    run_command,
)
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld, Session

pytestmark = pytest.mark.e2e

HONOURED_WITHIN = 15.0
"""REGISTRY_REFRESH_SECONDS and a question's round trip, with room for a loaded machine."""
DISABLED = CATALOGUE[ErrorCode.PROVIDER_DISABLED].status
SECRETS_CREATED: list[str] = []
"""Every secret the casino printed to these tests, looked for in the gateway's log."""


@dataclass
class Provider:
    """A provider registered through the `casino` command, with a session of its game."""

    code: str
    secret: str
    session: Session
    callbacks: WalletCallbacks = field(repr=False)

    async def send(
        self, name: str, body: dict[str, Any], *, secret: str | None = None, code: str = ""
    ) -> httpx.Response:
        """`body` signed with `secret` (its own by default), naming `code` (its own)."""
        return await self.callbacks.send(
            name,
            body,
            secret=secret or self.secret,
            headers={PROVIDER_CODE_HEADER: code or self.code},
        )

    async def debit(
        self, *, secret: str | None = None, code: str = "", tx: str = ""
    ) -> httpx.Response:
        body = {
            "sessionToken": self.session.token,
            "transactionId": tx or new_id("bet"),
            "roundId": new_id("round"),
            "amount": 1,
        }
        return await self.send("debit", body, secret=secret, code=code)

    async def balance(self, *, secret: str | None = None) -> httpx.Response:
        return await self.send("getBalance", {"sessionToken": self.session.token}, secret=secret)


@dataclass
class Operator:
    """The `casino` command against the running system's database; off the event loop, so
    traffic keeps flowing while it runs."""

    system: CasinoSystem
    world: CasinoWorld
    http: httpx.AsyncClient

    async def casino(self, *argv: str) -> Any:
        out = await asyncio.to_thread(run_command, ["casino", *argv, "--json"], self.system.env)
        answer = json.loads(out)
        if isinstance(answer, dict) and "callbackSecret" in answer:
            SECRETS_CREATED.append(answer["callbackSecret"])
            if "casinoSecret" in answer:
                SECRETS_CREATED.append(answer["casinoSecret"])
        return answer

    async def provider(self, balance: int = 1_000_000) -> Provider:
        """A new provider, its game and a session of it, known to the gateway."""
        code = f"gw-{uuid.uuid4().hex[:10]}"
        added = await self.casino("provider", "add", code, "--endpoint", self.system.provider_url)
        game = await self.casino(
            "game", "add", "--provider", code, "--game-code", "slots", "--name", "Slots"
        )
        player = await self.world.player(balance)
        session = await self.world.session(player, uuid.UUID(game["gameId"]))
        provider = Provider(code, added["callbackSecret"], session, WalletCallbacks(self.http, ""))
        await until(lambda: provider.balance(), 200, "the gateway learning the new provider")
        return provider


async def until(
    send: Callable[[], Awaitable[httpx.Response]], status: int, what: str
) -> httpx.Response:
    """Send until the answer is `status` (a change honoured), within HONOURED_WITHIN."""
    deadline = time.monotonic() + HONOURED_WITHIN
    while True:
        response = await send()
        if response.status_code == status:
            return response
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {response.status_code} {response.text}")
        await asyncio.sleep(0.1)


@pytest_asyncio.fixture(loop_scope="session")
async def operator(
    casino_system: CasinoSystem, world: CasinoWorld, http: httpx.AsyncClient
) -> Operator:
    return Operator(casino_system, world, http)


async def test_a_providers_signature_on_a_callback_naming_another_is_refused(
    operator: Operator, world: CasinoWorld
) -> None:
    a, b = await asyncio.gather(operator.provider(), operator.provider())
    wrong_signature = await a.debit(secret="not-anybodys-secret-0123456789abcdef")
    tx = new_id("bet")

    a_as_b = await a.debit(code=b.code, tx=tx)
    unknown = await a.debit(code=f"gw-unknown-{uuid.uuid4().hex[:6]}", tx=tx)

    for refused in (a_as_b, unknown):
        assert refused.status_code == 401
        assert refused.json() == wrong_signature.json()
        assert refused.json()["code"] == "SIGNATURE_INVALID"
    assert await world.rows_for(tx) == 0
    assert await world.balance(a.session.player) == 1_000_000
    assert (await a.debit(tx=tx)).status_code == 200


@dataclass
class Sending:
    """What the traffic of the rotation test signs with, and whether it goes on."""

    secret: str
    on: bool = True


async def test_rotation_under_continuous_traffic_refuses_only_the_old_secret_once_retired(
    operator: Operator, world: CasinoWorld
) -> None:
    provider = await operator.provider()
    old = provider.secret
    sent: list[tuple[str, float, int]] = []  # (secret, when sent, status)
    sending = Sending(old)

    async def traffic() -> None:
        while sending.on:
            secret, at = sending.secret, time.monotonic()
            sent.append((secret, at, (await provider.debit(secret=secret)).status_code))

    senders = [asyncio.create_task(traffic()) for _ in range(2)]
    await asyncio.sleep(0.5)
    new = (await operator.casino("provider", "rotate-secret", provider.code))["callbackSecret"]
    await until(lambda: provider.balance(secret=new), 200, "the new secret verifying")
    sending.secret = new
    await asyncio.sleep(0.5)
    retired_at = time.monotonic()
    await operator.casino("provider", "retire-secret", provider.code)
    await until(lambda: provider.balance(secret=old), 401, "the old secret retired")
    late = [await provider.debit(secret=old) for _ in range(3)]
    sending.on = False
    await asyncio.gather(*senders)

    refused = [(s, at) for s, at, status in sent if status != 200]
    assert [s for s, at in refused if s != old or at < retired_at] == []
    assert {s for s, _, _ in sent} == {old, new}
    assert [r.json()["code"] for r in late] == ["SIGNATURE_INVALID"] * 3
    accepted = sum(1 for _, _, status in sent if status == 200)
    assert accepted > 10
    assert await world.balance(provider.session.player) == 1_000_000 - accepted


async def test_disable_refuses_a_providers_callbacks_and_enable_restores_them(
    operator: Operator, world: CasinoWorld, callbacks: WalletCallbacks
) -> None:
    off, other = await asyncio.gather(operator.provider(), operator.provider())
    seed_style = await world.session(await world.player(1_000), await world.game())

    await operator.casino("provider", "disable", off.code)
    refused = await until(lambda: off.debit(), DISABLED, "disable")
    tx = new_id("bet")
    also_refused = await off.debit(tx=tx)

    assert refused.json()["code"] == "PROVIDER_DISABLED"
    assert (also_refused.status_code, also_refused.json()["code"]) == (
        DISABLED,
        "PROVIDER_DISABLED",
    )
    assert await world.rows_for(tx) == 0
    assert await world.balance(off.session.player) == 1_000_000
    assert (await other.debit()).status_code == 200
    assert (await callbacks.debit(seed_style.token, 10)).status_code == 200

    await operator.casino("provider", "enable", off.code)
    await until(lambda: off.debit(), 200, "enable")
    assert await world.balance(off.session.player) == 1_000_000 - 1


async def test_a_seed_style_client_works_as_before(
    operator: Operator, world: CasinoWorld, callbacks: WalletCallbacks
) -> None:
    await operator.provider()  # the registry is in use
    player = await world.player(1_000)
    session = await world.session(player, await world.game())

    plain = await callbacks.debit(session.token, 100)
    previous = await callbacks.send(
        "credit",
        {
            "sessionToken": session.token,
            "transactionId": new_id("win"),
            "roundId": "r-2",
            "amount": 50,
        },
        secret=PREVIOUS_CASINO_SECRET,
    )
    body = json.dumps({"sessionToken": session.token}).encode()
    stamp = int(time.time())
    stamped = await callbacks.send(
        "getBalance",
        body,
        signed=False,
        headers={
            CASINO_SIGNATURE_HEADER: sign(body, CASINO_SECRET, stamp),
            TIMESTAMP_HEADER: str(stamp),
        },
    )
    naming_the_default = await callbacks.send(
        "getBalance", body, headers={PROVIDER_CODE_HEADER: "demo-provider"}
    )

    assert [r.status_code for r in (plain, previous, stamped, naming_the_default)] == [200] * 4
    assert stamped.json()["balance"] == 950
    assert await world.balance(player) == 950


async def test_no_secret_the_casino_printed_is_in_the_gateways_log(operator: Operator) -> None:
    provider = await operator.provider()
    await operator.casino("provider", "rotate-secret", provider.code)
    await provider.debit(code="gw-unknown")
    await operator.casino("provider", "disable", provider.code)
    await until(lambda: provider.debit(), DISABLED, "disable")

    logged = "\n".join(path.read_text() for path in LOG_DIR.glob("gateway*.log"))

    assert logged, "the gateway's log was captured"
    assert len(SECRETS_CREATED) >= 3
    assert [secret for secret in SECRETS_CREATED if secret in logged] == []
    assert "gAAAAA" not in logged  # nor a sealed one (every Fernet token starts so)
