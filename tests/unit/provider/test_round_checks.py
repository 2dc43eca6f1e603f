"""What a round refuses before it starts, and how a bad body is named in the 400."""

import json

import pytest
from pydantic import ValidationError

from contracts.errors import ErrorCode
from contracts.provider import ProviderLaunchRequest, RoundAction
from provider.errors import InvalidAmountError, InvalidRequestError, validation_reply
from provider.rounds import check_actions


def test_a_playable_action_list_passes() -> None:
    check_actions(
        [
            RoundAction(type="balance_check"),
            RoundAction(type="bet", amount=1),
            RoundAction(type="payout", amount=0),
            RoundAction(type="rollback", bet_index=0),
        ]
    )


@pytest.mark.parametrize(
    ("action", "error", "field"),
    [
        (RoundAction(type="bet"), InvalidRequestError, "actions[1].amount"),
        (RoundAction(type="bet", amount=0), InvalidAmountError, "actions[1].amount"),
        (RoundAction(type="payout"), InvalidRequestError, "actions[1].amount"),
        (RoundAction(type="rollback"), InvalidRequestError, "actions[1].betIndex"),
    ],
)
def test_impossible_actions_are_refused_naming_the_field(
    action: RoundAction, error: type[Exception], field: str
) -> None:
    with pytest.raises(error, match=field.replace("[", r"\[").replace("]", r"\]")):
        check_actions([RoundAction(type="balance_check"), action])


def reply_to(body: str) -> dict[str, object]:
    with pytest.raises(ValidationError) as caught:
        ProviderLaunchRequest.model_validate_json(body)
    response = validation_reply(caught.value)
    assert response.status_code == 400
    parsed: dict[str, object] = json.loads(bytes(response.body))
    return parsed


LAUNCH = {
    "casinoCode": "c",
    "playerId": "p",
    "gameId": "g",
    "sessionToken": "t",
    "currency": "USD",
    "balance": 100,
}


@pytest.mark.parametrize("balance", [10.5, "100", True, None, -1, 10**15 + 1])
def test_a_bad_amount_is_invalid_amount_naming_the_field(balance: object) -> None:
    reply = reply_to(json.dumps({**LAUNCH, "balance": balance}))
    assert reply["code"] == ErrorCode.INVALID_AMOUNT
    assert str(reply["error"]).startswith("balance:")


def test_a_missing_field_is_invalid_request_naming_it() -> None:
    body = {key: value for key, value in LAUNCH.items() if key != "sessionToken"}
    reply = reply_to(json.dumps(body))
    assert reply["code"] == ErrorCode.INVALID_REQUEST
    assert str(reply["error"]).startswith("sessionToken:")
    assert reply["retryable"] is False


def test_a_body_that_is_not_json_is_invalid_request() -> None:
    reply = reply_to("{not json")
    assert reply == {
        "success": False,
        "error": "the body is not valid JSON",
        "code": "INVALID_REQUEST",
        "retryable": False,
    }
