"""compose.yaml is a whole, runnable description of the system (no Docker engine here, so
it is checked by reading it, and by `docker-compose config` where that tool exists)."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
LONG_RUNNING = [
    "postgres",
    "rabbitmq",
    "gateway",
    "casino-wallet",
    "casino-lobby",
    "provider",
    "provider-acme",
]
APPS = ["gateway", "casino-wallet", "casino-lobby", "provider", "provider-acme"]
RESTARTING = {"always", "unless-stopped", "on-failure"}


def test_the_services_are_all_there() -> None:
    assert set(LONG_RUNNING) | {"migrate"} <= set(SERVICES)


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_a_long_running_service_has_a_healthcheck_and_a_restart_policy(name: str) -> None:
    service = SERVICES[name]
    assert service["restart"] in RESTARTING
    check = service["healthcheck"]
    assert check["test"][0] in {"CMD", "CMD-SHELL"}
    assert {"interval", "timeout", "retries"} <= set(check)


@pytest.mark.parametrize("name", APPS)
def test_an_app_is_ready_only_when_its_ready_endpoint_says_so(name: str) -> None:
    """The healthcheck asks /ready on the port the service's own settings make it listen on."""
    service = SERVICES[name]
    env = service["environment"]
    ports = {
        "gateway": "8000",
        "provider": "8002",
        "provider-acme": "8003",
        "casino-wallet": env["WALLET_PROBES_PORT"],
        "casino-lobby": env["LOBBY_PROBES_PORT"],
    }
    command = " ".join(service["healthcheck"]["test"])
    assert f"http://127.0.0.1:{ports[name]}/ready" in command
    assert env["PROBES_HOST"] == env["PROVIDER_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_dependency_exists_and_can_be_waited_for(name: str) -> None:
    for dependency, condition in (SERVICES[name].get("depends_on") or {}).items():
        assert dependency in SERVICES, dependency
        if condition["condition"] == "service_healthy":
            assert "healthcheck" in SERVICES[dependency], dependency
        if condition["condition"] == "service_completed_successfully":
            assert SERVICES[dependency]["restart"] == "no", dependency


def test_migrations_and_seed_run_once_after_postgres_is_healthy() -> None:
    migrate = SERVICES["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    script = " ".join(migrate["command"])
    for step in ("casino migrate", "casino seed", "game-provider migrate", "game-provider seed"):
        assert step in script
    for app in ("casino-wallet", "casino-lobby", "provider"):
        assert SERVICES[app]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_the_second_provider_has_its_own_identity_database_and_migrations() -> None:
    """Two providers, each with its own game and database, both seeded on both sides."""
    first, second = SERVICES["provider"]["environment"], SERVICES["provider-acme"]["environment"]
    assert second["PROVIDER_CODE"] == "acme-games" != first.get("PROVIDER_CODE", "demo-provider")
    assert second["PROVIDER_GAME_CODE"] == "acme-fruits"
    assert second["PROVIDER_DATABASE_URL"].endswith("/provider_acme")
    assert first["PROVIDER_DATABASE_URL"].endswith("/provider")
    assert second["PROVIDER_PORT"] == "8003"
    assert second["CASINO_SECRET"] != first["CASINO_SECRET"]
    assert second["PROVIDER_SECRET"] != first["PROVIDER_SECRET"]
    migrate = SERVICES["provider-acme-migrate"]
    assert migrate["environment"] == second
    assert "game-provider migrate" in " ".join(migrate["command"])
    assert "game-provider seed" in " ".join(migrate["command"])
    assert "--second-provider-url http://provider-acme:8003" in " ".join(
        SERVICES["migrate"]["command"]
    )
    assert "provider_acme" in (ROOT / "deploy/postgres/init.sql").read_text()


def test_data_lives_in_named_volumes() -> None:
    volumes = COMPOSE["volumes"]
    for name, path in (("postgres", "/var/lib/postgresql/data"), ("rabbitmq", "/var/lib/rabbitmq")):
        [named] = [v for v in SERVICES[name]["volumes"] if v.endswith(f":{path}")]
        assert named.split(":")[0] in volumes


def test_the_wallet_worker_scales() -> None:
    """No fixed host port and no container name: `--scale casino-wallet=3` works."""
    worker = SERVICES["casino-wallet"]
    assert "ports" not in worker
    assert "container_name" not in worker


@pytest.mark.parametrize("name", APPS)
def test_apps_are_configured_only_through_documented_environment_variables(name: str) -> None:
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / "deploy/.env.example").read_text(), re.M)
    )
    service = SERVICES[name]
    assert not service.get("env_file")
    assert not service.get("volumes")
    assert set(service["environment"]) <= documented


def test_graceful_shutdown_has_time_to_drain() -> None:
    """SIGTERM, then SIGKILL after stop_grace_period: longer than the worker's drain."""
    from casino.lobby.app import GRACEFUL_TIMEOUT_SECONDS as LOBBY_GRACE
    from casino.wallet.consumer import GRACEFUL_TIMEOUT_SECONDS as WALLET_GRACE

    def seconds(text: str) -> float:
        return float(text.removesuffix("s"))

    assert seconds(SERVICES["casino-wallet"]["stop_grace_period"]) > WALLET_GRACE
    assert seconds(SERVICES["casino-lobby"]["stop_grace_period"]) > LOBBY_GRACE


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_accepts_the_file() -> None:
    done = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
