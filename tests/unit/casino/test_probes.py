"""The consumers' /health, /ready and /metrics, served by their FastStream ASGI app
without a broker or a database: the checks and the metrics refresh are stand-ins."""

import httpx
from faststream.asgi import AsgiFastStream

from casino.consuming import metrics
from casino.consuming.probes import probe_routes


def client(
    checks: dict[str, bool], refreshed: list[str], fail_refresh: bool = False
) -> httpx.AsyncClient:
    async def run_checks() -> dict[str, bool]:
        return checks

    async def refresh() -> None:
        if fail_refresh:
            raise ConnectionError("broker gone")
        metrics.QUEUE_MESSAGES.labels(queue="probes-test").set(7)
        refreshed.append("queue depths")

    app = AsgiFastStream(asgi_routes=probe_routes("casino-test", run_checks, refresh))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probes")


async def test_health_answers_while_the_process_serves() -> None:
    async with client({"database": False}, []) as probes:
        response = await probes.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "casino-test"}


async def test_ready_when_every_check_passes() -> None:
    async with client({"database": True, "broker": True, "consuming": True}, []) as probes:
        response = await probes.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_not_ready_names_the_check_that_failed() -> None:
    checks = {"database": True, "broker": True, "consuming": False}
    async with client(checks, []) as probes:
        response = await probes.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "checks": checks}


async def test_metrics_are_refreshed_before_they_are_served() -> None:
    refreshed: list[str] = []
    async with client({}, refreshed) as probes:
        response = await probes.get("/metrics")
    assert response.status_code == 200
    assert refreshed == ["queue depths"]
    assert 'casino_queue_messages{queue="probes-test"} 7.0' in response.text


async def test_metrics_are_served_even_when_the_refresh_fails() -> None:
    async with client({}, [], fail_refresh=True) as probes:
        response = await probes.get("/metrics")
    assert response.status_code == 200
    assert "# HELP casino_queue_messages" in response.text


async def test_only_get_and_only_the_three_paths() -> None:
    async with client({"database": True}, []) as probes:
        assert (await probes.post("/ready")).status_code == 405
        assert (await probes.get("/elsewhere")).status_code == 404
