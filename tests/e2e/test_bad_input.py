"""Acceptance 6: bad input gets a 4xx with a code, touches nothing, and is never a 500."""

import json

import pytest

from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("amount", [10.5, 10.0, "100", True, None, -5, 0, 10**15 + 1], ids=repr)
async def test_a_debit_amount_that_is_not_whole_positive_cents_is_invalid(
    amount: object, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    tx = new_id("bet")
    response = await callbacks.debit(session.token, amount, tx=tx)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_AMOUNT"
    assert "amount" in response.json()["error"]
    assert await world.balance(player) == 1_000
    assert await world.rows_for(tx) == 0


@pytest.mark.parametrize("missing", ["sessionToken", "transactionId", "roundId", "amount"])
async def test_a_missing_field_is_named(
    missing: str, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    body = {
        "sessionToken": session.token,
        "transactionId": new_id("bet"),
        "roundId": "r",
        "amount": 10,
    }
    del body[missing]
    response = await callbacks.send("debit", body)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"
    assert missing in response.json()["error"]
    assert await world.balance(player) == 1_000


@pytest.mark.parametrize(
    "raw", [b"not json", b"", b"[1, 2]", b'"a string"', b'{"sessionToken": '], ids=repr
)
async def test_a_body_that_is_not_a_json_object_is_invalid(
    raw: bytes, callbacks: WalletCallbacks
) -> None:
    response = await callbacks.send("debit", raw)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"


async def test_an_oversized_body_is_refused(callbacks: WalletCallbacks) -> None:
    body = json.dumps({"sessionToken": "x", "description": "y" * 1_000_000}).encode()
    response = await callbacks.send("getBalance", body)
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_credit_amount_may_not_be_negative(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    response = await callbacks.credit(session.token, -100)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_AMOUNT")
    assert await world.balance(player) == 1_000


async def test_unknown_routes_and_methods_answer_in_the_error_shape(
    callbacks: WalletCallbacks,
) -> None:
    unknown = await callbacks.http.post("/casino/transfer", content=b"{}")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    wrong_method = await callbacks.http.get("/casino/debit")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["success"] is False
