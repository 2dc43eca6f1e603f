"""A small fault-injecting TCP proxy, put between the provider and the gateway.

It forwards bytes both ways; on command it delays every chunk (a slow network), or
drops traffic (cuts open connections and refuses new ones, as a broken link does), then
heals. It runs on the test's own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib

CHUNK = 65536


class FaultyTcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.delay_seconds = 0.0
        self.dropping = False
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def close(self) -> None:
        self._cut_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def delay(self, seconds: float) -> None:
        self.delay_seconds = seconds

    def drop(self) -> None:
        """Cut every open connection and refuse new ones until `heal`."""
        self.dropping = True
        self._cut_all()

    def heal(self) -> None:
        self.dropping = False
        self.delay_seconds = 0.0

    def _cut_all(self) -> None:
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _serve(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        if self.dropping:
            client.transport.abort()
            return
        self.connections += 1
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            client.transport.abort()
            return
        self._open |= {client, upstream}
        try:
            await asyncio.gather(
                self._pipe(client_reader, upstream), self._pipe(upstream_reader, client)
            )
        finally:
            for writer in (client, upstream):
                self._open.discard(writer)
                writer.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await reader.read(CHUNK):
                if self.delay_seconds:
                    await asyncio.sleep(self.delay_seconds)
                if self.dropping or writer.is_closing():
                    return
                writer.write(chunk)
                await writer.drain()
        if self.dropping:
            writer.transport.abort()
        else:
            _half_close(writer)


def _half_close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        if writer.can_write_eof():
            writer.write_eof()
