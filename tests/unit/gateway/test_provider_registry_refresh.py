"""The gateway's copy of the provider registry: refreshed in the background, kept when the
casino does not answer, reported in /ready and /metrics, and never logged."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import pytest_asyncio
from cryptography.fernet import Fernet
from prometheus_client import REGISTRY
from pydantic import SecretStr

from contracts.errors import ErrorBody, ErrorCode
from contracts.rpc import DebitCommand, RpcReply
from contracts.secret_box import SecretBox
from contracts.wallet import DebitRequest
from gateway.callbacks.batch_messages import batch_body
from gateway.errors import WalletUnavailableError
from tests.unit.gateway.conftest import settings
from tests.unit.gateway.test_provider_registry import (
    SECRET_A,
    SECRET_B,
    TenantGateway,
    assert_no_secret_logged,
    open_tenant_gateway,
    registered,
)


@pytest.fixture(autouse=True)
def no_secret_in_any_log_line(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    assert_no_secret_logged(caplog)


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[TenantGateway]:
    async for opened in open_tenant_gateway(settings()):
        assert await opened.registry.refresh()
        yield opened


def failures_counted() -> float:
    return REGISTRY.get_sample_value("gateway_registry_refresh_failures_total") or 0.0


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "gateway.providers" and r.levelno >= logging.WARNING
    ]


async def test_while_the_casino_fails_the_last_registry_stays_and_one_warning_is_logged(
    gateway: TenantGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.casino.error = WalletUnavailableError("The casino did not answer within 2s")
    failures_before = failures_counted()

    for _ in range(3):
        assert await gateway.registry.refresh() is False

    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 200
    assert warnings(caplog) == [
        "provider registry not refreshed, the last one stays: The casino did not answer within 2s"
    ]
    assert failures_counted() - failures_before == 3

    gateway.casino.error = None
    gateway.casino.providers = [registered("prov-b", SECRET_B)]
    assert await gateway.registry.refresh() is True
    assert "answered again after 3 failures" in caplog.text
    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 401


@pytest.mark.parametrize(
    "reply",
    [
        RpcReply(error=ErrorBody.of(ErrorCode.WALLET_UNAVAILABLE)),
        RpcReply(result={"providers": [{"code": "prov-a", "callbackSecrets": "gAAAAAnot-a-list"}]}),
    ],
)
async def test_an_error_or_an_unreadable_answer_is_a_failure_that_logs_nothing_it_carried(
    gateway: TenantGateway, caplog: pytest.LogCaptureFixture, reply: RpcReply
) -> None:
    gateway.casino.reply = reply

    assert await gateway.registry.refresh() is False

    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 200
    [warning] = warnings(caplog)
    assert "gAAAAA" not in warning  # checked for every record by the autouse fixture too


async def test_a_secret_sealed_with_another_key_does_not_verify_and_is_reported_once(
    gateway: TenantGateway, caplog: pytest.LogCaptureFixture
) -> None:
    foreign = SecretBox((SecretStr(Fernet.generate_key().decode()),))
    prov_a = registered("prov-a", SECRET_A)
    stray = foreign.seal(SecretStr(SECRET_B))
    gateway.casino.providers[1] = prov_a.model_copy(
        update={"callback_secrets": [stray, *prov_a.callback_secrets]}
    )

    for _ in range(2):
        await gateway.registry.refresh()

    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 200
    assert (await gateway.debit(SECRET_B, "prov-a")).status_code == 401
    [warning] = warnings(caplog)
    assert "prov-a" in warning
    assert "PROVIDER_SECRETS_KEY" in warning


async def test_a_secret_is_opened_once_not_at_every_answer(
    gateway: TenantGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real_open = SecretBox.open

    def counting_open(box: SecretBox, sealed: str) -> SecretStr:
        opened.append(sealed)
        return real_open(box, sealed)

    monkeypatch.setattr(SecretBox, "open", counting_open)
    for _ in range(3):
        await gateway.registry.refresh()
    gateway.casino.providers.append(registered("prov-c", "provider-c-secret-0123456789"))
    await gateway.registry.refresh()

    assert opened == gateway.casino.providers[-1].callback_secrets
    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 200
    assert (await gateway.debit("provider-c-secret-0123456789", "prov-c")).status_code == 200


async def wait_for(condition: Callable[[], bool], what: str) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{what} did not happen within 5s")


@pytest_asyncio.fixture
async def refreshing() -> AsyncIterator[TenantGateway]:
    """A gateway whose registry is refreshed every half second, once its broker is connected
    (or after waiting one interval for it)."""
    async for opened in open_tenant_gateway(settings(registry_refresh_seconds=0.5)):
        opened.casino.ready = False
        await opened.registry.start()
        yield opened
        await opened.registry.close()


async def test_started_it_asks_once_connected_and_keeps_asking_every_interval(
    refreshing: TenantGateway,
) -> None:
    casino, registry = refreshing.casino, refreshing.registry
    await asyncio.sleep(0.2)
    assert casino.asked == []

    casino.ready = True
    await wait_for(lambda: registry.known.loaded, "the first answer")
    assert casino.asked[0] == "unit.lobby.registry"
    assert (await refreshing.debit(SECRET_A, "prov-a")).status_code == 200

    casino.providers[1] = registered("prov-a", SECRET_A, enabled=False)
    await wait_for(lambda: not registry.known.by_code["prov-a"].enabled, "the change")
    assert (await refreshing.debit(SECRET_A, "prov-a")).json()["code"] == "PROVIDER_DISABLED"


async def test_ready_and_metrics_say_how_old_the_registry_is(gateway: TenantGateway) -> None:
    await gateway.registry.start()  # the age gauge follows the started refresher
    try:
        ready = (await gateway.http.get("/ready")).json()
        metrics = (await gateway.http.get("/metrics")).text
    finally:
        await gateway.registry.close()

    assert ready["status"] == "ready"
    assert ready["providerRegistry"]["loaded"] is True
    assert 0 <= ready["providerRegistry"]["ageSeconds"] < 5
    [age] = [line for line in metrics.splitlines() if line.startswith("gateway_registry_age")]
    assert 0 <= float(age.split()[1]) < 5


def test_the_provider_travels_in_a_batch_too() -> None:
    request = DebitRequest(session_token="t", transaction_id="x", round_id="r", amount=1)
    commands = [
        ("corr-1", DebitCommand(request=request, provider="prov-a")),
        ("corr-2", DebitCommand(request=request, provider="prov-b")),
    ]

    body = json.loads(batch_body(commands))

    assert [item["command"]["provider"] for item in body["commands"]] == ["prov-a", "prov-b"]
