"""Baseline 2: a bare RabbitMQ request/reply echo, one message each way per operation.

The same shape as gateway → wallet worker, with nothing else: a multiplexed aio-pika
client (one reply queue, a future per correlation id, like `gateway.rpc`) publishes
`mandatory` to a durable queue; an echo worker in another process consumes it with
prefetch = concurrency, publishes the body back to `reply_to` (publisher confirms, as
FastStream does), then acks. The client runs `concurrency` callers in a closed loop for
the duration and counts round trips: the broker-and-aio-pika bound of our design.

Run the worker alone with `python -m tests.benchmark.echo AMQP_URL QUEUE PREFETCH`.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from functools import partial
from pathlib import Path
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from tests.benchmark.stats import latency_summary_ms
from tests.support.processes import ServiceProcess, queue_consumers, wait_until

BODY = b'{"command":"debit","request":{"sessionToken":"bench","transactionId":"t","amount":1}}'


async def serve_echo(amqp_url: str, queue_name: str, prefetch: int) -> None:
    """Answer every message on `queue_name` with its own body, until killed."""
    connection = await aio_pika.connect_robust(amqp_url)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=prefetch)
    queue = await channel.declare_queue(queue_name, durable=True, auto_delete=True)

    async def echo(message: AbstractIncomingMessage) -> None:
        await channel.default_exchange.publish(
            aio_pika.Message(message.body, correlation_id=message.correlation_id),
            routing_key=message.reply_to or "",
        )
        await message.ack()

    await queue.consume(echo)
    await asyncio.Future()


async def _round_trips(
    amqp_url: str, queue_name: str, concurrency: int, duration_s: float
) -> dict[str, Any]:
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel(on_return_raises=True)
        replies = await channel.declare_queue(
            f"bench.echo.replies.{uuid.uuid4().hex}", exclusive=True, auto_delete=True
        )
        pending: dict[str, asyncio.Future[bytes]] = {}

        async def on_reply(message: AbstractIncomingMessage) -> None:
            future = pending.pop(message.correlation_id or "", None)
            if future is not None and not future.done():
                future.set_result(message.body)

        await replies.consume(on_reply, no_ack=True)
        latencies: list[float] = []
        deadline = time.monotonic() + duration_s

        async def caller() -> None:
            while time.monotonic() < deadline:
                correlation_id = uuid.uuid4().hex
                future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
                pending[correlation_id] = future
                began = time.monotonic()
                await channel.default_exchange.publish(
                    aio_pika.Message(
                        BODY,
                        correlation_id=correlation_id,
                        reply_to=replies.name,
                        content_type="application/json",
                    ),
                    routing_key=queue_name,
                    mandatory=True,
                )
                await future
                latencies.append(time.monotonic() - began)

        began = time.monotonic()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    finally:
        await connection.close()
    return {
        "concurrency": concurrency,
        "duration_s": duration_s,
        "round_trips": len(latencies),
        "round_trips_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": latency_summary_ms(latencies),
    }


async def _consumed(amqp_url: str, queue_name: str) -> bool:
    return await queue_consumers(amqp_url, queue_name) > 0


async def echo_baseline(
    amqp_url: str, run_id: str, concurrency: int, duration_s: float, log_dir: Path
) -> dict[str, Any]:
    """Start the echo worker process, measure round trips/s, stop it."""
    queue_name = f"bench.echo.{run_id}"
    worker = ServiceProcess(
        "echo-worker",
        ["python", "-m", "tests.benchmark.echo", amqp_url, queue_name, str(concurrency)],
        {},
        log_dir / "echo-worker.log",
    )
    worker.start()
    try:
        await wait_until(partial(_consumed, amqp_url, queue_name), "echo worker", process=worker)
        return await _round_trips(amqp_url, queue_name, concurrency, duration_s)
    finally:
        worker.stop()


if __name__ == "__main__":
    url, name, prefetch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    asyncio.run(serve_echo(url, name, prefetch))
