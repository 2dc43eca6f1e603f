"""The RPC client against a real RabbitMQ: multiplexing, timeouts, unroutable commands."""

import asyncio
import uuid

import aio_pika
import pytest

from contracts.rpc import GetBalanceCommand
from contracts.wallet import GetBalanceRequest
from gateway.errors import WalletUnavailableError
from gateway.rpc import RpcClient
from tests.integration.gateway.conftest import EchoWorker

pytestmark = pytest.mark.integration


def balance_command(token: str) -> GetBalanceCommand:
    return GetBalanceCommand(request=GetBalanceRequest(session_token=token))


async def test_many_requests_in_flight_each_get_their_own_reply(
    rpc_client: RpcClient, echo_worker: EchoWorker
) -> None:
    tokens = [f"session-{n}" for n in range(200)]

    replies = await asyncio.gather(
        *(
            rpc_client.call(
                echo_worker.queue,
                balance_command(token),
                reply_within=10,
                correlation_id=f"corr-{token}",
            )
            for token in tokens
        )
    )

    for token, reply in zip(tokens, replies, strict=True):
        assert reply.result == {
            "echo": {"sessionToken": token},
            "command": "getBalance",
            "correlationHeader": f"corr-{token}",
        }
    # They were really in flight together, not sent one after another.
    assert echo_worker.most_in_flight > 10


async def test_the_command_carries_the_properties_the_worker_relies_on(
    rpc_client: RpcClient, echo_worker: EchoWorker
) -> None:
    await rpc_client.call(
        echo_worker.queue, balance_command("t"), reply_within=3, correlation_id="corr-props"
    )

    [message] = echo_worker.received
    assert message.reply_to == rpc_client.reply_queue_name
    assert message.content_type == "application/json"
    assert message.expiration == 3
    assert message.headers["x-correlation-id"] == "corr-props"
    assert uuid.UUID(message.correlation_id or "")  # its own id, not the HTTP one


async def test_no_reply_in_time_is_wallet_unavailable_and_the_command_expires(
    rpc_client: RpcClient, amqp_url: str, unique: str
) -> None:
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"gateway-test.idle.{unique}", auto_delete=False)
        try:
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(WalletUnavailableError) as refused:
                await rpc_client.call(
                    queue.name, balance_command("t"), reply_within=0.5, correlation_id="c"
                )
            waited = loop.time() - started

            assert refused.value.body.retryable is True
            assert 0.5 <= waited < 1.5
            # Nobody waits for it any more, so the broker drops it rather than a worker
            # applying it late.
            await asyncio.sleep(0.3)
            declared = await channel.declare_queue(queue.name, passive=True)
            assert declared.declaration_result.message_count == 0
        finally:
            await queue.delete(if_unused=False, if_empty=False)


async def test_a_late_reply_is_dropped_and_the_next_call_gets_its_own(
    rpc_client: RpcClient, echo_worker: EchoWorker
) -> None:
    echo_worker.delay = lambda: 0.6
    with pytest.raises(WalletUnavailableError):
        await rpc_client.call(
            echo_worker.queue, balance_command("late"), reply_within=0.2, correlation_id="c"
        )

    echo_worker.delay = lambda: 0.0
    await asyncio.sleep(0.6)  # the late reply arrives meanwhile, and is dropped
    reply = await rpc_client.call(
        echo_worker.queue, balance_command("next"), reply_within=3, correlation_id="c"
    )

    assert reply.result is not None
    assert reply.result["echo"] == {"sessionToken": "next"}


async def test_a_queue_nobody_declared_is_unavailable_at_once(
    rpc_client: RpcClient, unique: str
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    with pytest.raises(WalletUnavailableError):
        await rpc_client.call(
            f"gateway-test.nobody.{unique}",
            balance_command("t"),
            reply_within=5,
            correlation_id="c",
        )

    assert loop.time() - started < 1


async def test_with_the_broker_unreachable_calls_fail_at_once() -> None:
    client = RpcClient("amqp://guest:guest@127.0.0.1:1/", reconnect_interval=0.1)
    await client.start()
    try:
        await asyncio.sleep(0.3)
        assert client.ready is False
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(WalletUnavailableError):
            await client.call("any", balance_command("t"), reply_within=5, correlation_id="c")
        assert loop.time() - started < 0.5
    finally:
        await client.close()
