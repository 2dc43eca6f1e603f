"""Recovery time after a fault: from the fault until the success rate is back to normal.

Worked out afterwards from the per-second timeline (`accounting.Timeline`: each request
counted in the second it was sent, succeeded or failed), stream by stream (the wallet
callbacks, the rounds), against what that stream did in the `BASELINE_S` seconds before
the fault. Counting by the second sent puts each failure where it belongs: a round lost
with RabbitMQ and answered at the gateway's 60 s timeout failed when it was sent, not a
minute later, during another fault. A second after the fault is *hurt* in a stream when
more than `FAILED_SHARE` of the requests sent then failed, or when fewer than
`THROUGHPUT_SHARE` of the normal number could be sent, both in that second and over the
`WINDOW_S` seconds ending with it (the load waits while its cap of requests in flight is
reached; the window keeps one slow second of a few rounds from counting as a stall).

The system has recovered at the end of the last hurt second, in any stream, before
`until` (the next fault, or the end of the load), leaving out the last `IN_FLIGHT_S`
seconds, whose requests may still have been in flight when the next fault came: the
recovery time is that instant minus the fault's start, 0 when no second was hurt, and
None when the last second looked at was still hurt (it did not recover in the time it
had). A stream that sent nothing before the fault has no normal to come back to and is
left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

BASELINE_S = 10
WINDOW_S = 3
FAILED_SHARE = 0.01
THROUGHPUT_SHARE = 0.5
IN_FLIGHT_S = 3.0  # a round's p99 under the full load is about 1.5 s

Series = Sequence[tuple[int, int]]  # (succeeded, failed) requests by the second sent


def recovery_seconds(
    series: Mapping[str, Series], fault_at_s: float, until_s: float
) -> float | None:
    first, last = int(fault_at_s), int(until_s - IN_FLIGHT_S) - 1
    if last < first:
        return None
    last_hurt: int | None = None
    for buckets in series.values():
        normal = _normal_rate(buckets, first)
        if normal == 0:
            continue
        for second in range(first, last + 1):
            if _hurt(buckets, second, normal):
                last_hurt = second if last_hurt is None else max(last_hurt, second)
    if last_hurt is None:
        return 0.0
    if last_hurt == last:
        return None
    return round(max(last_hurt + 1 - fault_at_s, 0.0), 1)


def _answers(buckets: Series, second: int) -> tuple[int, int]:
    return buckets[second] if 0 <= second < len(buckets) else (0, 0)


def _normal_rate(buckets: Series, first: int) -> float:
    """Requests per second over the baseline before second `first`."""
    seconds = range(max(first - BASELINE_S, 0), first)
    if not seconds:
        return 0.0
    return sum(sum(_answers(buckets, s)) for s in seconds) / len(seconds)


def _hurt(buckets: Series, second: int, normal: float) -> bool:
    succeeded, failed = _answers(buckets, second)
    if failed > FAILED_SHARE * (succeeded + failed):
        return True
    window = sum(sum(_answers(buckets, s)) for s in range(second - WINDOW_S + 1, second + 1))
    slow = succeeded + failed < THROUGHPUT_SHARE * normal
    return slow and window < THROUGHPUT_SHARE * normal * WINDOW_S
