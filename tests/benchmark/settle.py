"""Between steps: let the system finish the work an overloaded step left behind.

A step past capacity leaves commands queued (they wait until their expiration) and
batches in the worker; the next step would otherwise start from that backlog and measure
it, not its own rate. So before each step and the measured run, wait until the gateway
awaits no reply and the wallet queue holds no ready message, then a moment more.
"""

from __future__ import annotations

import asyncio
import time

from tests.support.metrics import metric, scrape
from tests.support.processes import queue_messages

SETTLE_LIMIT_S = 30.0
QUIET_MOMENT_S = 1.0


async def settle(gateway_url: str, amqp_url: str, wallet_queue: str | None) -> float:
    """Wait until nothing is in flight; the seconds it took (at most SETTLE_LIMIT_S)."""
    began = time.monotonic()
    while time.monotonic() - began < SETTLE_LIMIT_S:
        in_flight = metric(await scrape(gateway_url), "gateway_rpc_in_flight")
        queued = await queue_messages(amqp_url, wallet_queue) if wallet_queue else 0
        if in_flight == 0 and queued == 0:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(QUIET_MOMENT_S)
    return round(time.monotonic() - began, 1)
