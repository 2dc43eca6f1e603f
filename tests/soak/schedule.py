"""When each fault is injected: the kinds in turn, round after round, evenly spread over
the run's operations.

The faults are placed by operation count, not by clock time, so that a run that goes
slower than planned still takes each fault at the same point of its work: with F faults
in all, fault i (from 0) is due once `operations * (i + 1) / (F + 1)` operations have
been sent, which leaves as many operations after the last fault as between two faults,
for the system to show it recovered.

A fault and the recovery after it take seconds whatever the run's size, so faults must
not come closer than a minimum gap: for a short run, the wallet callbacks' offered rate
is lowered until they do not (`paced_wallet_rate`).
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


def paced_wallet_rate(
    wallet_rate: float, round_rate: float, operations: int, faults: int, min_gap_s: float
) -> float:
    """The wallet callbacks' offered rate, lowered when with the rounds' the faults would
    come closer than `min_gap_s` seconds apart (the rounds keep theirs: they are what
    exercises the provider)."""
    if wallet_rate < 0 or round_rate < 0 or wallet_rate + round_rate <= 0:
        raise ValueError(f"rates of at least 0 and not both 0, not {wallet_rate}, {round_rate}")
    if faults == 0 or min_gap_s <= 0:
        return wallet_rate
    most = operations / (faults + 1) / min_gap_s  # operations per second, all kinds
    if most <= round_rate:
        raise ValueError(
            f"{operations:,} operations cannot hold {faults} faults {min_gap_s:g} s apart"
            f" at {round_rate:g} rounds/s: more operations, or fewer rounds per second"
        )
    return min(wallet_rate, most - round_rate)
