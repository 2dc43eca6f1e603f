"""The consumers' HTTP side: /health, /ready and /metrics on PROBES_PORT.

The wallet worker and the lobby serve no HTTP otherwise, but orchestrators need to ask
whether they are alive and ready, and Prometheus needs their metrics. A small asyncio
server is enough for three GET endpoints and keeps the consumers free of a web framework
and of a second event loop or thread (readiness checks use the consumer's own engine and
broker, which live on this loop).

- /health: 200 while the process serves.
- /ready: 200 when the database answers and the broker connection is open, else 503;
  the body names each check.
- /metrics: the Prometheus text format, after `refresh` (queue depths) has run.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

log = logging.getLogger(__name__)

ReadinessChecks = Callable[[], Awaitable[dict[str, bool]]]
Refresh = Callable[[], Awaitable[None]]
_REQUEST_TIMEOUT_SECONDS = 5.0
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class Probes:
    def __init__(self, service: str, checks: ReadinessChecks, refresh: Refresh) -> None:
        self._service = service
        self._checks = checks
        self._refresh = refresh

    async def answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body for one request."""
        if method != "GET":
            return 405, "text/plain", b"only GET\n"
        if path == "/health":
            return 200, "application/json", _json({"status": "ok", "service": self._service})
        if path == "/ready":
            checks = await self._checks()
            ready = all(checks.values())
            body = {"status": "ready" if ready else "not ready", "checks": checks}
            return (200 if ready else 503), "application/json", _json(body)
        if path == "/metrics":
            try:
                await self._refresh()
            except Exception as error:  # the metrics already held are still worth serving
                log.warning("refreshing metrics failed: %r", error)
            return 200, CONTENT_TYPE_LATEST, generate_latest()
        return 404, "text/plain", b"not found\n"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(_REQUEST_TIMEOUT_SECONDS):
                request_line = (await reader.readline()).decode("latin-1").split()
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # headers: nothing here needs them
                method, target = [*request_line, "", ""][:2]
                status, content_type, body = await self.answer(method, target.split("?")[0])
            head = (
                f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n"
            )
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def serving_probes(probes: Probes, host: str, port: int) -> AsyncIterator[asyncio.Server]:
    """Serve `probes` on host:port for the duration of the block."""
    server = await asyncio.start_server(probes.handle, host, port)
    log.info("probes serving", extra={"port": port, "paths": ["/health", "/ready", "/metrics"]})
    try:
        yield server
    finally:
        server.close()
        await server.wait_closed()


def _json(body: object) -> bytes:
    return json.dumps(body).encode() + b"\n"
