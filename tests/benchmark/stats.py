"""Latency percentiles and the tally of one run's outcomes.

Nearest-rank percentiles over every sample (no histogram buckets, no interpolation): the
p99.9 of 30,000 samples is then a latency some request really had, which is what a
reader of the table expects.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PERCENTILES = (50.0, 90.0, 99.0, 99.9)
OK = "OK"


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    if not 0 < p <= 100:
        raise ValueError(f"a percentile is in (0, 100], not {p}")
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def latency_summary_ms(latencies_s: Iterable[float]) -> dict[str, float]:
    """p50/p90/p99/p99.9/max (and mean) in milliseconds, rounded to 0.01 ms."""
    values = sorted(latencies_s)
    summary = {f"p{p:g}": round(percentile(values, p) * 1000, 2) for p in PERCENTILES}
    summary["max"] = round(values[-1] * 1000, 2) if values else 0.0
    summary["mean"] = round(sum(values) / len(values) * 1000, 2) if values else 0.0
    return summary


@dataclass(frozen=True)
class Sample:
    """One request: its kind, `OK` or its error code, and latency from its scheduled time."""

    kind: str
    code: str
    latency_s: float
    send_lag_s: float


def tally(samples: Sequence[Sample], elapsed_s: float) -> dict[str, object]:
    """Achieved ops/s (every answered request, errors included), errors by code, by kind,
    and the latency percentiles of all requests and of the successful ones."""
    errors = Counter(sample.code for sample in samples if sample.code != OK)
    kinds = Counter(sample.kind for sample in samples)
    return {
        "requests": len(samples),
        "ok": len(samples) - sum(errors.values()),
        "achieved_ops_per_s": round(len(samples) / elapsed_s, 1) if elapsed_s > 0 else 0.0,
        "errors_by_code": dict(sorted(errors.items())),
        "operations_by_kind": dict(sorted(kinds.items())),
        "latency_ms": latency_summary_ms(sample.latency_s for sample in samples),
        "send_lag_ms": latency_summary_ms(sample.send_lag_s for sample in samples),
    }
