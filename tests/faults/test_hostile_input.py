"""Hostile input: schemathesis generates requests from the gateway's and the provider's
own OpenAPI documents (valid and invalid bodies, odd types, missing fields), sent
unsigned, with a wrong signature, and signed with the right secret over the exact bytes
sent. No answer may be a server error, and no money may move: a generated call cannot
name a real session, so the ledger must be exactly as it was.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis.core.result import Err

from contracts.signing import (
    CASINO_SIGNATURE_HEADER,
    PROVIDER_SIGNATURE_HEADER,
    signature_headers,
)
from tests.e2e.conftest import OPERATOR_API_KEY, PROVIDER_SECRET
from tests.faults.conftest import CASINO_SECRET, FaultSystem

pytestmark = pytest.mark.faults

EXAMPLES_PER_OPERATION = 25
MAX_BODY_BYTES = 65536  # the services' default MAX_BODY_BYTES
SIGNINGS = ["unsigned", "wrong signature", "signed"]


def headers_for(path: str, raw: bytes, signing: str) -> dict[str, str]:
    headers = {"content-type": "application/json", "x-api-key": OPERATOR_API_KEY}
    to_provider = path.startswith("/provider")
    name = PROVIDER_SIGNATURE_HEADER if to_provider else CASINO_SIGNATURE_HEADER
    if signing == "wrong signature":
        headers[name] = "ab" * 32
    elif signing == "signed":
        secret = PROVIDER_SECRET if to_provider else CASINO_SECRET
        headers |= signature_headers(raw, secret, name)
    return headers


async def money(fs: FaultSystem) -> tuple[int, int]:
    row = await fs.world.pool.fetchrow(
        "SELECT (SELECT count(*) FROM casino_transactions) AS rows,"
        " (SELECT coalesce(sum(balance), 0) FROM casino_wallets) AS balances"
    )
    assert row is not None
    return int(row["rows"]), int(row["balances"])


def provider_document() -> dict[str, Any]:
    """The provider serves no /openapi.json (its endpoints are documented through the
    gateway); its app still knows its own document."""
    from fastapi.openapi.utils import get_openapi

    from provider.app import create_app
    from provider.settings import ProviderSettings

    app = create_app(ProviderSettings())
    return get_openapi(title=app.title, version=app.version, routes=app.routes)


def fuzz(base_url: str, document: dict[str, Any] | None, signing: str) -> list[str]:
    """Every operation of the service at `base_url` (described by `document`, or by its
    /openapi.json), EXAMPLES_PER_OPERATION generated requests each; the server errors."""
    if document is None:
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    else:
        schema = schemathesis.openapi.from_dict(document)
    errors: list[str] = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for result in schema.get_all_operations():
            assert not isinstance(result, Err), result
            operation = result.ok()

            @hypothesis.settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(case=operation.as_strategy())
            def send(case: Any) -> None:
                body = case.body if isinstance(case.body, dict | list | str | int) else None
                raw = b"" if body is None else json.dumps(body).encode()
                path = case.formatted_path
                response = http.request(
                    case.method, path, content=raw, headers=headers_for(path, raw, signing)
                )
                transient = response.status_code in (502, 503, 504) and response.json().get(
                    "retryable"
                )
                if response.status_code >= 500 and not transient:
                    errors.append(f"{case.method} {path} {raw[:200]!r} -> {response.text[:300]}")

            send()
    return errors


@pytest.mark.parametrize("signing", SIGNINGS)
async def test_generated_requests_get_no_server_error_and_move_no_money(
    fault_system: FaultSystem, signing: str
) -> None:
    import asyncio

    before = await money(fault_system)
    services = [
        (fault_system.system.gateway_url, None),
        (fault_system.system.provider_url, provider_document()),
    ]
    for url, document in services:
        errors = await asyncio.to_thread(fuzz, url, document, signing)
        assert not errors, errors[:5]
    assert await money(fault_system) == before


@pytest.mark.parametrize("path", ["/casino/debit", "/provider/simulate"])
async def test_an_oversized_body_is_refused_before_it_is_read(
    fault_system: FaultSystem, gateway: httpx.AsyncClient, path: str
) -> None:
    before = await money(fault_system)
    raw = b'{"padding": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = await gateway.post(path, content=raw, headers=headers_for(path, raw, "signed"))
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert await money(fault_system) == before
