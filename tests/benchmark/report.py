"""The result of a benchmark run: ratios to the baselines, the JSON file, the summary.

Our throughput is compared with the baseline that bounds the same work: the mix (many
wallets) with pgbench across as many wallets, the hot wallet with pgbench on one wallet,
and either with the bare echo. In an open loop the achieved rate is at most the offered
one, so the ratio of a run below capacity says little; `--find-max` adds the ratio of
the maximum sustainable rate, which is the figure the targets are about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def ratio(ours: float | None, baseline: float | None) -> float | None:
    if not ours or not baseline:
        return None
    return round(ours / baseline, 2)


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    """Achieved (and max sustainable) ops/s as a ratio to each baseline."""
    baselines = result.get("baselines") or {}
    pgbench_key = "pgbench_single_wallet" if result["workload"] == "hot" else "pgbench"
    pgbench = (baselines.get(pgbench_key) or {}).get("tps")
    echo = (baselines.get("echo") or {}).get("round_trips_per_s")
    figures = {"achieved": result["run"]["achieved_ops_per_s"]}
    if result.get("find_max"):
        figures["max_sustainable"] = result["find_max"]["max_sustainable_ops_per_s"]
    return {
        f"{name}_vs_{label}": ratio(ours, base)
        for name, ours in figures.items()
        for label, base in ((pgbench_key, pgbench), ("echo", echo))
    }


def write(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")


def _row(name: str, value: object) -> str:
    return f"  {name:<34} {value}"


def render(result: dict[str, Any]) -> str:
    """A short summary for the terminal; the JSON file has everything."""
    run = result["run"]
    latency = run["latency_ms"]
    lines = [
        f"workload {result['workload']} over {result['wallets']} wallet(s),"
        f" offered {run['offered_ops_per_s']:g} ops/s for {run['duration_s']:g} s",
        _row("achieved ops/s", run["achieved_ops_per_s"]),
        _row("requests (ok)", f"{run['requests']} ({run['ok']})"),
        _row("errors by code", run["errors_by_code"] or "none"),
        _row("skipped at the cap", run["skipped_at_cap"]),
        _row(
            "latency ms p50/p90/p99/p99.9/max",
            f"{latency['p50']} / {latency['p90']} / {latency['p99']} / {latency['p99.9']}"
            f" / {latency['max']}",
        ),
        _row("send lag ms p99", run["send_lag_ms"]["p99"]),
        _row("generator CPU (share of a core)", run["generator"]["cpu_share_of_one_core"]),
        _row("service CPU (share of a core)", run.get("service_cpu_share_of_one_core")),
        _row("wallet commands per message", run.get("wallet_commands_per_message")),
    ]
    if result.get("find_max"):
        lines.append(_row("max sustainable ops/s", result["find_max"]["max_sustainable_ops_per_s"]))
    for name, baseline in (result.get("baselines") or {}).items():
        figure = baseline.get("tps") or baseline.get("round_trips_per_s")
        lines.append(
            _row(f"baseline {name}", f"{figure}/s at concurrency {_concurrency(baseline)}")
        )
    for name, value in result.get("ratios", {}).items():
        lines.append(_row(f"ratio {name}", value))
    for when in ("start", "end"):
        lines.append(_row(f"RSS KiB at {when}", result["rss_kib"][when]))
    if during := result["rss_kib"].get("during"):
        lines.append(_row("RSS KiB during (min-max)", _spread(during)))
    check = result["ledger_check"]
    lines.append(
        _row(
            "ledger check",
            {True: "passed", False: "FAILED"}.get(check["passed"], check.get("note")),
        )
    )
    lines.append(
        _row("machine quiet before / after", f"{result['load_before']} / {result['load_after']}")
    )
    return "\n".join(lines)


def _spread(samples: list[dict[str, Any]]) -> dict[str, str]:
    """Each service's lowest and highest RSS over the run's samples."""
    names = [name for name in samples[0] if name != "at_s"]
    spread = {}
    for name in names:
        seen = [sample[name] for sample in samples if sample.get(name) is not None]
        if seen:
            spread[name] = f"{min(seen)}-{max(seen)}"
    return spread


def _concurrency(baseline: dict[str, Any]) -> object:
    return baseline.get("clients") or baseline.get("concurrency")
