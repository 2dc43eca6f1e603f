"""The soak's result: the verdict, the summary people read, and the JSON file.

The verdict fails on any ledger violation, on a fault that was planned but not injected
(or whose injection failed), on a fault after which the system was not back to normal
before the next one (or the end of the load), on a request that got no answer within
the gateway's timeout, and on operations that went missing from the count.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any


def verdict(result: dict[str, Any]) -> list[str]:
    """Why the run failed; empty when it passed."""
    reasons = []
    ledger = result["ledger_check"]
    if not ledger.get("passed") or ledger.get("violations"):
        reasons.append(f"the ledger check failed ({ledger.get('violations')} violation(s))")
    planned = Counter(result["faults_planned"])
    injected = Counter(f["kind"] for f in result["faults"] if f["error"] is None)
    for kind, count in sorted(planned.items()):
        if injected[kind] < count:
            reasons.append(f"{kind}: {injected[kind]} of {count} injected")
    for fault in result["faults"]:
        if fault["error"] is None and fault["recovery_s"] is None:
            reasons.append(f"{fault['kind']} at {fault['at_s']:g} s: never back to normal")
    if result["operations"]["no_answer"]:
        reasons.append(f"{result['operations']['no_answer']} request(s) got no answer")
    operations = result["operations"]
    if operations["done"] != operations["planned"]:
        reasons.append(f"{operations['done']} operations done of {operations['planned']}")
    return reasons


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n:,}" for name, n in counts.items()) or "none"


def _stream(name: str, stream: dict[str, Any]) -> list[str]:
    latency = stream["latency_ms"]
    return [
        f"{name:<17}{stream['done']:,} done, {stream['ok']:,} OK;"
        f" errors: {_counts(stream['errors_by_code'])}",
        f"{'':<17}no answer within the gateway's timeout ({stream['gateway_timeout_s']:g} s"
        f" + {stream['margin_s']:g} s): {stream['no_answer']:,};"
        f" answered only at the timeout: {stream['answered_at_timeout']:,}",
        f"{'':<17}latency p50 / p99 / p99.9 / max: {latency['p50']} / {latency['p99']}"
        f" / {latency['p99.9']} / {latency['max']} ms",
    ]


def _recovery(fault: dict[str, Any]) -> str:
    if fault["error"]:
        return f"injection failed: {fault['error']}"
    if fault["recovery_s"] is None:
        return "not back to normal before the next fault / the end"
    return f"{fault['recovery_s']:g} s"


def render(result: dict[str, Any]) -> str:
    ops, ledger, settled = result["operations"], result["ledger_check"], result["settle"]
    outcome = "FAILED: " + "; ".join(result["verdict"]) if result["verdict"] else "PASSED"
    lines = [
        f"soak {result['run_id']} ({result['command']}), commit {result['commit']}",
        f"{'operations':<17}{ops['done']:,} of {ops['planned']:,} in {ops['load_s']:,} s"
        f" ({ops['per_s']:,}/s; offered: wallet callbacks {ops['wallet_rate']:g}/s,"
        f" rounds {ops['round_rate']:g}/s;"
        f" the soak's own CPU {ops['soak_process_cpu_share_of_one_core']:g} of a core):"
        f" {_counts(ops['by_kind'])}",
        *_stream("wallet callbacks", result["wallet"]),
        *_stream("rounds", result["rounds"]),
        f"{'round steps':<17}{_counts(result['rounds']['steps'])}",
        f"{'provider':<17}{result['provider']['money_calls']:,} money calls,"
        f" {result['provider']['retries']:,} retries",
        f"{'faults injected':<17}{len(result['faults'])}: {_counts(result['faults_by_kind'])}",
        f"  {'at':>8}  {'UTC':<25} {'at op':>10}  {'fault':<52} {'took':>6}  recovered after",
    ]
    for fault in result["faults"]:
        lines.append(
            f"  {fault['at_s']:>6.1f} s  {fault['at']:<25} {fault['at_operation']:>10,}"
            f"  {fault['description']:<52} {fault['took_s']:>4.1f} s  {_recovery(fault)}"
        )
    lines += [
        f"{'settled':<17}in {settled['seconds']} s (provider: {settled['open_rounds']} open"
        f" rounds, {settled['pending_calls']} pending calls)",
        f"{'ledger check':<17}{ledger.get('wallets')} wallets, {ledger.get('transactions')}"
        f" ledger rows, {ledger.get('provider_rounds')} provider rounds,"
        f" {ledger.get('provider_calls')} provider calls:"
        f" {ledger.get('violations')} violation(s) {_counts(ledger.get('violations_by_rule', {}))}",
        f"{'verdict':<17}{outcome}",
    ]
    return "\n".join(lines)


def write(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
