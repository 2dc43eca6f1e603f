"""A signed body that is not a valid request is refused with a code that names the
problem, and never sent to the wallet."""

import json
from typing import Any

import pytest

from contracts.rpc import CreditCommand
from tests.unit.gateway.conftest import Gateway


@pytest.mark.parametrize("amount", [10.5, 10.0, "100", True, None, -5, 0, 10**15 + 1], ids=repr)
async def test_a_debit_amount_that_is_not_whole_positive_cents_is_invalid_amount(
    amount: object, gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    response = await gateway.signed("debit", debit_body | {"amount": amount})

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_AMOUNT"
    assert response.json()["retryable"] is False
    assert "amount" in response.json()["error"]
    assert gateway.rpc.sent == []


async def test_a_credit_of_zero_closes_a_losing_round(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    response = await gateway.signed("credit", debit_body | {"amount": 0})

    assert response.status_code == 200
    [sent] = gateway.rpc.sent
    assert isinstance(sent.command, CreditCommand)
    assert sent.command.request.amount == 0


@pytest.mark.parametrize("missing", ["sessionToken", "transactionId", "roundId", "amount"])
async def test_a_missing_field_is_named(
    missing: str, gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    del debit_body[missing]

    response = await gateway.signed("debit", debit_body)

    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")
    assert missing in response.json()["error"]
    assert gateway.rpc.sent == []


async def test_a_mistyped_field_is_named(gateway: Gateway, debit_body: dict[str, Any]) -> None:
    response = await gateway.signed("debit", debit_body | {"roundId": {"nested": True}})

    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")
    assert "roundId" in response.json()["error"]


@pytest.mark.parametrize(
    "raw", [b"not json", b"", b"[1, 2]", b'"a string"', b'{"sessionToken": ', b"null"], ids=repr
)
async def test_a_body_that_is_not_a_json_object_is_invalid(raw: bytes, gateway: Gateway) -> None:
    response = await gateway.signed("getBalance", raw)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"
    assert gateway.rpc.sent == []


async def test_unknown_fields_are_ignored(gateway: Gateway, debit_body: dict[str, Any]) -> None:
    response = await gateway.signed("debit", debit_body | {"promo": "x", "amount": 5})

    assert response.status_code == 200
    assert gateway.rpc.sent[0].command.model_dump(by_alias=True)["request"]["amount"] == 5


async def test_the_command_on_the_wire_is_camel_case(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    await gateway.signed(
        "rollback", {"sessionToken": "t", "transactionId": "rb", "originalTransactionId": "bet"}
    )

    wire = json.loads(gateway.rpc.sent[0].command.model_dump_json(by_alias=True))
    assert wire["command"] == "rollback"
    assert wire["request"]["originalTransactionId"] == "bet"
