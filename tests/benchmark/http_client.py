"""A minimal HTTP/1.1 keep-alive client for the load generator.

Why not httpx: profiled here at 200 requests/s, `httpx.AsyncClient` spent about 16 ms of
CPU per request (httpcore's pool re-scans every connection for every request, and asks
sniffio which async library runs on each call), so the generator, not the system, set
the pace: requests left tens of seconds after their due time. This client does only
what the benchmark needs: POST a body to one host, read a `Content-Length` reply, keep
the connection for the next request. One connection per request in flight, so the
generator's cap bounds the connections.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit


class HttpError(Exception):
    """Raised when the server's reply is not a complete HTTP/1.1 response."""


class _StaleConnectionError(HttpError):
    """Raised when a connection answers nothing: the server had closed it."""


class KeepAliveClient:
    def __init__(self, base_url: str, *, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"an http://host:port URL, not {base_url!r}")
        self._host = parts.hostname
        self._port = parts.port or 80
        self._timeout_s = timeout_s
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """The status and body of the reply to `POST path` (raises OSError, HttpError,
        TimeoutError).

        A kept-alive connection the server has closed meanwhile (uvicorn closes one idle
        for `timeout_keep_alive`) answers nothing: the request is sent once more on a new
        connection, as HTTP clients do for a connection that went stale. The server never
        read it; and were it otherwise, the wallet answers a repeated transactionId from
        its ledger.
        """
        reused = self._reuse()
        if reused is not None:
            try:
                return await self._exchange(reused, path, body, headers)
            except _StaleConnectionError:
                pass
        return await self._exchange(await self._open(), path, body, headers)

    def _reuse(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof():
                return reader, writer
            writer.close()
        return None

    async def _exchange(
        self,
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        path: str,
        body: bytes,
        headers: dict[str, str],
    ) -> tuple[int, bytes]:
        reader, writer = connection
        head = [f"POST {path} HTTP/1.1", f"host: {self._host}:{self._port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head.append(f"content-length: {len(body)}")
        try:
            async with asyncio.timeout(self._timeout_s):
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                status, reply, keep = await _read_response(reader)
        except BaseException:
            writer.close()
            raise
        if keep:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return status, reply

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self._host, self._port)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise _StaleConnectionError("the server closed the connection without a reply")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise HttpError(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
    length: int | None = None
    keep = True
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value == "close":
            keep = False
        elif name == "transfer-encoding":
            raise HttpError("chunked replies are not supported")
    if length is None:
        return int(parts[1]), await reader.read(), False
    return int(parts[1]), await reader.readexactly(length), keep
