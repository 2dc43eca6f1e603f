"""Every answer is the contract's: health, readiness, and error bodies for what we do not
serve (unknown paths, wrong methods, oversized bodies, unexpected failures)."""

import httpx
import pytest

from tests.integration.provider.conftest import Provider, ProviderFactory

pytestmark = pytest.mark.integration


async def test_health_and_readiness(provider: Provider) -> None:
    health = await provider.http.get("/provider/health")
    assert (health.status_code, health.json()) == (
        200,
        {"status": "ok", "service": "game-provider"},
    )
    ready = await provider.http.get("/ready")
    assert ready.status_code == 200


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"success", "error", "code", "retryable"}
    assert (body["success"], body["code"]) == (False, code)


async def test_unknown_paths_and_wrong_methods_answer_error_bodies(provider: Provider) -> None:
    assert_error(await provider.http.get("/provider/nothing"), 404, "NOT_FOUND")
    assert_error(await provider.http.get("/provider/launch"), 405, "METHOD_NOT_ALLOWED")


async def test_an_oversized_body_is_413_before_its_signature_is_checked(
    start_provider: ProviderFactory,
) -> None:
    async with start_provider(max_body_bytes=1024) as provider:
        response = await provider.post("/provider/simulate", {"padding": "x" * 2000, "actions": []})
        assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_an_unreachable_database_is_not_ready_and_never_a_stack_trace(
    start_provider: ProviderFactory,
) -> None:
    async with start_provider(
        provider_database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none"
    ) as provider:
        ready = await provider.http.get("/ready")
        assert ready.status_code == 503
        launch = await provider.launch("tok", "player", 100)
        assert_error(launch, 500, "INTERNAL_ERROR")
        assert "Traceback" not in launch.text
