"""When each fault is injected: the kinds in turn, round after round, evenly spread over
the run's operations.

The faults are placed by operation count, not by clock time, so that a run that goes
slower than planned still takes each fault at the same point of its work: with F faults
in all, fault i (from 0) is due once `operations * (i + 1) / (F + 1)` operations have
been sent, which leaves as many operations after the last fault as between two faults,
for the system to show it recovered.

A fault and the recovery after it take seconds whatever the run's size, so faults must
not come closer than a minimum gap: for a short run, the offered rate is lowered until
they do not (`paced_rate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedFault:
    at_operation: int
    kind: str


def plan_faults(kinds: Sequence[str], rounds: int, operations: int) -> list[PlannedFault]:
    """`rounds` rounds of `kinds` in turn, due at evenly spaced operation counts."""
    if rounds < 0 or operations < 0:
        raise ValueError("rounds and operations are counts, not negative")
    order = [kind for _ in range(rounds) for kind in kinds]
    if order and operations < len(order) + 1:
        raise ValueError(f"{operations} operations cannot hold {len(order)} faults apart")
    return [
        PlannedFault(operations * (index + 1) // (len(order) + 1), kind)
        for index, kind in enumerate(order)
    ]


def paced_rate(rate: float, operations: int, faults: int, min_gap_s: float) -> float:
    """The offered rate, lowered when at `rate` the faults would come closer than
    `min_gap_s` seconds apart."""
    if rate <= 0:
        raise ValueError(f"a rate is above 0, not {rate}")
    if faults == 0 or min_gap_s <= 0:
        return rate
    operations_between = operations / (faults + 1)
    return min(rate, operations_between / min_gap_s)
