"""The fixed-size latency histogram: percentiles within its 4 % buckets of the exact
nearest-rank ones, the maximum exact, and its size independent of the requests."""

from __future__ import annotations

import math
import random

import pytest

from tests.soak.histogram import LatencyHistogram


def exact(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1]


def test_percentiles_are_within_a_bucket_of_the_exact_ones() -> None:
    rng = random.Random(7)
    values = [rng.lognormvariate(-4, 1) for _ in range(20_000)]  # seconds, ~18 ms median
    histogram = LatencyHistogram()
    for value in values:
        histogram.record(value)
    for p in (50, 90, 99, 99.9):
        found, truth = histogram.percentile_ms(p), exact(values, p) * 1000
        assert truth <= found * 1.0001, (p, found, truth)
        assert found <= truth * 1.04 + 0.01, (p, found, truth)
    assert histogram.summary_ms()["max"] == round(max(values) * 1000, 2)


def test_its_size_does_not_grow_with_the_requests() -> None:
    histogram = LatencyHistogram()
    for index in range(100_000):
        histogram.record(0.010 + (index % 10) * 0.0001)  # 10.0 to 10.9 ms
    assert histogram.count == 100_000
    assert len(histogram.counts) <= 3


def test_an_empty_histogram_says_zero() -> None:
    assert LatencyHistogram().summary_ms() == {
        "p50": 0.0,
        "p90": 0.0,
        "p99": 0.0,
        "p99.9": 0.0,
        "max": 0.0,
    }


def test_a_percentile_is_between_0_and_100() -> None:
    with pytest.raises(ValueError, match="percentile"):
        LatencyHistogram().percentile_ms(0)
