"""The benchmark's arithmetic: nearest-rank percentiles, the tally, the verdict of a
step, the climb of --find-max and the ratios to the baselines. No I/O, no timing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.benchmark.find_max import find_max
from tests.benchmark.loadgen import outcome_code
from tests.benchmark.measure import sustained
from tests.benchmark.pgbench import parse_pgbench
from tests.benchmark.report import ratios
from tests.benchmark.stats import OK, Sample, latency_summary_ms, percentile, tally


def test_nearest_rank_percentiles_are_latencies_that_happened() -> None:
    values = [float(v) for v in range(1, 101)]  # 1 … 100
    assert percentile(values, 50) == 50
    assert percentile(values, 90) == 90
    assert percentile(values, 99) == 99
    assert percentile(values, 99.9) == 100
    assert percentile(values, 100) == 100
    assert percentile([7.0], 50) == 7.0
    assert percentile([], 99) == 0.0


def test_a_percentile_outside_its_range_is_refused() -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile([1.0], 0)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_summary_ms([0.001, 0.002, 0.003, 0.004, 1.5])
    assert summary["p50"] == 3.0
    assert summary["max"] == 1500.0
    assert summary["mean"] == pytest.approx(302.0)


def test_tally_counts_errors_by_code_and_ops_per_second() -> None:
    samples = [Sample("debit", OK, 0.01, 0.0)] * 8 + [
        Sample("debit", "INSUFFICIENT_FUNDS", 0.02, 0.0),
        Sample("credit", "WALLET_UNAVAILABLE", 5.0, 0.0),
    ]
    result = tally(samples, elapsed_s=2.0)
    assert result["requests"] == 10
    assert result["ok"] == 8
    assert result["achieved_ops_per_s"] == 5.0
    assert result["errors_by_code"] == {"INSUFFICIENT_FUNDS": 1, "WALLET_UNAVAILABLE": 1}
    assert result["operations_by_kind"] == {"credit": 1, "debit": 9}


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (200, b'{"success":true,"balance":1}', OK),
        (400, b'{"success":false,"code":"INSUFFICIENT_FUNDS"}', "INSUFFICIENT_FUNDS"),
        (503, b'{"success":false,"code":"WALLET_UNAVAILABLE"}', "WALLET_UNAVAILABLE"),
        (502, b"Bad Gateway", "HTTP_502"),
        (200, b'{"success":false}', "HTTP_200"),
    ],
)
def test_the_outcome_of_a_reply_is_its_code(status: int, body: bytes, code: str) -> None:
    assert outcome_code(status, body) == code


def _step(**changes: Any) -> dict[str, Any]:
    step: dict[str, Any] = {
        "offered_ops_per_s": 100.0,
        "achieved_ops_per_s": 99.0,
        "errors_by_code": {},
        "skipped_at_cap": 0,
        "latency_ms": {"p99": 20.0},
    }
    return step | changes


def test_a_step_is_sustained_only_without_errors_skips_lag_or_slow_p99() -> None:
    assert sustained(_step(), max_p99_ms=500)
    assert not sustained(_step(errors_by_code={"WALLET_UNAVAILABLE": 1}), max_p99_ms=500)
    assert not sustained(_step(skipped_at_cap=3), max_p99_ms=500)
    assert not sustained(_step(achieved_ops_per_s=90.0), max_p99_ms=500)
    assert not sustained(_step(latency_ms={"p99": 600.0}), max_p99_ms=500)


def test_find_max_climbs_until_a_step_fails_then_tries_halfway() -> None:
    capacity = 700.0
    offered: list[float] = []

    def step(rate: float) -> dict[str, Any]:
        offered.append(rate)
        return {"offered_ops_per_s": rate, "ok": rate <= capacity}

    climb = find_max(step, lambda s: s["ok"], start=200, factor=2, limit=10_000)
    assert offered == [200, 400, 800, 600]
    assert climb["max_sustainable_ops_per_s"] == 600
    assert [s["sustained"] for s in climb["steps"]] == [True, True, False, True]


def test_find_max_reports_none_when_even_the_first_step_fails() -> None:
    climb = find_max(lambda r: {}, lambda s: False, start=200, factor=2, limit=10_000)
    assert climb["max_sustainable_ops_per_s"] is None
    assert len(climb["steps"]) == 1


def test_ratios_compare_like_with_like() -> None:
    baselines = {
        "pgbench": {"tps": 1000.0},
        "pgbench_single_wallet": {"tps": 200.0},
        "echo": {"round_trips_per_s": 800.0},
    }
    mix = {"workload": "mix", "run": {"achieved_ops_per_s": 500.0}, "baselines": baselines}
    assert ratios(mix) == {"achieved_vs_pgbench": 0.5, "achieved_vs_echo": 0.62}
    hot = {
        "workload": "hot",
        "run": {"achieved_ops_per_s": 300.0},
        "baselines": baselines,
        "find_max": {"max_sustainable_ops_per_s": 600.0},
    }
    assert ratios(hot) == {
        "achieved_vs_pgbench_single_wallet": 1.5,
        "achieved_vs_echo": 0.38,
        "max_sustainable_vs_pgbench_single_wallet": 3.0,
        "max_sustainable_vs_echo": 0.75,
    }


def test_pgbench_summary_is_parsed() -> None:
    output = (
        "number of transactions actually processed: 2800\n"
        "number of failed transactions: 0 (0.000%)\n"
        "latency average = 14.289 ms\n"
        "initial connection time = 20.1 ms\n"
        "tps = 559.912345 (without initial connection time)\n"
    )
    assert parse_pgbench(output) == {
        "tps": 559.9,
        "latency_avg_ms": 14.289,
        "failed_transactions": 0.0,
    }
