"""The load generator's keep-alive client against a server that closes idle connections,
as uvicorn does after `timeout_keep_alive`."""

import asyncio

from tests.benchmark.http_client import KeepAliveClient

REPLY = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


async def test_a_connection_the_server_closed_is_replaced_not_reported() -> None:
    connections = 0

    async def answer_once_then_close(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        await reader.readexactly(2)
        writer.write(REPLY)
        await writer.drain()
        writer.close()  # keep-alive announced, then closed: the client's copy goes stale

    server = await asyncio.start_server(answer_once_then_close, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = KeepAliveClient(f"http://127.0.0.1:{port}", timeout_s=5)
    try:
        first = await client.post("/x", b"{}", {})
        await asyncio.sleep(0.05)
        second = await client.post("/x", b"{}", {})
    finally:
        await client.close()
        server.close()
    assert first == second == (200, b"ok")
    assert connections == 2
