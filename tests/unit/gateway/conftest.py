"""A gateway app with no I/O: a fake RPC client and a fake provider, both recording what
they were sent, so tests can check what reached (or did not reach) the queue."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import BaseModel

from contracts.rpc import RpcReply
from contracts.signing import CASINO_SIGNATURE_HEADER, signature_headers
from gateway.app import create_app
from gateway.settings import GatewaySettings

SECRET = "unit-casino-secret"
OPERATOR_KEY = "unit-operator-key"


@dataclass
class SentCommand:
    queue: str
    command: BaseModel
    reply_within: float
    correlation_id: str


@dataclass
class FakeRpc:
    """Answers every command with `reply` (or raises `error`), and records it."""

    reply: RpcReply = field(default_factory=lambda: RpcReply(result={"success": True}))
    error: Exception | None = None
    ready: bool = True
    sent: list[SentCommand] = field(default_factory=list)

    async def call(
        self, queue: str, command: BaseModel, *, reply_within: float, correlation_id: str
    ) -> RpcReply:
        self.sent.append(SentCommand(queue, command, reply_within, correlation_id))
        if self.error is not None:
            raise self.error
        return self.reply


@dataclass
class FakeProvider:
    """Stands in for the provider service behind /provider/*."""

    answer: Callable[[httpx.Request], httpx.Response] = lambda _: httpx.Response(200, json={})
    received: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        return self.answer(request)


def settings(**overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "environment": "development",
        "casino_secret": (SECRET,),
        "operator_api_key": None,
        "wallet_queue": "unit.wallet",
        "lobby_queue": "unit.lobby",
        "rpc_timeout_seconds": 2.0,
        "lobby_rpc_timeout_seconds": 30.0,
        "max_body_bytes": 1024,
        "simulate_round_enabled": True,
        **overrides,
    }
    return GatewaySettings(**values)


@dataclass
class Gateway:
    http: httpx.AsyncClient
    rpc: FakeRpc
    provider: FakeProvider

    async def signed(
        self, name: str, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = signature_headers(raw, SECRET, CASINO_SIGNATURE_HEADER) | (headers or {})
        return await self.http.post(f"/casino/{name}", content=raw, headers=sent)


async def open_gateway(app_settings: GatewaySettings) -> AsyncIterator[Gateway]:
    rpc, provider = FakeRpc(), FakeProvider()
    provider_http = httpx.AsyncClient(
        transport=httpx.MockTransport(provider.handle), base_url="http://provider.test"
    )
    app = create_app(app_settings, rpc=rpc, provider_http=provider_http)
    async with (
        provider_http,
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        ) as http,
    ):
        yield Gateway(http, rpc, provider)


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async for opened in open_gateway(settings()):
        yield opened


@pytest.fixture
def debit_body() -> dict[str, Any]:
    return {
        "sessionToken": "token-1",
        "transactionId": "bet-1",
        "roundId": "round-1",
        "amount": 100,
    }
