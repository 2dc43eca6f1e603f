"""One measured step: an offered rate for a duration, the generators' results merged.

Also the judgement of whether a step was sustained, which `--find-max` steps on: every
request answered with success, none skipped at the cap, the achieved rate within 5 % of
the offered one, and p99 under the limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.benchmark.loadgen import GeneratorConfig, GeneratorResult, run_generators
from tests.benchmark.stats import tally

# Spawned generator processes import httpx and the contracts before they can send.
GENERATOR_START_MARGIN_S = 3.0
ACHIEVED_SHARE = 0.95
# A generator above this share of one core is close to being the bottleneck itself.
GENERATOR_BUSY_SHARE = 0.85


@dataclass(frozen=True)
class Target:
    gateway_url: str
    secret: str
    tokens: list[str]
    max_outstanding: int
    processes: int


def measure_step(
    target: Target, rate: float, duration_s: float, *, seed: int, label: str
) -> dict[str, Any]:
    """Offer `rate` ops/s for `duration_s` and report what came back."""
    start_epoch = time.time() + GENERATOR_START_MARGIN_S
    share = max(1, target.max_outstanding // target.processes)
    configs = [
        GeneratorConfig(
            gateway_url=target.gateway_url,
            secret=target.secret,
            tokens=target.tokens,
            rate=rate,
            duration_s=duration_s,
            max_outstanding=share,
            start_epoch=start_epoch,
            stride=target.processes,
            offset=process,
            seed=seed * 1000 + process,
            prefix=f"{label}-p{process}",
        )
        for process in range(target.processes)
    ]
    return merge(rate, duration_s, run_generators(configs))


def merge(rate: float, duration_s: float, results: list[GeneratorResult]) -> dict[str, Any]:
    samples = [sample for result in results for sample in result.samples]
    elapsed = max((result.elapsed_s for result in results), default=0.0)
    cpu_shares = [
        round(result.cpu_s / result.elapsed_s, 2) for result in results if result.elapsed_s
    ]
    step: dict[str, Any] = {
        "offered_ops_per_s": rate,
        "duration_s": duration_s,
        "elapsed_s": round(elapsed, 2),
        **tally(samples, elapsed),
        "skipped_at_cap": sum(result.skipped for result in results),
        "peak_outstanding": sum(result.peak_outstanding for result in results),
        "generator": {
            "processes": len(results),
            "cpu_share_of_one_core": cpu_shares,
            "busy": any(share >= GENERATOR_BUSY_SHARE for share in cpu_shares),
        },
    }
    return step


def sustained(step: dict[str, Any], max_p99_ms: float) -> bool:
    return (
        not step["errors_by_code"]
        and step["skipped_at_cap"] == 0
        and step["achieved_ops_per_s"] >= ACHIEVED_SHARE * step["offered_ops_per_s"]
        and step["latency_ms"]["p99"] <= max_p99_ms
    )
