"""The provider's settings: secret lists, and what it refuses outside development."""

import pytest
from pydantic import SecretStr, ValidationError

from provider.settings import ProviderSettings

STRONG = "k3Q9v7LrXw2mZp8TnB4yHc6JdF1sGq5E"
STRONG_TOO = "R8uW2xN5bV7cM1zL4kJ6hG9fD3sA0pQe"


def values(secrets: tuple[SecretStr, ...]) -> list[str]:
    return [secret.get_secret_value() for secret in secrets]


def test_secret_lists_split_on_commas_and_the_first_signs() -> None:
    settings = ProviderSettings(casino_secret=" new , old ", provider_secret="p1,p2")
    assert values(settings.casino_secret) == ["new", "old"]
    assert settings.signing_secret.get_secret_value() == "new"
    assert values(settings.provider_secret) == ["p1", "p2"]


def test_development_defaults_are_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="PROVIDER_SECRET"):
        ProviderSettings(environment="production")


def test_an_empty_secret_is_refused_even_in_development() -> None:
    with pytest.raises(ValidationError, match="CASINO_SECRET is empty"):
        ProviderSettings(casino_secret=" , ")


def test_production_starts_with_real_secrets() -> None:
    settings = ProviderSettings(
        environment="production", provider_secret=STRONG, casino_secret=STRONG_TOO
    )
    assert settings.signing_secret.get_secret_value() == STRONG_TOO


def test_fault_injection_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="FAULT_LOSE_RESPONSE_RATIO"):
        ProviderSettings(
            environment="production",
            provider_secret=STRONG,
            casino_secret=STRONG_TOO,
            fault_lose_response_ratio=0.1,
        )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASINO_SECRET", "a,b")
    monkeypatch.setenv("CASINO_RETRY_ATTEMPTS", "7")
    monkeypatch.setenv("FAULT_LOSE_RESPONSE_RATIO", "0.25")
    monkeypatch.setenv("FAULT_SEED", "9")
    settings = ProviderSettings()
    assert values(settings.casino_secret) == ["a", "b"]
    assert settings.casino_retry_attempts == 7
    assert (settings.fault_lose_response_ratio, settings.fault_seed) == (0.25, 9)


def test_no_secret_shows_in_a_repr_a_str_or_a_dump() -> None:
    database_password = "database-password"
    settings = ProviderSettings(
        environment="production",
        provider_secret=f"{STRONG},{STRONG[::-1]}",
        casino_secret=STRONG_TOO,
        provider_database_url=f"postgresql+asyncpg://provider:{database_password}@db/provider",
    )

    secrets = [STRONG, STRONG[::-1], STRONG_TOO, database_password]
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert not [secret for secret in secrets if secret in shown]


def test_a_refused_secret_is_not_echoed() -> None:
    with pytest.raises(ValidationError, match="CASINO_SECRET") as refused:
        ProviderSettings(environment="production", provider_secret=STRONG, casino_secret="weak")

    assert "weak" not in str(refused.value)
