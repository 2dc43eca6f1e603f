"""Wait until each named RabbitMQ queue has a consumer: the casino's consumers are up.

Usage: python wait_for_consumers.py AMQP_URL [QUEUE ...]
Without queues it waits for the wallet and lobby queues the services use (WALLET_QUEUE
and LOBBY_QUEUE from the environment, else the defaults in contracts.topology).
"""

import asyncio
import os
import sys
import time

import aio_pika

from contracts.topology import LOBBY_QUEUE, WALLET_QUEUE

TIMEOUT_SECONDS = 60


async def consumers(url: str, queue: str) -> int:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        result = declared.declaration_result
        return int(result.consumer_count or 0) if result is not None else 0
    except aio_pika.exceptions.ChannelClosed:
        return 0
    finally:
        await connection.close()


async def wait(url: str, queues: list[str]) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for queue in queues:
        while await consumers(url, queue) == 0:
            if time.monotonic() > deadline:
                sys.exit(f"error: no consumer on {queue} after {TIMEOUT_SECONDS}s")
            await asyncio.sleep(0.3)


if __name__ == "__main__":
    queues = sys.argv[2:] or [
        os.environ.get("WALLET_QUEUE", WALLET_QUEUE),
        os.environ.get("LOBBY_QUEUE", LOBBY_QUEUE),
    ]
    asyncio.run(wait(sys.argv[1], queues))
