"""The wallet callbacks answered in front of FastAPI (`gateway.callbacks.fast_path`): only
a POST to one of the four is taken there, everything else reaches the FastAPI app, and
what only a raw ASGI caller can do (leave mid-body) is answered as every request is
(`contracts.http_serving.EveryRequest`)."""

import json
import logging
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import APIRouter, Header
from prometheus_client import REGISTRY
from starlette.types import Message, Receive, Scope, Send

from contracts.signing import CASINO_SIGNATURE_HEADER, signature_headers
from gateway.app import create_app
from gateway.callbacks import routes as wallet
from gateway.callbacks.fast_path import FastPath
from gateway.callbacks.signature import SignedCallbackDep
from gateway.providers import RegistryRefresher
from tests.unit.gateway.conftest import SECRET, FakeRpc, Gateway, settings


class InnerApp:
    """Stands in for the FastAPI app: records the scopes it is given."""

    def __init__(self) -> None:
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scopes.append(scope)


def http_scope(method: str, path: str, headers: dict[str, str] | None = None) -> Scope:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/casino/debit"),
        ("HEAD", "/casino/getBalance"),
        ("PUT", "/casino/credit"),
        ("POST", "/casino/debit/"),
        ("POST", "/casino/launchGame"),
        ("POST", "/provider/launch"),
    ],
)
async def test_anything_but_a_post_to_a_wallet_callback_goes_to_the_app(
    method: str, path: str
) -> None:
    inner = InnerApp()
    scope = http_scope(method, path)

    await FastPath(inner, wallet.router.routes)(scope, _no_body, _nowhere)

    assert inner.scopes == [scope]


async def test_lifespan_events_go_to_the_app() -> None:
    inner = InnerApp()

    await FastPath(inner, wallet.router.routes)({"type": "lifespan"}, _no_body, _nowhere)

    assert inner.scopes == [{"type": "lifespan"}]


def test_a_route_that_needs_more_than_the_signed_callback_is_refused() -> None:
    router = APIRouter()

    @router.post("/casino/debit")
    async def debit(callback: SignedCallbackDep, x_extra: str = Header()) -> None:
        """Would be called without `x_extra`."""

    with pytest.raises(ValueError, match="signed callback alone"):
        FastPath(InnerApp(), router.routes)


@pytest.mark.parametrize("name", ["getBalance", "debit", "credit", "rollback"])
async def test_a_signed_post_to_a_wallet_callback_is_answered_without_the_app(
    name: str, debit_body: dict[str, Any]
) -> None:
    inner, rpc = InnerApp(), FakeRpc()
    raw = json.dumps(debit_body | {"originalTransactionId": "bet-0"}).encode()
    scope = http_scope(
        "POST", f"/casino/{name}", signature_headers(raw, SECRET, CASINO_SIGNATURE_HEADER)
    )
    state = SimpleNamespace(
        settings=settings(), wallet_rpc=rpc, registry=RegistryRefresher(None, settings())
    )
    scope["app"] = SimpleNamespace(state=state)
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": raw}

    async def send(message: Message) -> None:
        sent.append(message)

    await FastPath(inner, wallet.router.routes)(scope, receive, send)

    assert (inner.scopes, sent[0]["status"]) == ([], 200)
    assert [s.command.command for s in rpc.sent] == [name]  # type: ignore[attr-defined]


def test_the_gateway_answers_the_wallet_callbacks_in_front_of_fastapi() -> None:
    app = create_app(settings(), rpc=FakeRpc())

    assert isinstance(app.build_middleware_stack(), FastPath)


async def test_a_wrong_method_on_a_callback_is_still_405(gateway: Gateway) -> None:
    response = await gateway.http.put("/casino/debit", content=b"{}")

    assert (response.status_code, response.json()["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"
    assert response.headers["x-correlation-id"]


async def test_a_chunked_debit_over_the_limit_is_refused_before_its_signature(
    gateway: Gateway,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * 512

    response = await gateway.http.post(
        "/casino/debit", content=chunks(), headers={CASINO_SIGNATURE_HEADER: "0" * 64}
    )

    assert (response.status_code, response.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")
    assert gateway.rpc.sent == []


async def test_a_caller_that_leaves_mid_body_is_answered_400_and_counted(
    debit_body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    raw = json.dumps(debit_body).encode()
    headers = signature_headers(raw, SECRET, CASINO_SIGNATURE_HEADER)
    arriving: list[Message] = [
        {"type": "http.request", "body": raw[:10], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []
    counted = _requests(route="/casino/debit", status="400")
    before = counted()

    async def receive() -> Message:
        return arriving.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    rpc = FakeRpc()
    app = create_app(settings(), rpc=rpc, provider_http=None)
    async with app.router.lifespan_context(app):
        with caplog.at_level(logging.INFO):
            await app(http_scope("POST", "/casino/debit", headers), receive, send)

    start, body = sent
    assert start["status"] == 400
    assert dict(start["headers"])[b"x-correlation-id"]
    assert json.loads(body["body"])["code"] == "INVALID_REQUEST"
    assert rpc.sent == []
    assert counted() - before == 1
    assert [r.getMessage() for r in caplog.records] == ["client disconnected mid-request"]


async def test_an_unexpected_error_is_logged_once(
    gateway: Gateway, debit_body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    gateway.rpc.error = RuntimeError("a bug")

    with caplog.at_level(logging.ERROR):
        response = await gateway.signed("debit", debit_body)

    assert (response.status_code, response.json()["code"]) == (500, "INTERNAL_ERROR")
    [logged] = caplog.records
    assert logged.getMessage() == "unhandled error on POST /casino/debit"


def _requests(route: str, status: str) -> Callable[[], float]:
    labels = {"method": "POST", "route": route, "status": status}
    return lambda: REGISTRY.get_sample_value("gateway_http_requests_total", labels) or 0.0


async def _no_body() -> Message:
    return {"type": "http.request", "body": b""}


async def _nowhere(message: Message) -> None:
    raise AssertionError(f"nothing should be sent here: {message}")
