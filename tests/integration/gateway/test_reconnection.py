"""After the broker drops the gateway's connection, the client reconnects, re-declares its
reply queue under the same name, consumes it again, and calls work again.

Only this client's connection is closed (found by its connection name on the broker), so
other tests and services sharing the broker are not disturbed.
"""

import asyncio
import shutil
import subprocess

import pytest

from contracts.rpc import GetBalanceCommand, RpcReply
from contracts.wallet import GetBalanceRequest
from gateway.errors import WalletUnavailableError
from gateway.rpc import RpcClient
from tests.integration.gateway.conftest import EchoWorker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl"),
]


def broker_connections_of(client: RpcClient) -> list[str]:
    """The broker's process ids of the connections named after `client`."""
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        pytest.skip(f"rabbitmqctl cannot list connections: {listing.stderr.strip()}")
    return [
        line.split("\t", 1)[0]
        for line in listing.stdout.splitlines()
        if client.reply_queue_name in line
    ]


def close_on_the_broker(pid: str) -> None:
    subprocess.run(
        ["rabbitmqctl", "-q", "close_connection", pid, "gateway reconnection test"],
        capture_output=True,
        check=True,
    )


async def reconnected(client: RpcClient, old: str, within: float = 15) -> None:
    """Wait until the broker lists a new connection of `client` and it is ready again."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        current = await asyncio.to_thread(broker_connections_of, client)
        if client.ready and current and old not in current:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the client did not reconnect within {within}s")


def command(token: str) -> GetBalanceCommand:
    return GetBalanceCommand(request=GetBalanceRequest(session_token=token))


async def call(client: RpcClient, queue: str, token: str, within: float) -> RpcReply:
    return await client.call(queue, command(token), reply_within=within, correlation_id=token)


async def test_calls_work_again_after_the_broker_drops_the_connection(
    rpc_client: RpcClient, echo_worker: EchoWorker
) -> None:
    assert (await call(rpc_client, echo_worker.queue, "before", 5)).result is not None
    [old] = await asyncio.to_thread(broker_connections_of, rpc_client)

    await asyncio.to_thread(close_on_the_broker, old)
    await reconnected(rpc_client, old)

    tokens = [f"after-{n}" for n in range(20)]
    replies = await asyncio.gather(*(call(rpc_client, echo_worker.queue, t, 5) for t in tokens))

    assert [reply.result and reply.result["echo"]["sessionToken"] for reply in replies] == tokens
    assert {m.reply_to for m in echo_worker.received} == {rpc_client.reply_queue_name}


async def test_calls_in_flight_when_the_connection_drops_end_within_their_timeout(
    rpc_client: RpcClient, echo_worker: EchoWorker
) -> None:
    echo_worker.delay = lambda: 0.5
    [old] = await asyncio.to_thread(broker_connections_of, rpc_client)
    tokens = [f"in-flight-{n}" for n in range(20)]
    loop = asyncio.get_running_loop()
    started = loop.time()
    calls = [asyncio.create_task(call(rpc_client, echo_worker.queue, t, 3)) for t in tokens]
    await asyncio.sleep(0.1)

    await asyncio.to_thread(close_on_the_broker, old)
    outcomes = await asyncio.gather(*calls, return_exceptions=True)

    assert loop.time() - started < 3 + 2  # each call is bounded by its own timeout
    for token, outcome in zip(tokens, outcomes, strict=True):
        if isinstance(outcome, RpcReply):
            assert outcome.result
            assert outcome.result["echo"]["sessionToken"] == token
        else:
            assert isinstance(outcome, WalletUnavailableError), outcome
    await reconnected(rpc_client, old)
