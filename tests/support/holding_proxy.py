"""A TCP proxy that holds one of the provider's wallet calls, for the crash tests.

Put between the provider and the gateway, it forwards bytes both ways, except for the
next request to a chosen path: `hold_request` keeps that request here (the casino never
sees it); `hold_reply` lets it reach the casino and keeps the casino's answer (the money
moved, the provider is never told). Either way the provider is left waiting on a pending
call, where a test can kill it; `release` then drops what is held and cuts those
connections. It runs on the test's own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

CHUNK = 65536


@dataclass
class _Hold:
    path: str
    keep_request: bool


@dataclass
class _Connection:
    reply_held: bool = False


class CallHoldingProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.held = asyncio.Event()
        self._hold: _Hold | None = None
        self._released = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def close(self) -> None:
        self.release()
        for writer in list(self._open):
            writer.transport.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def hold_request(self, path: str) -> None:
        self._arm(_Hold(path, keep_request=True))

    def hold_reply(self, path: str) -> None:
        self._arm(_Hold(path, keep_request=False))

    def release(self) -> None:
        self._released.set()

    def _arm(self, hold: _Hold) -> None:
        self._hold, self.held, self._released = hold, asyncio.Event(), asyncio.Event()

    async def _serve(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            client.transport.abort()
            return
        self._open |= {client, upstream}
        connection = _Connection()
        try:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                await asyncio.gather(
                    self._requests(client_reader, upstream, connection),
                    self._replies(upstream_reader, client, connection),
                )
        finally:
            for writer in (client, upstream):
                self._open.discard(writer)
                writer.transport.abort()

    async def _requests(
        self, reader: asyncio.StreamReader, upstream: asyncio.StreamWriter, connection: _Connection
    ) -> None:
        while chunk := await reader.read(CHUNK):
            hold = self._hold
            if hold is not None and chunk.startswith(f"POST {hold.path} ".encode()):
                self._hold = None
                if hold.keep_request:
                    await self._keep()
                    return
                connection.reply_held = True
            upstream.write(chunk)
            await upstream.drain()

    async def _replies(
        self, reader: asyncio.StreamReader, client: asyncio.StreamWriter, connection: _Connection
    ) -> None:
        while chunk := await reader.read(CHUNK):
            if connection.reply_held:
                await self._keep()
                return
            client.write(chunk)
            await client.drain()

    async def _keep(self) -> None:
        self.held.set()
        await self._released.wait()
        raise OSError("released: what was held is dropped")
