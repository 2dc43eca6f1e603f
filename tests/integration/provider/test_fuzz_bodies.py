"""Fuzzing the provider's body handling (issue 17): /provider/launch and /provider/simulate
get arbitrary bytes, arbitrary JSON and damaged valid bodies
(`tests.unit.contracts.fuzzing`: NUL characters, lone surrogates, huge numbers, deep
nesting, wrong types), signed with the provider's secret so each reaches validation.

Whatever the body: never a 500, never `retryable: true`, always the error shape; a body
that is accepted is played for real, over the provider's PostgreSQL database and the fake
casino (`conftest.start_provider`), so what passes validation must also be storable there
(it would otherwise fail as a 500). An integration test because the provider app needs
its database.

200 examples an endpoint; `FUZZ_PROFILE=fuzz-long` runs 20,000 (with `--timeout=0`; see
`tests.unit.contracts.fuzzing`).
"""

import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from contracts.provider import ProviderLaunchReply, ProviderSimulateReply
from contracts.signing import PROVIDER_SIGNATURE_HEADER, signature_headers
from tests.integration.provider.conftest import PROVIDER_SECRET, Provider
from tests.unit.contracts.fuzzing import FUZZ, assert_refused, hostile_bodies

pytestmark = pytest.mark.integration

TOKEN = f"fuzz-{uuid.uuid4().hex}"
ENDPOINTS: dict[str, tuple[dict[str, Any], type[BaseModel]]] = {
    "launch": (
        {
            "casinoCode": "demo-casino",
            "playerId": f"player-{TOKEN}",
            "gameId": "demo-slots",
            "sessionToken": TOKEN,
            "currency": "USD",
            "balance": 1_000_000,
        },
        ProviderLaunchReply,
    ),
    "simulate": (
        {
            "casinoCode": "demo-casino",
            "sessionToken": TOKEN,
            "gameId": "demo-slots",
            "actions": [
                {"type": "balance_check"},
                {"type": "bet", "amount": 100},
                {"type": "payout", "amount": 50, "betIndex": 0},
                {"type": "rollback", "betIndex": 0},
            ],
        },
        ProviderSimulateReply,
    ),
}


async def post(provider: Provider, endpoint: str, raw: bytes) -> Any:
    headers = signature_headers(raw, PROVIDER_SECRET, PROVIDER_SIGNATURE_HEADER)
    return await provider.http.post(f"/provider/{endpoint}", content=raw, headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(data=st.data())
async def test_no_body_gets_a_server_error_or_a_retry(
    provider: Provider, endpoint: str, data: st.DataObject
) -> None:
    await launched(provider)
    valid, reply_type = ENDPOINTS[endpoint]
    raw = data.draw(hostile_bodies(valid), label="body")

    response = await post(provider, endpoint, raw)

    if response.status_code == 200:
        reply_type.model_validate_json(response.content)
    else:
        assert_refused(response.status_code, response.json())


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_the_fuzzed_valid_bodies_are_valid(provider: Provider, endpoint: str) -> None:
    """The bodies the fuzzer damages are played as they are, so it damages good ones."""
    await launched(provider)
    valid, reply_type = ENDPOINTS[endpoint]

    response = await provider.post(f"/provider/{endpoint}", valid)

    assert response.status_code == 200, response.text
    reply_type.model_validate_json(response.content)


async def launched(provider: Provider) -> None:
    """The valid bodies' session, launched once with this provider and open at its casino."""
    if TOKEN not in provider.casino.balances:
        launch = await provider.launch(TOKEN, f"player-{TOKEN}", 1_000_000)
        assert launch.status_code == 200, launch.text
