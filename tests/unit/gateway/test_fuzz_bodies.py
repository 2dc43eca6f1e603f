"""Fuzzing the gateway's body handling (issue 17): every endpoint that reads a body gets
arbitrary bytes, arbitrary JSON and damaged valid bodies (`tests.unit.contracts.fuzzing`:
NUL characters, lone surrogates, huge numbers, deep nesting, wrong types), signed
correctly where the endpoint is signed, so each body reaches validation.

Whatever the body: never a 500, never `retryable: true`, always the error shape, and
nothing refused reaches the queue; what does reach it is storable. The app runs in
process over a fake RPC client (`conftest.open_gateway`), with production's 64 KiB body
limit so deep nesting gets to the parser.

200 examples an endpoint; `FUZZ_PROFILE=fuzz-long` runs 20,000 (with `--timeout=0`; see
`tests.unit.contracts.fuzzing`).
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.contracts.fuzzing import FUZZ, assert_refused, assert_storable, hostile_bodies
from tests.unit.gateway.conftest import Gateway, open_gateway, settings

USER, GAME = "6f1c1f5e-8a55-4b1e-9d0e-2f7a0e6f8b11", "0b7e6a52-3c1d-4f7e-8a9b-1c2d3e4f5a6b"
SIGNED: dict[str, dict[str, Any]] = {
    "getBalance": {"sessionToken": "token"},
    "debit": {"sessionToken": "token", "transactionId": "bet-1", "roundId": "r-1", "amount": 100},
    "credit": {
        "sessionToken": "token",
        "transactionId": "win-1",
        "roundId": "r-1",
        "amount": 0,
        "relatedTransactionId": "bet-1",
        "description": "a win",
    },
    "rollback": {
        "sessionToken": "token",
        "transactionId": "rb-1",
        "originalTransactionId": "bet-1",
        "reason": "cancelled",
    },
}
OPERATOR: dict[str, dict[str, Any]] = {
    "launchGame": {"userId": USER, "gameId": GAME, "currency": "USD"},
    "simulateRound": {
        "userId": USER,
        "gameId": GAME,
        "currency": "EUR",
        "bets": [{"amount": 100}, {"amount": 5}],
        "wins": [{"amount": 50, "relatedBetIndex": 0}],
        "rollbacks": [{"betIndex": 1}],
    },
}


@pytest_asyncio.fixture
async def roomy_gateway() -> AsyncIterator[Gateway]:
    """The gateway with production's body limit (64 KiB; the unit default is 1 KiB)."""
    async for opened in open_gateway(settings(max_body_bytes=65536)):
        yield opened


@pytest.mark.parametrize("endpoint", [*SIGNED, *OPERATOR])
@FUZZ
@given(data=st.data())
async def test_no_body_gets_a_server_error_or_a_retry_or_past_validation(
    roomy_gateway: Gateway, endpoint: str, data: st.DataObject
) -> None:
    gateway = roomy_gateway
    valid = {**SIGNED, **OPERATOR}[endpoint]
    raw = data.draw(hostile_bodies(valid), label="body")
    already_sent = len(gateway.rpc.sent)

    if endpoint in SIGNED:
        response = await gateway.signed(endpoint, raw)
    else:
        response = await gateway.http.post(f"/casino/{endpoint}", content=raw)

    sent = gateway.rpc.sent[already_sent:]
    if response.status_code == 200:
        [command] = sent
        assert_storable(command.command)
    else:
        assert_refused(response.status_code, response.json())
        assert sent == []


@pytest.mark.parametrize("endpoint", [*SIGNED, *OPERATOR])
async def test_the_fuzzed_valid_bodies_are_valid(roomy_gateway: Gateway, endpoint: str) -> None:
    """The bodies the fuzzer damages are accepted as they are, so it damages good ones."""
    if endpoint in SIGNED:
        response = await roomy_gateway.signed(endpoint, SIGNED[endpoint])
    else:
        response = await roomy_gateway.http.post(f"/casino/{endpoint}", json=OPERATOR[endpoint])

    assert response.status_code == 200, response.text
