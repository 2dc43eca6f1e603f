"""The operator's bodies: a limit change tells "remove it" (null) from "leave it"
(absent), and refuses what is not a limit."""

import pytest
from pydantic import ValidationError

from contracts.errors import ErrorBody, ErrorCode
from contracts.operator import GrantFreeRoundsRequest, LimitName, PlayerLimitsChange


def test_a_limit_present_with_null_is_removed_and_an_absent_one_left_alone() -> None:
    change = PlayerLimitsChange.model_validate_json(
        b'{"currency": "USD", "maxBet": 100, "dailyLossLimit": null, "sessionMinutes": 30}'
    )
    assert {(entry.limit, entry.value) for entry in change.changes()} == {
        (LimitName.MAX_BET, 100),
        (LimitName.DAILY_LOSS, None),
        (LimitName.SESSION_MINUTES, 30),
    }


def test_naming_no_limit_changes_nothing() -> None:
    assert PlayerLimitsChange.model_validate_json(b'{"currency": "EUR"}').changes() == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"currency": "USD", "maxBet": 10.5}', ErrorCode.INVALID_AMOUNT),
        (b'{"currency": "USD", "weeklyLossLimit": "100"}', ErrorCode.INVALID_AMOUNT),
        (b'{"currency": "USD", "monthlyLossLimit": -1}', ErrorCode.INVALID_AMOUNT),
        (b'{"currency": "USD", "sessionMinutes": 0}', ErrorCode.INVALID_REQUEST),
        (b'{"currency": "USD", "sessionMinutes": 1.5}', ErrorCode.INVALID_REQUEST),
        (b'{"currency": "usd", "maxBet": 1}', ErrorCode.INVALID_REQUEST),
        (b'{"maxBet": 1}', ErrorCode.INVALID_REQUEST),
    ],
)
def test_what_is_not_a_limit_is_refused_with_a_code(body: bytes, code: ErrorCode) -> None:
    with pytest.raises(ValidationError) as refused:
        PlayerLimitsChange.model_validate_json(body)
    assert ErrorBody.of_invalid(refused.value.errors()).code is code


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"rounds": 0}, ErrorCode.INVALID_REQUEST),
        ({"rounds": 2.0}, ErrorCode.INVALID_REQUEST),
        ({"rounds": 1_000_001}, ErrorCode.INVALID_REQUEST),
        ({"betAmount": 0}, ErrorCode.INVALID_AMOUNT),
        ({"betAmount": 1.5}, ErrorCode.INVALID_AMOUNT),
        ({"expiresAt": "2030-01-01T00:00:00"}, ErrorCode.INVALID_REQUEST),  # no time zone
    ],
)
def test_a_bad_grant_is_refused_with_a_code(fields: dict[str, object], code: ErrorCode) -> None:
    body = {
        "userId": "5f0c3a52-2f5e-4d59-9c2b-7f1b1f3e9a10",
        "gameId": "0b9d8f8e-7a57-4d0b-a3c6-5a3f1b2f4c11",
        "currency": "USD",
        "rounds": 10,
        "betAmount": 100,
        "expiresAt": "2030-01-01T00:00:00Z",
    } | fields
    with pytest.raises(ValidationError) as refused:
        GrantFreeRoundsRequest.model_validate(body)
    assert ErrorBody.of_invalid(refused.value.errors()).code is code
