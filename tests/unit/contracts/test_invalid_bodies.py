"""A body that does not validate is refused the same way by every service
(`ErrorBody.of_invalid`): INVALID_AMOUNT when an amount is at fault, else INVALID_REQUEST,
each field at fault named as the caller wrote it."""

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from contracts.errors import ErrorBody, ErrorCode
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


@pytest.mark.parametrize("balance", [10.5, "100", True, None, -1, 10**15 + 1])
def test_a_bad_amount_is_invalid_amount_naming_the_field(balance: object) -> None:
    body = refusal(ProviderLaunchRequest, {**LAUNCH, "balance": balance})

    assert (body.code, body.status, body.retryable) == (ErrorCode.INVALID_AMOUNT, 400, False)
    assert body.error.startswith("balance: amount must be")


def test_an_amount_at_fault_is_named_before_any_other_problem() -> None:
    body = refusal(ProviderLaunchRequest, {**LAUNCH, "playerId": "", "balance": 1.5})

    assert body.code == ErrorCode.INVALID_AMOUNT
    assert body.error.startswith("balance:")
    assert "playerId" not in body.error


def test_every_missing_field_is_named() -> None:
    body = refusal(ProviderLaunchRequest, {"casinoCode": "c", "playerId": "p", "gameId": "g"})

    assert body.code == ErrorCode.INVALID_REQUEST
    assert body.error == (
        "sessionToken: Field required; currency: Field required; balance: Field required"
    )


def test_a_nested_field_is_named_by_its_path() -> None:
    actions = [{"type": "bet", "amount": 1}, {"type": "spin"}]
    body = refusal(
        ProviderSimulateRequest,
        {"casinoCode": "c", "sessionToken": "t", "gameId": "g", "actions": actions},
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
    actions = [{"type": "spin"}] * 40
    body = refusal(
        ProviderSimulateRequest,
        {"casinoCode": "c", "sessionToken": "t", "gameId": "g", "actions": actions},
    )

    assert body.error.count(";") == 5
    assert body.error.endswith("; and 35 more")
