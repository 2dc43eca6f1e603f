"""Secret settings and the RPC reply envelope."""

import pytest
from pydantic import SecretStr, TypeAdapter, ValidationError

from contracts.errors import CATALOGUE, ErrorBody, ErrorCode
from contracts.rpc import RpcReply
from contracts.secrets import InsecureSecretError, OptionalSecret, SecretList, check_secrets

SECRET_LIST: TypeAdapter[tuple[SecretStr, ...]] = TypeAdapter(SecretList)


def values(secrets: tuple[SecretStr, ...]) -> list[str]:
    return [secret.get_secret_value() for secret in secrets]


@pytest.mark.parametrize("given", [" new , old ,", ["new ", "", " old"], ("new", SecretStr("old"))])
def test_a_secret_list_is_comma_separated_or_a_sequence_trimmed(given: object) -> None:
    assert values(SECRET_LIST.validate_python(given)) == ["new", "old"]


def test_a_secret_list_shows_no_secret() -> None:
    secrets = SECRET_LIST.validate_python("first-secret,second-secret")

    assert "secret" not in repr(secrets)
    assert "secret" not in SECRET_LIST.dump_json(secrets).decode()


def test_an_empty_optional_secret_is_not_configured() -> None:
    adapter: TypeAdapter[SecretStr | None] = TypeAdapter(OptionalSecret)

    assert adapter.validate_python("") is None
    assert adapter.validate_python(None) is None
    assert adapter.validate_python("key").get_secret_value() == "key"  # type: ignore[union-attr]


def test_development_accepts_any_non_empty_secret() -> None:
    check_secrets("CASINO_SECRET", (SecretStr("dev-casino-secret"),), "development")
    with pytest.raises(InsecureSecretError, match="CASINO_SECRET is empty"):
        check_secrets("CASINO_SECRET", (), "development")


@pytest.mark.parametrize("secret", ["dev-casino-secret", "changeme" * 5, "short-but-random"])
def test_production_refuses_default_looking_or_short_secrets_without_naming_them(
    secret: str,
) -> None:
    with pytest.raises(InsecureSecretError, match="CASINO_SECRET") as refused:
        check_secrets("CASINO_SECRET", (SecretStr(secret),), "production")
    assert secret not in str(refused.value)


def test_production_accepts_a_long_random_secret() -> None:
    check_secrets("CASINO_SECRET", (SecretStr("q8Vv3kP0xZr7LmN2bT5yW9hJ4cF6gD1s"),), "production")


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
