"""Wallet commands batched on the wire, over a real RabbitMQ, against a fake worker that
answers batches: fewer messages than commands under load, one command per message at
low load, and every caller answered on its own whatever happens to its message."""

import asyncio
import json
import uuid

import httpx
import pytest

from contracts.errors import ErrorBody, ErrorCode
from contracts.rpc import WALLET_BATCH_TYPE, GetBalanceCommand, RpcReply
from contracts.signing import CASINO_SIGNATURE_HEADER, signature_headers
from contracts.wallet import GetBalanceRequest
from gateway.app import create_app
from gateway.callbacks.batching import WalletBatcher
from gateway.errors import WalletUnavailableError
from gateway.rpc import RpcClient
from gateway.settings import GatewaySettings
from tests.integration.gateway.conftest import BatchWorker, commands_of, wait_until

pytestmark = pytest.mark.integration


def balance(token: str) -> GetBalanceCommand:
    return GetBalanceCommand(request=GetBalanceRequest(session_token=token))


async def call(batcher: WalletBatcher, queue: str, token: str, within: float = 10) -> RpcReply:
    return await batcher.call(
        queue, balance(token), reply_within=within, correlation_id=f"corr-{token}"
    )


async def test_many_concurrent_calls_share_fewer_messages_and_each_gets_its_own_reply(
    rpc_client: RpcClient, batch_worker: BatchWorker
) -> None:
    batcher = WalletBatcher(rpc_client, max_in_flight=2)
    tokens = [f"session-{n}" for n in range(300)]

    replies = await asyncio.gather(*(call(batcher, batch_worker.queue, t) for t in tokens))

    assert [r.result for r in replies] == [
        {"token": t, "correlationId": f"corr-{t}"} for t in tokens
    ]
    sizes = batch_worker.commands_per_message()
    assert sum(sizes) == len(tokens)
    assert len(sizes) < len(tokens) / 10
    assert max(sizes) > 1
    for message in batch_worker.received:
        # Each message's commands in the order their callers arrived.
        numbers = [
            int(command["request"]["sessionToken"][8:]) for _, command in commands_of(message)
        ]
        assert numbers == sorted(numbers)


async def test_a_batch_carries_the_properties_the_worker_relies_on(
    rpc_client: RpcClient, batch_worker: BatchWorker
) -> None:
    batcher = WalletBatcher(rpc_client, max_in_flight=1)

    await asyncio.gather(*(call(batcher, batch_worker.queue, f"t{n}", within=3) for n in range(5)))

    [alone, batch] = batch_worker.received
    assert alone.type is None
    assert alone.headers["x-correlation-id"] == "corr-t0"
    assert batch.type == WALLET_BATCH_TYPE
    assert [corr for corr, _ in commands_of(batch)] == [f"corr-t{n}" for n in range(1, 5)]
    for message in (alone, batch):
        assert message.reply_to == rpc_client.reply_queue_name
        assert message.content_type == "application/json"
        assert isinstance(message.expiration, float)
        assert 2.5 < message.expiration <= 3
        assert uuid.UUID(message.correlation_id or "")  # its own id: the reply's


async def test_at_low_load_every_message_carries_exactly_one_command(
    rpc_client: RpcClient, batch_worker: BatchWorker
) -> None:
    batcher = WalletBatcher(rpc_client, max_in_flight=4)

    for n in range(10):
        reply = await call(batcher, batch_worker.queue, f"t{n}")
        assert reply.result == {"token": f"t{n}", "correlationId": f"corr-t{n}"}

    assert batch_worker.commands_per_message() == [1] * 10
    assert {message.type for message in batch_worker.received} == {None}


async def test_a_single_error_answer_to_a_batch_reaches_every_caller(
    rpc_client: RpcClient, batch_worker: BatchWorker
) -> None:
    refusal = RpcReply(error=ErrorBody.of(ErrorCode.INVALID_REQUEST, "unreadable batch"))
    batch_worker.refusal = refusal
    batcher = WalletBatcher(rpc_client, max_in_flight=1)

    replies = await asyncio.gather(*(call(batcher, batch_worker.queue, f"t{n}") for n in range(20)))

    assert replies == [refusal] * 20
    assert batch_worker.commands_per_message() == [1, 19]


async def test_no_reply_in_time_is_wallet_unavailable_for_every_caller(
    rpc_client: RpcClient, batch_worker: BatchWorker
) -> None:
    batch_worker.silent = True
    batcher = WalletBatcher(rpc_client, max_in_flight=1)
    loop = asyncio.get_running_loop()
    started = loop.time()

    outcomes = await asyncio.gather(
        *(call(batcher, batch_worker.queue, f"t{n}", within=0.5) for n in range(10)),
        return_exceptions=True,
    )

    assert loop.time() - started < 1.5
    for outcome in outcomes:
        assert isinstance(outcome, WalletUnavailableError)
        assert outcome.body.error == "The casino did not answer within 0.5s"
        assert outcome.body.retryable is True
    # Only the first left: the others waited for its slot, which their deadline beat.
    assert batch_worker.commands_per_message() == [1]


async def test_a_queue_nobody_declared_is_unavailable_at_once_for_every_caller(
    rpc_client: RpcClient, unique: str
) -> None:
    batcher = WalletBatcher(rpc_client, max_in_flight=1)
    loop = asyncio.get_running_loop()
    started = loop.time()

    outcomes = await asyncio.gather(
        *(call(batcher, f"gateway-test.nobody.{unique}", f"t{n}", within=5) for n in range(10)),
        return_exceptions=True,
    )

    assert loop.time() - started < 1
    for outcome in outcomes:
        assert isinstance(outcome, WalletUnavailableError)
        assert outcome.body.error == "The casino is not consuming commands; retry later"


async def test_a_late_reply_to_a_batch_is_dropped_and_the_next_calls_get_their_own(
    rpc_client: RpcClient, batch_worker: BatchWorker
) -> None:
    batch_worker.delay = 0.3
    batcher = WalletBatcher(rpc_client, max_in_flight=1)
    first = asyncio.create_task(call(batcher, batch_worker.queue, "first"))
    await asyncio.sleep(0.05)
    # These wait for the first's reply (0.3 s), then go together: theirs comes too late.
    late = await asyncio.gather(
        *(call(batcher, batch_worker.queue, f"late-{n}", within=0.5) for n in range(3)),
        return_exceptions=True,
    )
    assert all(isinstance(outcome, WalletUnavailableError) for outcome in late)
    assert (await first).result == {"token": "first", "correlationId": "corr-first"}

    batch_worker.delay = 0.0
    await asyncio.sleep(0.3)  # the late reply arrives meanwhile, and is dropped
    replies = await asyncio.gather(
        *(call(batcher, batch_worker.queue, f"next-{n}") for n in range(3))
    )

    assert [r.result and r.result["token"] for r in replies] == ["next-0", "next-1", "next-2"]
    assert batch_worker.commands_per_message()[:2] == [1, 3]


async def test_concurrent_http_callbacks_through_the_gateway_share_messages(
    amqp_url: str, batch_worker: BatchWorker
) -> None:
    secret = "integration-casino-secret"
    app = create_app(
        GatewaySettings(
            environment="development",
            amqp_url=amqp_url,
            wallet_queue=batch_worker.queue,
            casino_secret=(secret,),
            wallet_batches_in_flight=1,
        )
    )
    async with app.router.lifespan_context(app):
        await wait_until(lambda: app.state.rpc.ready, 10, "the gateway connecting")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:

            async def get_balance(token: str) -> httpx.Response:
                body = json.dumps({"sessionToken": token}).encode()
                headers = signature_headers(body, secret, CASINO_SIGNATURE_HEADER)
                return await http.post(
                    "/casino/getBalance",
                    content=body,
                    headers=headers | {"x-correlation-id": f"corr-{token}"},
                )

            tokens = [f"player-{n}" for n in range(50)]
            responses = await asyncio.gather(*(get_balance(t) for t in tokens))

    assert [(r.status_code, r.json()) for r in responses] == [
        (200, {"token": t, "correlationId": f"corr-{t}"}) for t in tokens
    ]
    assert len(batch_worker.received) < len(tokens) / 5
