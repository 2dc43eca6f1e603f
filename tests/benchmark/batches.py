"""How many wallet commands each message to the worker carried, read from the gateway's
own histogram (`gateway_wallet_batch_commands`) before and after a run: the batching on
the wire as it happened, not as configured."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.metrics import metric, scrape

HISTOGRAM = "gateway_wallet_batch_commands"


def batch_totals(metrics_text: str) -> tuple[float, float]:
    """(commands, messages) so far, from a /metrics page; zeros if the gateway has none."""
    return metric(metrics_text, f"{HISTOGRAM}_sum"), metric(metrics_text, f"{HISTOGRAM}_count")


def scrape_batch_totals(gateway_url: str) -> tuple[float, float]:
    try:
        return batch_totals(asyncio.run(scrape(gateway_url)))
    except (httpx.HTTPError, AssertionError):
        return (0.0, 0.0)


def commands_per_message(before: tuple[float, float], after: tuple[float, float]) -> float | None:
    messages = after[1] - before[1]
    return round((after[0] - before[0]) / messages, 2) if messages > 0 else None
