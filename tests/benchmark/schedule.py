"""The open-loop scheduler: requests leave at fixed times, whatever the answers do.

Request i is due at `start + (i * stride + offset) / rate`; it is sent then even if
earlier ones have not been answered (open loop), and its latency is measured from that
due time, not from when it actually left. A closed loop, or latency measured from the
send, would hide a stall: the requests that should have been sent during it are never
sent or are timed from too late (coordinated omission).

A cap bounds the requests outstanding at once, so a stalled system cannot make the
generator open connections without end; a request due while the cap is reached is not
sent and is counted as `skipped`, and a run with skips does not count as sustained.

`stride`/`offset` let several generator processes share one schedule: process p of k
takes requests p, p+k, p+2k, … of the common timeline.

The clock and sleep are parameters so that the unit tests can check the timing logic
with a fake clock instead of timing anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def due_time(start: float, index: int, rate: float, *, stride: int = 1, offset: int = 0) -> float:
    """When request `index` of this generator is due, on the shared timeline."""
    return start + (index * stride + offset) / rate


def request_count(rate: float, duration_s: float, *, stride: int = 1, offset: int = 0) -> int:
    """How many of the timeline's `rate * duration` requests fall to this generator."""
    total = int(rate * duration_s)
    return max(0, (total - offset + stride - 1) // stride)


@dataclass
class OpenLoopRun:
    """What the scheduler saw: when it began and ended, what it skipped, the peak load."""

    start: float
    end: float = 0.0
    sent: int = 0
    skipped: int = 0
    peak_outstanding: int = 0
    results: list[object] = field(default_factory=list)


# send(index, due) performs request `index`, measuring from `due`; its result is kept.
Send = Callable[[int, float], Awaitable[object]]


async def run_open_loop(
    send: Send,
    *,
    rate: float,
    duration_s: float,
    max_outstanding: int,
    start: float | None = None,
    stride: int = 1,
    offset: int = 0,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> OpenLoopRun:
    """Send this generator's share of `rate * duration_s` requests at their due times."""
    run = OpenLoopRun(start=clock() if start is None else start)
    outstanding: set[asyncio.Task[None]] = set()

    async def one(index: int, due: float) -> None:
        run.results.append(await send(index, due))

    for index in range(request_count(rate, duration_s, stride=stride, offset=offset)):
        due = due_time(run.start, index, rate, stride=stride, offset=offset)
        # Sleep even when late (for 0 s): the answers' tasks must get to run meanwhile.
        await sleep(max(0.0, due - clock()))
        if len(outstanding) >= max_outstanding:
            run.skipped += 1
            continue
        task = asyncio.create_task(one(index, due))
        outstanding.add(task)
        task.add_done_callback(outstanding.discard)
        run.sent += 1
        run.peak_outstanding = max(run.peak_outstanding, len(outstanding))
    if outstanding:
        await asyncio.gather(*outstanding)
    run.end = clock()
    return run
