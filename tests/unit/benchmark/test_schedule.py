"""The open-loop scheduler's timing logic, on a fake clock: requests leave at their due
times whatever the answers do, latency counts from the due time, the cap skips and
counts, and several generators interleave on one timeline. Nothing here is timed."""

from __future__ import annotations

import asyncio

import pytest

from tests.benchmark.schedule import due_time, request_count, run_open_loop


class FakeClock:
    """Time that moves only when the scheduler sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what is ready runs now, as it would during a real sleep
        self.now += seconds


def test_due_times_are_fixed_from_the_start() -> None:
    assert [due_time(10.0, i, rate=4) for i in range(3)] == [10.0, 10.25, 10.5]


def test_generators_interleave_on_one_timeline() -> None:
    first = [due_time(0.0, i, rate=10, stride=2, offset=0) for i in range(3)]
    second = [due_time(0.0, i, rate=10, stride=2, offset=1) for i in range(3)]
    assert sorted(first + second) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert request_count(10, 1.0, stride=3, offset=0) == 4  # 0, 3, 6, 9
    assert request_count(10, 1.0, stride=3, offset=1) == 3  # 1, 4, 7
    assert request_count(10, 1.0, stride=3, offset=2) == 3  # 2, 5, 8


async def test_requests_leave_on_time_even_while_earlier_ones_are_unanswered() -> None:
    clock = FakeClock()
    answer = asyncio.Event()
    sent_at: list[float] = []

    async def send(index: int, due: float) -> float:
        sent_at.append(clock())
        if len(sent_at) == 5:  # the system stalled for 2 s, then answers everything
            clock.now += 2.0
            answer.set()
        await answer.wait()
        return clock() - due

    run = await run_open_loop(
        send, rate=10, duration_s=0.5, max_outstanding=100, clock=clock, sleep=clock.sleep
    )
    assert sent_at == pytest.approx([100.0, 100.1, 100.2, 100.3, 100.4])
    # Latency from the due time: the first request waited longest (no coordinated omission).
    assert sorted((r for r in run.results if isinstance(r, float)), reverse=True) == pytest.approx(
        [2.4, 2.3, 2.2, 2.1, 2.0]
    )
    assert (run.sent, run.skipped, run.peak_outstanding) == (5, 0, 5)


async def test_a_request_due_at_the_cap_is_skipped_and_counted() -> None:
    clock = FakeClock()
    stalled = asyncio.Event()

    async def send(index: int, due: float) -> None:
        await stalled.wait()  # the first two hold the cap until the schedule has ended

    async def sleep(seconds: float) -> None:
        await clock.sleep(seconds)
        if clock() >= 100.9:
            stalled.set()

    run = await run_open_loop(
        send, rate=10, duration_s=1.0, max_outstanding=2, clock=clock, sleep=sleep
    )
    assert run.sent == 2
    assert run.skipped == 8
    assert run.peak_outstanding == 2
