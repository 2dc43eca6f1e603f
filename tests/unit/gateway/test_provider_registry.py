"""Many providers at the gateway: a callback is verified with the secrets of the provider
`x-provider-code` names (no header: the default provider, CASINO_SECRET), and only an
enabled provider's signed callback reaches the wallet queue, naming that provider.

The registry comes from a fake casino (`FakeRegistry`), loaded with an explicit
`refresh()`, so each test knows which registry is in force.

One module over the usual size: each branch of the verification order shares the fake
registry and the secret-in-logs guard defined here.
"""

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from pydantic import BaseModel, SecretStr

from contracts.errors import CATALOGUE, ErrorCode
from contracts.registry import ProviderRegistry, RegisteredProvider, RegistryCommand
from contracts.rpc import DebitCommand, RpcReply
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox
from contracts.signing import (
    CASINO_SIGNATURE_HEADER,
    PROVIDER_CODE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    signature_headers,
)
from gateway.app import create_app
from gateway.providers import RegistryRefresher
from gateway.settings import GatewaySettings
from tests.unit.gateway.conftest import SECRET, FakeRpc, settings

BOX = SecretBox((DEVELOPMENT_KEY,))
SECRET_A = "provider-a-callback-secret-0123456789abcdef"
SECRET_A_NEW = "provider-a-callback-secret-rotated-0123456789"
SECRET_B = "provider-b-callback-secret-0123456789abcdef"
DEFAULT_EXTRA = "demo-provider-registry-secret-0123456789"
EVERY_SECRET = (SECRET, SECRET_A, SECRET_A_NEW, SECRET_B, DEFAULT_EXTRA)


def registered(code: str, *secrets: str, enabled: bool = True) -> RegisteredProvider:
    sealed = [BOX.seal(SecretStr(secret)) for secret in secrets]
    return RegisteredProvider(code=code, enabled=enabled, callback_secrets=sealed)


@dataclass
class FakeRegistry:
    """The casino's lobby as the refresher meets it: answers `RegistryCommand` with
    `providers`, or raises `error`, or answers `reply` as it is."""

    providers: list[RegisteredProvider] = field(default_factory=list)
    error: Exception | None = None
    reply: RpcReply | None = None
    ready: bool = True
    asked: list[str] = field(default_factory=list)

    async def call(
        self,
        queue: str,
        command: BaseModel,
        *,
        reply_within: float,
        correlation_id: str,
        quiet: bool = False,
    ) -> RpcReply:
        assert isinstance(command, RegistryCommand)
        assert quiet, "the refresher says itself when the answers stop"
        self.asked.append(queue)
        if self.error is not None:
            raise self.error
        if self.reply is not None:
            return self.reply
        return RpcReply(result=ProviderRegistry(providers=self.providers).to_wire())

    def sealed(self) -> list[str]:
        return [sealed for p in self.providers for sealed in p.callback_secrets]


@dataclass
class TenantGateway:
    http: httpx.AsyncClient
    wallet: FakeRpc
    casino: FakeRegistry
    registry: RegistryRefresher

    async def debit(
        self,
        secret: str,
        code: str | None,
        *,
        tx: str = "bet-1",
        extra_headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        raw = json.dumps(
            {"sessionToken": "token-1", "transactionId": tx, "roundId": "r-1", "amount": 100}
        ).encode()
        headers = signature_headers(raw, secret, CASINO_SIGNATURE_HEADER)
        if code is not None:
            headers[PROVIDER_CODE_HEADER] = code
        return await self.http.post(
            "/casino/debit", content=raw, headers=headers | (extra_headers or {})
        )

    def sent_providers(self) -> list[str | None]:
        return [getattr(sent.command, "provider", "?") for sent in self.wallet.sent]


async def open_tenant_gateway(app_settings: GatewaySettings) -> AsyncIterator[TenantGateway]:
    wallet = FakeRpc()
    casino = FakeRegistry(
        [
            registered("demo-provider"),
            registered("prov-a", SECRET_A),
            registered("prov-b", SECRET_B),
        ]
    )
    registry = RegistryRefresher(casino, app_settings)
    app = create_app(app_settings, rpc=wallet, registry=registry)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        yield TenantGateway(http, wallet, casino, registry)


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[TenantGateway]:
    async for opened in open_tenant_gateway(settings()):
        assert await opened.registry.refresh()
        yield opened


def assert_no_secret_logged(caplog: pytest.LogCaptureFixture) -> None:
    """No log record carries a secret, open or sealed, in its message or its extras."""
    logged = caplog.text + "".join(repr(vars(record)) for record in caplog.records)
    assert [s for s in EVERY_SECRET if s in logged] == []
    assert "gAAAAA" not in logged  # the start of every Fernet token


@pytest.fixture(autouse=True)
def no_secret_in_any_log_line(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test here runs at DEBUG, and no log line of it carries a secret."""
    caplog.set_level(logging.DEBUG)
    yield
    assert_no_secret_logged(caplog)


async def test_a_seed_style_callback_verifies_with_casino_secret_as_the_default_provider(
    gateway: TenantGateway, caplog: pytest.LogCaptureFixture
) -> None:
    response = await gateway.debit(SECRET, None)

    assert response.status_code == 200
    [sent] = gateway.wallet.sent
    assert isinstance(sent.command, DebitCommand)
    assert sent.command.provider == "demo-provider"
    [answered] = [r for r in caplog.records if r.getMessage() == "casino command answered"]
    assert answered.provider == "demo-provider"  # type: ignore[attr-defined]


async def test_a_provider_signing_with_its_own_secret_is_sent_on_naming_it(
    gateway: TenantGateway,
) -> None:
    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 200
    assert (await gateway.debit(SECRET_B, "prov-b")).status_code == 200

    assert gateway.sent_providers() == ["prov-a", "prov-b"]


async def test_header_names_are_read_in_any_case(gateway: TenantGateway) -> None:
    raw = b'{"sessionToken": "t"}'
    headers = {"X-Casino-Signature": sign(raw, SECRET_A), "X-Provider-Code": "prov-a"}

    response = await gateway.http.post("/casino/getBalance", content=raw, headers=headers)

    assert response.status_code == 200
    assert gateway.sent_providers() == ["prov-a"]


@pytest.mark.parametrize(
    ("secret", "code"),
    [
        (SECRET_A, "prov-b"),  # A's signature on a callback that names B
        (SECRET, "prov-a"),  # CASINO_SECRET is the default provider's only
        (SECRET_A, None),  # ... and A's secret is not the default provider's
        (SECRET_A, "prov-unknown"),
        (SECRET_A, ""),
    ],
)
async def test_another_providers_signature_or_an_unknown_code_is_a_bad_signature(
    gateway: TenantGateway, secret: str, code: str | None
) -> None:
    wrong_signature = await gateway.debit("nobody-knows-this", "prov-a")

    response = await gateway.debit(secret, code)

    assert response.status_code == 401
    assert response.json() == wrong_signature.json()
    assert response.json()["code"] == "SIGNATURE_INVALID"
    assert gateway.wallet.sent == []


async def test_the_default_provider_also_verifies_with_its_registry_secrets(
    gateway: TenantGateway,
) -> None:
    gateway.casino.providers[0] = registered("demo-provider", DEFAULT_EXTRA)
    await gateway.registry.refresh()

    for secret, code in [(SECRET, None), (DEFAULT_EXTRA, None), (DEFAULT_EXTRA, "demo-provider")]:
        assert (await gateway.debit(secret, code)).status_code == 200, (secret, code)
    assert gateway.sent_providers() == ["demo-provider"] * 3


async def test_a_disabled_provider_correctly_signed_is_refused_and_nothing_is_sent(
    gateway: TenantGateway,
) -> None:
    gateway.casino.providers[1] = registered("prov-a", SECRET_A, enabled=False)
    await gateway.registry.refresh()

    disabled = await gateway.debit(SECRET_A, "prov-a")
    badly_signed = await gateway.debit(SECRET_B, "prov-a")
    other = await gateway.debit(SECRET_B, "prov-b")

    assert disabled.status_code == CATALOGUE[ErrorCode.PROVIDER_DISABLED].status
    assert disabled.json()["code"] == "PROVIDER_DISABLED"
    assert disabled.json()["retryable"] is False
    assert badly_signed.json()["code"] == "SIGNATURE_INVALID"
    assert other.status_code == 200
    assert gateway.sent_providers() == ["prov-b"]

    gateway.casino.providers[1] = registered("prov-a", SECRET_A)
    await gateway.registry.refresh()
    assert (await gateway.debit(SECRET_A, "prov-a")).status_code == 200


async def test_a_disabled_default_provider_refuses_seed_style_callbacks(
    gateway: TenantGateway,
) -> None:
    gateway.casino.providers[0] = registered("demo-provider", enabled=False)
    await gateway.registry.refresh()

    response = await gateway.debit(SECRET, None)

    assert response.json()["code"] == "PROVIDER_DISABLED"
    assert gateway.wallet.sent == []


async def test_rotation_both_secrets_verify_until_the_old_one_is_retired(
    gateway: TenantGateway,
) -> None:
    gateway.casino.providers[1] = registered("prov-a", SECRET_A_NEW, SECRET_A)
    await gateway.registry.refresh()
    assert (await gateway.debit(SECRET_A, "prov-a", tx="t1")).status_code == 200
    assert (await gateway.debit(SECRET_A_NEW, "prov-a", tx="t2")).status_code == 200

    gateway.casino.providers[1] = registered("prov-a", SECRET_A_NEW)
    await gateway.registry.refresh()
    assert (await gateway.debit(SECRET_A, "prov-a", tx="t3")).status_code == 401
    assert (await gateway.debit(SECRET_A_NEW, "prov-a", tx="t4")).status_code == 200


@pytest.mark.parametrize(("offset", "status"), [(0, 200), (-3_600, 401)])
async def test_a_providers_timestamped_signature_is_checked_as_before(
    gateway: TenantGateway, offset: int, status: int
) -> None:
    raw = b'{"sessionToken": "t", "transactionId": "x", "roundId": "r", "amount": 5}'
    stamp = int(time.time()) + offset
    headers = {
        CASINO_SIGNATURE_HEADER: sign(raw, SECRET_A, stamp),
        TIMESTAMP_HEADER: str(stamp),
        PROVIDER_CODE_HEADER: "prov-a",
    }

    response = await gateway.http.post("/casino/debit", content=raw, headers=headers)

    assert response.status_code == status


async def test_when_the_header_is_required_a_callback_without_it_is_refused() -> None:
    async for gateway in open_tenant_gateway(settings(require_provider_code=True)):
        await gateway.registry.refresh()

        missing = await gateway.debit(SECRET, None)
        named = await gateway.debit(SECRET, "demo-provider")

        assert (missing.status_code, missing.json()["code"]) == (401, "SIGNATURE_INVALID")
        assert PROVIDER_CODE_HEADER in missing.json()["error"]
        assert named.status_code == 200
        assert gateway.sent_providers() == ["demo-provider"]


async def test_another_setting_names_the_default_provider() -> None:
    async for gateway in open_tenant_gateway(settings(default_provider_code="prov-a")):
        await gateway.registry.refresh()

        for secret in (SECRET, SECRET_A):
            assert (await gateway.debit(secret, None)).status_code == 200
        assert (await gateway.debit(SECRET, "demo-provider")).status_code == 401
        assert gateway.sent_providers() == ["prov-a", "prov-a"]


async def test_before_the_casino_first_answers_only_the_default_provider_is_known() -> None:
    async for gateway in open_tenant_gateway(settings()):
        seed_style = await gateway.debit(SECRET, None)
        named = await gateway.debit(SECRET_A, "prov-a")

        assert seed_style.status_code == 200
        # Retryable: the provider's retry comes once the gateway knows the registry.
        assert (named.status_code, named.json()["code"]) == (503, "WALLET_UNAVAILABLE")
        assert named.json()["retryable"] is True
        assert gateway.sent_providers() == ["demo-provider"]


async def test_a_test_that_passes_its_own_rpc_knows_the_default_provider_only() -> None:
    wallet = FakeRpc()
    app = create_app(settings(), rpc=wallet)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        raw = b'{"sessionToken": "t"}'
        response = await http.post(
            "/casino/getBalance",
            content=raw,
            headers=signature_headers(raw, SECRET, CASINO_SIGNATURE_HEADER),
        )
        ready = await http.get("/ready")

    assert response.status_code == 200
    assert [sent.command.command for sent in wallet.sent] == ["getBalance"]  # type: ignore[attr-defined]
    assert ready.json()["providerRegistry"] == {"loaded": False, "ageSeconds": None}
