"""How many wallet commands each message to the worker carried, read from the gateway's
own histogram (`gateway_wallet_batch_commands`) before and after a run: the batching on
the wire as it happened, not as configured."""

from __future__ import annotations

import re

import httpx

_SUM = re.compile(r"^gateway_wallet_batch_commands_sum\s+([0-9.e+-]+)$", re.MULTILINE)
_COUNT = re.compile(r"^gateway_wallet_batch_commands_count\s+([0-9.e+-]+)$", re.MULTILINE)


def batch_totals(metrics_text: str) -> tuple[float, float]:
    """(commands, messages) so far, from a /metrics page; zeros if the gateway has none."""
    commands, messages = _SUM.search(metrics_text), _COUNT.search(metrics_text)
    return (
        float(commands.group(1)) if commands else 0.0,
        float(messages.group(1)) if messages else 0.0,
    )


def scrape_batch_totals(gateway_url: str) -> tuple[float, float]:
    try:
        return batch_totals(httpx.get(f"{gateway_url}/metrics", timeout=5).text)
    except httpx.HTTPError:
        return (0.0, 0.0)


def commands_per_message(before: tuple[float, float], after: tuple[float, float]) -> float | None:
    messages = after[1] - before[1]
    return round((after[0] - before[0]) / messages, 2) if messages > 0 else None
