"""The whole gateway in-process over a real RabbitMQ: HTTP in, command on the queue,
reply back out as HTTP."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from contracts.signing import CASINO_SIGNATURE_HEADER, signature_headers
from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.integration.gateway.conftest import EchoWorker, wait_until

pytestmark = pytest.mark.integration

SECRET = "integration-casino-secret"


def settings(amqp_url: str, wallet_queue: str) -> GatewaySettings:
    return GatewaySettings(
        environment="development",
        amqp_url=amqp_url,
        wallet_queue=wallet_queue,
        casino_secret=(SECRET,),
        rpc_timeout_seconds=2,
    )


@pytest_asyncio.fixture(loop_scope="session")
async def client(amqp_url: str, echo_worker: EchoWorker) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings(amqp_url, echo_worker.queue))
    async with app.router.lifespan_context(app):
        await wait_until(lambda: app.state.rpc.ready, 10, "the gateway connecting")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http


async def test_a_signed_debit_travels_to_the_queue_and_its_reply_comes_back(
    client: httpx.AsyncClient, echo_worker: EchoWorker
) -> None:
    body = json.dumps(
        {"sessionToken": "s", "transactionId": "bet-9", "roundId": "r", "amount": 250}
    ).encode()
    headers = signature_headers(body, SECRET, CASINO_SIGNATURE_HEADER)

    response = await client.post(
        "/casino/debit", content=body, headers=headers | {"x-correlation-id": "corr-it"}
    )

    assert response.status_code == 200
    assert response.json()["echo"] == {
        "sessionToken": "s",
        "transactionId": "bet-9",
        "roundId": "r",
        "amount": 250,
        "description": None,
        "roundClosed": False,
        "jackpotContribution": None,
        "freeRoundsCampaignId": None,
    }
    assert response.json()["correlationHeader"] == "corr-it"
    assert response.headers["x-correlation-id"] == "corr-it"
    assert (await client.get("/ready")).status_code == 200


async def test_an_unsigned_debit_never_reaches_the_queue(
    client: httpx.AsyncClient, echo_worker: EchoWorker
) -> None:
    response = await client.post("/casino/debit", content=b'{"amount": 1}')

    assert response.status_code == 401
    assert echo_worker.received == []


async def test_with_the_broker_unreachable_the_gateway_serves_but_is_not_ready() -> None:
    app = create_app(settings("amqp://guest:guest@127.0.0.1:1/", "nowhere"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            body = b'{"sessionToken": "s"}'
            headers = signature_headers(body, SECRET, CASINO_SIGNATURE_HEADER)

            ready = await http.get("/ready")
            balance = await http.post("/casino/getBalance", content=body, headers=headers)

    assert ready.status_code == 503
    assert (balance.status_code, balance.json()["code"]) == (503, "WALLET_UNAVAILABLE")
    assert balance.json()["retryable"] is True
