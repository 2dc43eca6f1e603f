"""Settings come from the environment, and refuse what is unsafe outside development."""

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from gateway.settings import GatewaySettings

STRONG = "k3Jd9sLq2Vx8Nw4Rt6Yp1Zc5Hb7Mf0Ga"
SECRETS_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ENVIRONMENT",
        "AMQP_URL",
        "CASINO_SECRET",
        "OPERATOR_API_KEY",
        "SIMULATE_ROUND_ENABLED",
        "LOG_EVERY_COMMAND",
        "PROVIDER_SECRETS_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


def test_development_defaults_run_out_of_the_box() -> None:
    settings = GatewaySettings()

    assert settings.simulate_round_enabled is True
    assert settings.log_every_command is True
    assert settings.operator_api_key is None
    assert settings.wallet_queue == "casino.wallet.v2"


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")

    with pytest.raises(ValidationError, match="CASINO_SECRET"):
        GatewaySettings()


def test_production_with_real_secrets_disables_simulate_round_and_success_lines_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CASINO_SECRET", f"{STRONG}, {STRONG[::-1]}")
    monkeypatch.setenv("PROVIDER_SECRETS_KEY", SECRETS_KEY)

    settings = GatewaySettings()

    assert [s.get_secret_value() for s in settings.casino_secret] == [STRONG, STRONG[::-1]]
    assert settings.simulate_round_enabled is False
    assert settings.log_every_command is False


def test_production_refuses_a_weak_operator_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CASINO_SECRET", STRONG)
    monkeypatch.setenv("PROVIDER_SECRETS_KEY", SECRETS_KEY)
    monkeypatch.setenv("OPERATOR_API_KEY", "changeme")

    with pytest.raises(ValidationError, match="OPERATOR_API_KEY"):
        GatewaySettings()


def test_an_empty_operator_key_means_none_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPERATOR_API_KEY", "")
    monkeypatch.setenv("SIMULATE_ROUND_ENABLED", "false")

    settings = GatewaySettings()

    assert settings.operator_api_key is None
    assert settings.simulate_round_enabled is False


def test_no_secret_shows_in_a_repr_a_str_or_a_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = [STRONG, STRONG[::-1], f"{STRONG}-operator", "broker-password", SECRETS_KEY]
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PROVIDER_SECRETS_KEY", SECRETS_KEY)
    monkeypatch.setenv("CASINO_SECRET", f"{secrets[0]},{secrets[1]}")
    monkeypatch.setenv("OPERATOR_API_KEY", secrets[2])
    monkeypatch.setenv("AMQP_URL", f"amqp://casino:{secrets[3]}@broker:5672/")

    settings = GatewaySettings()

    assert settings.operator_api_key is not None
    assert settings.operator_api_key.get_secret_value() == secrets[2]
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert not [secret for secret in secrets if secret in shown]


def test_a_refused_secret_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CASINO_SECRET", "a-test-secret-that-is-long-enough-to-pass")

    with pytest.raises(ValidationError, match="CASINO_SECRET") as refused:
        GatewaySettings()

    assert "a-test-secret" not in str(refused.value)
