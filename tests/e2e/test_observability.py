"""Observability of the running system: one correlation id across the services' logs,
/health, /ready and /metrics on every service, and metrics that move with the money."""

import asyncio
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import LOG_DIR, OPERATOR_API_KEY, CasinoSystem
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld
from tests.support.metrics import metric, scrape

pytestmark = pytest.mark.e2e


def log_lines(name_pattern: str) -> list[dict[str, Any]]:
    """Every JSON line of the captured logs of the processes whose file matches."""
    lines = []
    for path in sorted(Path(LOG_DIR).glob(f"{name_pattern}.log")):
        for raw in path.read_text(errors="replace").splitlines():
            if raw.startswith("{"):
                lines.append({**json.loads(raw), "file": path.stem})
    return lines


async def lines_with(name_pattern: str, correlation_id: str, message: str) -> list[dict[str, Any]]:
    """The lines carrying `correlation_id` and `message`, waiting briefly for the process to
    have written them."""
    for _ in range(50):
        found = [
            line
            for line in log_lines(name_pattern)
            if line.get("correlation_id") == correlation_id and line["message"] == message
        ]
        if found:
            return found
        await asyncio.sleep(0.1)
    return []


async def test_one_callback_has_one_correlation_id_in_gateway_and_worker_logs(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    tx = new_id("bet")

    response = await callbacks.debit(session.token, 100, tx=tx)

    assert response.status_code == 200
    correlation_id = response.headers["x-correlation-id"]
    [gateway] = await lines_with("gateway", correlation_id, "casino command answered")
    [worker] = await lines_with("wallet-worker-*", correlation_id, "wallet command answered")
    assert gateway["transaction_id"] == worker["transaction_id"] == tx
    assert gateway["outcome"] == worker["outcome"] == "ok"


async def test_a_round_keeps_the_callers_correlation_id_through_lobby_provider_and_wallet(
    http: httpx.AsyncClient, casino_system: CasinoSystem
) -> None:
    correlation_id = f"obs-{uuid.uuid4().hex}"
    body = {
        "userId": casino_system.demo["userId"],
        "gameId": casino_system.demo["gameId"],
        "bets": [{"amount": 10}],
        "wins": [{"amount": 0, "relatedBetIndex": 0}],
    }

    response = await http.post(
        "/casino/simulateRound",
        json=body,
        headers={"x-api-key": OPERATOR_API_KEY, "x-correlation-id": correlation_id},
    )

    assert response.status_code == 200, response.text
    assert await lines_with("lobby", correlation_id, "lobby command answered")
    provider_calls = await lines_with("provider", correlation_id, "casino call answered")
    assert {line["path"] for line in provider_calls} >= {"/casino/debit", "/casino/credit"}
    wallet = await lines_with("wallet-worker-*", correlation_id, "wallet command answered")
    assert {line["command"] for line in wallet} >= {"debit", "credit"}


def service_urls(system: CasinoSystem) -> dict[str, str]:
    running = {w.name: system.worker_probes[w.name] for w in system.running_workers()}
    return {
        "gateway": system.gateway_url,
        "provider": system.provider_url,
        "lobby": system.lobby_probes_url,
        **running,
    }


async def test_every_service_is_alive_ready_and_measured(casino_system: CasinoSystem) -> None:
    expected = {
        "gateway": ["gateway_http_requests_total", "gateway_rpc_seconds_bucket"],
        "provider": ["provider_http_requests_total", "provider_casino_call_seconds_bucket"],
        "lobby": ["casino_queue_messages", "casino_commands_total"],
        "wallet-worker": ["casino_queue_messages", "casino_wallet_outcomes_total"],
    }
    async with httpx.AsyncClient(timeout=5) as client:
        for service, url in service_urls(casino_system).items():
            assert (await client.get(f"{url}/health")).status_code == 200, service
            ready = await client.get(f"{url}/ready")
            assert ready.status_code == 200, (service, ready.text)
            text = await scrape(url)
            for name in expected[re.sub(r"-\d+$", "", service)]:
                assert f"\n{name}" in text, (service, name)
    [first, *_] = casino_system.running_workers()
    worker_metrics = await scrape(casino_system.worker_probes[first.name])
    assert metric(worker_metrics, "casino_queue_messages", queue=casino_system.wallet_queue) >= 0


async def test_the_wallet_outcome_counters_move_after_a_debit(
    casino_system: CasinoSystem, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    workers = [casino_system.worker_probes[w.name] for w in casino_system.running_workers()]

    async def counted() -> tuple[float, float, float]:
        gateway = await scrape(casino_system.gateway_url)
        worker_total = sum(
            [
                metric(
                    await scrape(url), "casino_wallet_outcomes_total", command="debit", code="ok"
                )
                for url in workers
            ]
        )
        return (
            metric(gateway, "gateway_wallet_outcomes_total", command="debit", code="ok"),
            metric(gateway, "gateway_rpc_seconds_count", command="debit", outcome="ok"),
            worker_total,
        )

    before = await counted()
    assert (await callbacks.debit(session.token, 100)).status_code == 200
    refused = await callbacks.debit(session.token, 5_000)
    after = await counted()

    assert refused.json()["code"] == "INSUFFICIENT_FUNDS"
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]
    gateway = await scrape(casino_system.gateway_url)
    assert metric(gateway, "gateway_wallet_outcomes_total", code="INSUFFICIENT_FUNDS") >= 1
