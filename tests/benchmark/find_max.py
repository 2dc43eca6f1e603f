"""`--find-max`: step the offered rate up until the system stops keeping up.

Rates grow geometrically from a start rate; the first step that is not sustained
(`measure.sustained`: errors, skips at the cap, achieved below offered, p99 above the
limit) ends the climb, and one more step halfway between the last good and the first bad
rate narrows the answer. The maximum sustainable rate is the highest sustained step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Step = Callable[[float], dict[str, Any]]
Judge = Callable[[dict[str, Any]], bool]


def next_rate(rate: float, factor: float) -> float:
    return float(round(rate * factor))


def find_max(
    step: Step, judge: Judge, *, start: float, factor: float, limit: float
) -> dict[str, Any]:
    """Climb from `start` by `factor` up to `limit`; the steps and the best sustained rate."""
    steps: list[dict[str, Any]] = []
    best: float | None = None
    failed: float | None = None
    rate = start
    while rate <= limit:
        result = step(rate)
        steps.append({**result, "sustained": judge(result)})
        if not steps[-1]["sustained"]:
            failed = rate
            break
        best = rate
        rate = next_rate(rate, factor)
    if best is not None and failed is not None:
        middle = float(round((best + failed) / 2))
        if best < middle < failed:
            result = step(middle)
            steps.append({**result, "sustained": judge(result)})
            if steps[-1]["sustained"]:
                best = middle
    return {"steps": steps, "max_sustainable_ops_per_s": best}
