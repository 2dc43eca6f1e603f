"""The casino's settings keep their secrets out of every way they can be shown."""

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from casino.settings import CasinoSettings

STRONG = "k7Qp2xVb9LmN4rTz8WcY1hJd6FsG3aEu"


def test_no_secret_shows_in_a_repr_a_str_or_a_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    secrets = [STRONG, STRONG[::-1], f"{STRONG}-operator", "db-password", "broker-password", key]
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PROVIDER_SECRET", f"{secrets[0]},{secrets[1]}")
    monkeypatch.setenv("OPERATOR_API_KEY", secrets[2])
    monkeypatch.setenv("CASINO_DATABASE_URL", f"postgresql+asyncpg://casino:{secrets[3]}@db/casino")
    monkeypatch.setenv("AMQP_URL", f"amqp://casino:{secrets[4]}@broker:5672/")
    monkeypatch.setenv("PROVIDER_SECRETS_KEY", key)

    settings = CasinoSettings()

    assert settings.signing_secret.get_secret_value() == secrets[0]
    assert secrets[3] in settings.casino_database_url.get_secret_value()
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert not [secret for secret in secrets if secret in shown]


def test_production_refuses_the_development_key_of_provider_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PROVIDER_SECRET", STRONG)

    with pytest.raises(ValidationError, match="PROVIDER_SECRETS_KEY is the development key"):
        CasinoSettings()


def test_a_refused_secret_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PROVIDER_SECRET", "a-test-secret-that-is-long-enough-to-pass")

    with pytest.raises(ValidationError, match="PROVIDER_SECRET") as refused:
        CasinoSettings()

    assert "a-test-secret" not in str(refused.value)
