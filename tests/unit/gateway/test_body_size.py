"""Bodies over MAX_BODY_BYTES (1024 here) are refused with 413, before they are buffered."""

from collections.abc import AsyncIterator

from contracts.signing import CASINO_SIGNATURE_HEADER
from tests.unit.gateway.conftest import Gateway


async def test_a_body_announced_too_large_is_refused(gateway: Gateway) -> None:
    response = await gateway.http.post("/casino/getBalance", content=b"x" * 1025)

    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert gateway.rpc.sent == []


async def test_a_chunked_body_is_counted_while_it_arrives(gateway: Gateway) -> None:
    chunks_sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        for _ in range(100):
            chunks_sent += 1
            yield b"x" * 512

    response = await gateway.http.post(
        "/casino/getBalance", content=chunks(), headers={CASINO_SIGNATURE_HEADER: "0" * 64}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert chunks_sent < 100  # refused before the whole body was read


async def test_a_body_of_exactly_the_limit_is_read(gateway: Gateway) -> None:
    padding = b" " * (1024 - len(b'{"sessionToken": "t"}'))

    response = await gateway.signed("getBalance", b'{"sessionToken": "t"}' + padding)

    assert response.status_code == 200
    assert len(gateway.rpc.sent) == 1


async def test_the_limit_applies_to_forwarded_provider_calls_too(gateway: Gateway) -> None:
    response = await gateway.http.post("/provider/launch", content=b"x" * 2048)

    assert response.status_code == 413
    assert gateway.provider.received == []
