"""The gateway learns the provider registry from the casino over a real RabbitMQ, as it
runs in production: its own RPC client, its refresher started by the lifespan. A stand-in
lobby answers `RegistryCommand` on `registry_queue(LOBBY_QUEUE)`; an echo worker stands in
for the wallet, so tests see the provider each command names."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aio_pika
import httpx
import pytest
import pytest_asyncio
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from pydantic import SecretStr

from contracts.errors import CATALOGUE, ErrorCode
from contracts.registry import ProviderRegistry, RegisteredProvider
from contracts.rpc import RpcReply
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox
from contracts.signing import CASINO_SIGNATURE_HEADER, PROVIDER_CODE_HEADER, signature_headers
from contracts.topology import registry_queue
from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.integration.gateway.conftest import EchoWorker, wait_until

pytestmark = pytest.mark.integration

CASINO_SECRET = "integration-casino-secret"
SECRET_A = "integration-provider-a-secret-0123456789"
BOX = SecretBox((DEVELOPMENT_KEY,))
DISABLED_STATUS = CATALOGUE[ErrorCode.PROVIDER_DISABLED].status


@dataclass
class StandInLobby:
    """Answers every registry question with `providers` (sealed as the casino seals)."""

    channel: AbstractChannel
    lobby_queue: str
    providers: list[RegisteredProvider] = field(default_factory=list)
    questions: int = 0

    def register(self, code: str, secret: str, *, enabled: bool = True) -> None:
        sealed = [BOX.seal(SecretStr(secret))]
        self.providers = [p for p in self.providers if p.code != code]
        self.providers.append(
            RegisteredProvider(code=code, enabled=enabled, callback_secrets=sealed)
        )

    async def answer(self, message: AbstractIncomingMessage) -> None:
        self.questions += 1
        reply = RpcReply(result=ProviderRegistry(providers=self.providers).to_wire())
        await self.channel.default_exchange.publish(
            aio_pika.Message(
                reply.model_dump_json(exclude_none=True).encode(),
                correlation_id=message.correlation_id,
                content_type="application/json",
            ),
            routing_key=message.reply_to or "",
        )


@pytest_asyncio.fixture(loop_scope="session")
async def lobby(amqp_url: str, unique: str) -> AsyncIterator[StandInLobby]:
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        lobby_queue = f"gateway-test.lobby.{unique}"
        queue = await channel.declare_queue(registry_queue(lobby_queue), auto_delete=True)
        stand_in = StandInLobby(channel, lobby_queue)
        stand_in.register("prov-a", SECRET_A)
        await queue.consume(stand_in.answer, no_ack=True)
        yield stand_in


def settings(amqp_url: str, wallet_queue: str, lobby_queue: str) -> GatewaySettings:
    return GatewaySettings(
        environment="development",
        amqp_url=amqp_url,
        wallet_queue=wallet_queue,
        lobby_queue=lobby_queue,
        casino_secret=(CASINO_SECRET,),
        rpc_timeout_seconds=2,
        registry_refresh_seconds=0.2,
    )


async def open_gateway(app_settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(app_settings)
    async with app.router.lifespan_context(app):
        await wait_until(lambda: app.state.rpc.ready, 10, "the gateway connecting")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http


async def debit(http: httpx.AsyncClient, secret: str, code: str | None) -> httpx.Response:
    raw = b'{"sessionToken": "s", "transactionId": "t", "roundId": "r", "amount": 5}'
    headers = signature_headers(raw, secret, CASINO_SIGNATURE_HEADER)
    if code is not None:
        headers[PROVIDER_CODE_HEADER] = code
    return await http.post("/casino/debit", content=raw, headers=headers)


async def answered(
    http: httpx.AsyncClient, secret: str, code: str | None, status: int
) -> httpx.Response:
    """A debit answered `status`, within a few refresh intervals (the change to come)."""
    for _ in range(50):
        response = await debit(http, secret, code)
        if response.status_code == status:
            return response
        await asyncio.sleep(0.1)
    raise AssertionError(f"{code}: {response.status_code}, not {status}, after 5s")


async def test_a_registered_provider_is_verified_and_named_to_the_wallet(
    amqp_url: str, echo_worker: EchoWorker, lobby: StandInLobby
) -> None:
    app_settings = settings(amqp_url, echo_worker.queue, lobby.lobby_queue)
    async for http in open_gateway(app_settings):
        await answered(http, SECRET_A, "prov-a", 200)
        ready = (await http.get("/ready")).json()
        other = await debit(http, SECRET_A, "prov-b")
        seed_style = await debit(http, CASINO_SECRET, None)

    assert ready["providerRegistry"]["loaded"] is True
    assert (other.status_code, other.json()["code"]) == (401, "SIGNATURE_INVALID")
    assert seed_style.status_code == 200
    named = [json.loads(message.body)["provider"] for message in echo_worker.received]
    assert named[-2:] == ["prov-a", "demo-provider"]
    assert set(named) == {"prov-a", "demo-provider"}


async def test_the_operators_changes_are_honoured_without_a_restart(
    amqp_url: str, echo_worker: EchoWorker, lobby: StandInLobby
) -> None:
    app_settings = settings(amqp_url, echo_worker.queue, lobby.lobby_queue)
    async for http in open_gateway(app_settings):
        await answered(http, SECRET_A, "prov-a", 200)

        lobby.register("prov-a", SECRET_A, enabled=False)
        disabled = await answered(http, SECRET_A, "prov-a", DISABLED_STATUS)
        lobby.register("prov-a", SECRET_A)
        await answered(http, SECRET_A, "prov-a", 200)
        lobby.register("prov-c", "integration-provider-c-secret")
        await answered(http, "integration-provider-c-secret", "prov-c", 200)

    assert disabled.json()["code"] == "PROVIDER_DISABLED"


async def test_with_no_casino_answering_seed_style_callbacks_still_work(
    amqp_url: str, echo_worker: EchoWorker, unique: str, caplog: pytest.LogCaptureFixture
) -> None:
    app_settings = settings(amqp_url, echo_worker.queue, f"gateway-test.nobody.{unique}")
    with caplog.at_level(logging.INFO, logger="gateway.providers"):
        async for http in open_gateway(app_settings):
            await asyncio.sleep(1)  # several refresh intervals, every one unanswered
            seed_style = await debit(http, CASINO_SECRET, None)
            named = await debit(http, SECRET_A, "prov-a")
            ready = await http.get("/ready")

    assert seed_style.status_code == 200
    assert (named.status_code, named.json()["code"]) == (503, "WALLET_UNAVAILABLE")
    assert ready.status_code == 200
    assert ready.json()["providerRegistry"] == {"loaded": False, "ageSeconds": None}
    warnings = [
        r for r in caplog.records if r.name.startswith("gateway") and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1
    assert "not refreshed" in warnings[0].getMessage()
