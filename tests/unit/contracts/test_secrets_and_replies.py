"""Secret settings and the RPC reply envelope."""

import pytest
from pydantic import ValidationError

from contracts.errors import CATALOGUE, ErrorBody, ErrorCode
from contracts.rpc import RpcReply
from contracts.secrets import InsecureSecretError, check_secrets, parse_secret_list


def test_a_secret_list_is_comma_separated_and_trimmed() -> None:
    assert parse_secret_list(" new , old ,") == ("new", "old")


def test_development_accepts_any_non_empty_secret() -> None:
    check_secrets("CASINO_SECRET", ("dev-casino-secret",), "development")
    with pytest.raises(InsecureSecretError):
        check_secrets("CASINO_SECRET", (), "development")


@pytest.mark.parametrize("secret", ["dev-casino-secret", "changeme" * 5, "short-but-random"])
def test_production_refuses_default_looking_or_short_secrets(secret: str) -> None:
    with pytest.raises(InsecureSecretError):
        check_secrets("CASINO_SECRET", (secret,), "production")


def test_production_accepts_a_long_random_secret() -> None:
    check_secrets("CASINO_SECRET", ("q8Vv3kP0xZr7LmN2bT5yW9hJ4cF6gD1s",), "production")


def test_every_error_code_has_a_catalogue_entry() -> None:
    assert set(CATALOGUE) == set(ErrorCode)
    assert [c for c, kind in CATALOGUE.items() if kind.retryable] == [
        ErrorCode.WALLET_UNAVAILABLE,
        ErrorCode.PROVIDER_UNAVAILABLE,
        ErrorCode.CASINO_UNAVAILABLE,
        ErrorCode.INTERNAL_ERROR,
    ]


def test_an_rpc_reply_has_exactly_one_of_result_or_error() -> None:
    RpcReply(result={"success": True})
    RpcReply(error=ErrorBody.of(ErrorCode.INSUFFICIENT_FUNDS))
    with pytest.raises(ValidationError):
        RpcReply()
    with pytest.raises(ValidationError):
        RpcReply(result={}, error=ErrorBody.of(ErrorCode.INSUFFICIENT_FUNDS))


def test_an_error_body_carries_the_catalogue_status_and_retryability() -> None:
    body = ErrorBody.of(ErrorCode.WALLET_UNAVAILABLE)
    assert (body.status, body.retryable, body.success) == (503, True, False)
