"""A body that does not validate is refused the same way by every service
(`ErrorBody.of_invalid`): INVALID_AMOUNT when an amount is at fault, else INVALID_REQUEST,
each field at fault named as the caller wrote it."""

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from contracts.errors import ErrorBody, ErrorCode
from contracts.money import MAX_BALANCE
from contracts.provider import ProviderLaunchRequest, ProviderSimulateRequest
from contracts.rpc import DebitCommand

LAUNCH = {
    "casinoCode": "c",
    "playerId": "p",
    "gameId": "g",
    "sessionToken": "t",
    "currency": "USD",
    "balance": 100,
}


def refusal(model: type[BaseModel], body: str | dict[str, Any]) -> ErrorBody:
    with pytest.raises(ValidationError) as caught:
        model.model_validate_json(body if isinstance(body, str) else json.dumps(body))
    return ErrorBody.of_invalid(caught.value.errors())


def simulate(*actions: dict[str, Any], **fields: object) -> dict[str, Any]:
    return {"casinoCode": "c", "sessionToken": "t", "gameId": "g", "actions": actions, **fields}


@pytest.mark.parametrize("amount", [10.5, 10.0, "100", True, -1, 10**15 + 1])
def test_a_bad_amount_is_invalid_amount_naming_the_field(amount: object) -> None:
    body = refusal(ProviderSimulateRequest, simulate({"type": "bet", "amount": amount}))

    assert (body.code, body.status, body.retryable) == (ErrorCode.INVALID_AMOUNT, 400, False)
    assert body.error.startswith("actions[0].amount: amount must be")


def test_an_amount_at_fault_is_named_before_any_other_problem() -> None:
    body = refusal(ProviderSimulateRequest, simulate({"type": "bet", "amount": 1.5}, casinoCode=""))

    assert body.code == ErrorCode.INVALID_AMOUNT
    assert body.error.startswith("actions[0].amount:")
    assert "casinoCode" not in body.error


@pytest.mark.parametrize("balance", [0, 10**15, 10**15 + 1, MAX_BALANCE])
def test_a_balance_may_be_far_above_the_largest_amount(balance: int) -> None:
    """A rich player's wallet is launched with its balance (issue 17: above 10^15 it
    was refused as if it were a bet amount, and launchGame failed with a 500)."""
    request = ProviderLaunchRequest.model_validate_json(json.dumps({**LAUNCH, "balance": balance}))

    assert request.balance == balance


@pytest.mark.parametrize("balance", [10.5, "100", True, None, -1, MAX_BALANCE + 1])
def test_a_bad_balance_is_invalid_request_naming_the_field(balance: object) -> None:
    body = refusal(ProviderLaunchRequest, {**LAUNCH, "balance": balance})

    assert (body.code, body.status, body.retryable) == (ErrorCode.INVALID_REQUEST, 400, False)
    assert body.error.startswith("balance: balance must be")


def test_every_missing_field_is_named() -> None:
    body = refusal(ProviderLaunchRequest, {"casinoCode": "c", "playerId": "p", "gameId": "g"})

    assert body.code == ErrorCode.INVALID_REQUEST
    assert body.error == (
        "sessionToken: Field required; currency: Field required; balance: Field required"
    )


def test_a_nested_field_is_named_by_its_path() -> None:
    body = refusal(
        ProviderSimulateRequest, simulate({"type": "bet", "amount": 1}, {"type": "spin"})
    )

    assert body.error.startswith("actions[1].type: ")


def test_a_command_names_its_request_fields() -> None:
    body = refusal(DebitCommand, {"request": {"sessionToken": "t"}})

    assert body.error.startswith("request.transactionId: Field required")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("{not json", "the body is not valid JSON"),
        ("[1, 2]", "the body must be a JSON object"),
        ("null", "the body must be a JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_invalid_request(raw: str, error: str) -> None:
    assert refusal(ProviderLaunchRequest, raw) == ErrorBody.of(ErrorCode.INVALID_REQUEST, error)


def test_a_body_with_many_problems_names_a_few() -> None:
    body = refusal(ProviderSimulateRequest, simulate(*[{"type": "spin"}] * 40))

    assert body.error.count(";") == 5
    assert body.error.endswith("; and 35 more")
