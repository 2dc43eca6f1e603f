"""Recovery time after a fault: from the fault until the success rate is back to normal.

Worked out afterwards from the per-second timeline (`accounting.Timeline`), stream by
stream (the wallet callbacks, the rounds), against what that stream did in the
`BASELINE_S` seconds before the fault. A second after the fault is *hurt* in a stream
when more than `FAILED_SHARE` of its answers failed, or when it answered under
`THROUGHPUT_SHARE` of the normal rate both in that second and over the `WINDOW_S`
seconds ending with it (a stalled system fails nothing: it answers nothing; the window
keeps one slow second of a few rounds from counting as a stall).

The system has recovered at the end of the last hurt second, in any stream, before
`until` (the next fault, or the end of the load): the recovery time is that instant
minus the fault's start, 0 when no second was hurt, and None when the last second
before `until` was still hurt (it did not recover in the time it had). A stream that
answered nothing before the fault has no normal to come back to and is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

BASELINE_S = 10
WINDOW_S = 3
FAILED_SHARE = 0.01
THROUGHPUT_SHARE = 0.5

Series = Sequence[tuple[int, int]]  # (succeeded, failed) answers per second


def recovery_seconds(
    series: Mapping[str, Series], fault_at_s: float, until_s: float
) -> float | None:
    first, last = int(fault_at_s), int(until_s) - 1
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
    """Answers per second over the baseline before second `first`."""
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
