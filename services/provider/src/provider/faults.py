"""Fault injection: lose some of the casino's responses after the casino acted on them.

This is the failure idempotency exists for — the wallet moved the money, but the answer
never reached us — so with FAULT_LOSE_RESPONSE_RATIO above 0 an ordinary run shows the
client's retries and the casino's replayed replies. The random source is seedable
(FAULT_SEED), so a run can be repeated exactly.
"""

import logging
import random

import httpx

log = logging.getLogger(__name__)


class ResponseLosingTransport(httpx.AsyncBaseTransport):
    """Sends every request for real, then drops `ratio` of the responses as a transient
    read error."""

    def __init__(self, inner: httpx.AsyncBaseTransport, ratio: float, rng: random.Random) -> None:
        self._inner = inner
        self._ratio = ratio
        self._rng = rng

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if self._rng.random() >= self._ratio:
            return response
        # The casino has answered; read and discard its reply, as a broken link would.
        await response.aread()
        await response.aclose()
        log.warning(
            "fault injection: lost the casino's response",
            extra={"path": request.url.path, "status": response.status_code},
        )
        raise httpx.ReadError("response lost (fault injection)", request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def casino_transport(
    ratio: float, seed: int | None, inner: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncBaseTransport:
    """The transport of the casino client: the real one, wrapped only when faults are on."""
    real = inner or httpx.AsyncHTTPTransport()
    if ratio <= 0:
        return real
    return ResponseLosingTransport(real, ratio, random.Random(seed))
