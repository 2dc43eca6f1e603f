"""Amounts are whole minor units: every other JSON shape is INVALID_AMOUNT."""

import pytest
from pydantic import ValidationError

from contracts.money import INVALID_AMOUNT_ERROR, MAX_AMOUNT
from contracts.wallet import CreditRequest, DebitRequest

BODY = '{{"sessionToken":"s","transactionId":"t","roundId":"r","amount":{amount}}}'


@pytest.mark.parametrize(
    "amount", ["10.5", "10.0", '"100"', "true", "false", "null", "-1", str(MAX_AMOUNT + 1)]
)
def test_a_debit_refuses_anything_but_whole_minor_units(amount: str) -> None:
    with pytest.raises(ValidationError) as raised:
        DebitRequest.model_validate_json(BODY.format(amount=amount))
    assert [e["type"] for e in raised.value.errors()] == [INVALID_AMOUNT_ERROR]
    assert raised.value.errors()[0]["loc"] == ("amount",)


def test_a_debit_needs_at_least_one_minor_unit() -> None:
    with pytest.raises(ValidationError):
        DebitRequest.model_validate_json(BODY.format(amount=0))
    assert DebitRequest.model_validate_json(BODY.format(amount=1)).amount == 1


def test_a_credit_may_be_zero_and_up_to_the_limit() -> None:
    assert CreditRequest.model_validate_json(BODY.format(amount=0)).amount == 0
    assert CreditRequest.model_validate_json(BODY.format(amount=MAX_AMOUNT)).amount == MAX_AMOUNT


def test_a_missing_amount_is_a_plain_missing_field() -> None:
    with pytest.raises(ValidationError) as raised:
        DebitRequest.model_validate_json('{"sessionToken":"s","transactionId":"t","roundId":"r"}')
    assert raised.value.errors()[0]["type"] == "missing"


def test_unknown_fields_are_ignored_and_camel_case_round_trips() -> None:
    body = DebitRequest.model_validate_json(
        '{"sessionToken":"s","transactionId":"t","roundId":"r","amount":5,"extra":{"x":1}}'
    )
    assert body.to_wire() == {
        "sessionToken": "s",
        "transactionId": "t",
        "roundId": "r",
        "amount": 5,
        "roundClosed": False,
    }
