"""A latency histogram of fixed size, however many requests are recorded.

A soak of a million requests must not keep a latency per request: each one lands in a
logarithmic bucket (each about 4 % wider than the one below), so a percentile is known
to within 4 % from a few hundred counters. The maximum is kept exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

GROWTH = 1.04
SMALLEST_MS = 0.01  # everything faster shares the first bucket
PERCENTILES = (50.0, 90.0, 99.0, 99.9)


@dataclass
class LatencyHistogram:
    counts: Counter[int] = field(default_factory=Counter)
    count: int = 0
    max_s: float = 0.0

    def record(self, seconds: float) -> None:
        self.counts[_bucket(seconds * 1000)] += 1
        self.count += 1
        self.max_s = max(self.max_s, seconds)

    def percentile_ms(self, p: float) -> float:
        """The upper bound of the bucket holding the nearest-rank p-th percentile (0 for
        none), never above the recorded maximum."""
        if not 0 < p <= 100:
            raise ValueError(f"a percentile is in (0, 100], not {p}")
        if not self.count:
            return 0.0
        rank = max(math.ceil(p / 100 * self.count), 1)
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                return round(min(_upper_ms(bucket), self.max_s * 1000), 2)
        raise AssertionError("the counts add up to the count")  # pragma: no cover

    def summary_ms(self) -> dict[str, float]:
        summary = {f"p{p:g}": self.percentile_ms(p) for p in PERCENTILES}
        summary["max"] = round(self.max_s * 1000, 2)
        return summary


def _bucket(ms: float) -> int:
    if ms <= SMALLEST_MS:
        return 0
    return math.ceil(math.log(ms / SMALLEST_MS, GROWTH))


def _upper_ms(bucket: int) -> float:
    return float(SMALLEST_MS * GROWTH**bucket)
