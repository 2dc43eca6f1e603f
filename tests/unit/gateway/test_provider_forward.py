"""/provider/* reaches the provider byte for byte, and its answer comes back as it is."""

import httpx

from contracts.signing import PROVIDER_SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.unit.gateway.conftest import Gateway


async def test_a_post_is_forwarded_with_its_raw_body_and_signature(gateway: Gateway) -> None:
    gateway.provider.answer = lambda _: httpx.Response(
        401, json={"success": False, "code": "SIGNATURE_INVALID"}
    )
    raw = b'{ "casinoCode" : "demo-casino",\n "weird": 1.50 }'
    headers = {
        "content-type": "application/json",
        PROVIDER_SIGNATURE_HEADER: "ab" * 32,
        TIMESTAMP_HEADER: "1700000000",
        "x-correlation-id": "corr-7",
    }

    response = await gateway.http.post("/provider/launch", content=raw, headers=headers)

    assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_INVALID")
    [received] = gateway.provider.received
    assert received.method == "POST"
    assert received.url.path == "/provider/launch"
    assert received.content == raw
    for name, value in headers.items():
        assert received.headers[name] == value


async def test_a_get_is_forwarded_with_its_query(gateway: Gateway) -> None:
    gateway.provider.answer = lambda _: httpx.Response(
        200, json={"status": "ok", "service": "game-provider"}
    )

    response = await gateway.http.get("/provider/health?verbose=1")

    assert response.json() == {"status": "ok", "service": "game-provider"}
    [received] = gateway.provider.received
    assert (received.method, received.url.path, received.url.query) == (
        "GET",
        "/provider/health",
        b"verbose=1",
    )


async def test_an_unreachable_provider_is_a_retryable_502(gateway: Gateway) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    gateway.provider.answer = refuse

    response = await gateway.http.post("/provider/simulate", content=b"{}")

    assert response.status_code == 502
    assert response.json()["code"] == "PROVIDER_UNAVAILABLE"
    assert response.json()["retryable"] is True
