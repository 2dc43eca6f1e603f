"""Restart the local PostgreSQL and RabbitMQ under a running system, and make sure they
come back whatever happens to the test.

These stop servers that other test runs on this machine share: run them only while
holding the exclusive lock (`flock -x /tmp/casino-infra.lock`). They need the local
servers and their control commands (pg_ctlcluster, rabbitmqctl); with testcontainers or
remote servers they are skipped, with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from tests.support.infrastructure import LOCAL_AMQP_URL, LOCAL_POSTGRES_URL, answers

POSTGRES_CONF = Path("/etc/postgresql")


def cannot_restart(postgres_url: str, amqp_url: str) -> str | None:
    """Why the suite cannot restart the servers here, or None when it can."""
    if postgres_url != LOCAL_POSTGRES_URL or amqp_url != LOCAL_AMQP_URL:
        return "restart faults need the local PostgreSQL and RabbitMQ (not containers)"
    if shutil.which("pg_ctlcluster") is None or not _postgres_cluster():
        return "restart faults need pg_ctlcluster and a cluster under /etc/postgresql"
    if shutil.which("rabbitmqctl") is None:
        return "restart faults need rabbitmqctl"
    return None


def _postgres_cluster() -> list[str]:
    """[version, name] of the first local cluster, e.g. ['15', 'main']."""
    for version in sorted(POSTGRES_CONF.glob("*")) if POSTGRES_CONF.exists() else []:
        for cluster in sorted(version.glob("*")):
            return [version.name, cluster.name]
    return []


def _pg_ctl(action: str, *extra: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *_postgres_cluster(), action, *extra],
        check=True,
        capture_output=True,
        timeout=60,
    )


def stop_postgres_immediately() -> None:
    """As a crash would: no checkpoint, every connection cut."""
    _pg_ctl("stop", "-m", "immediate")


def start_postgres() -> None:
    _pg_ctl("start")
    _wait_for(LOCAL_POSTGRES_URL, "PostgreSQL")


def stop_rabbitmq() -> None:
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True, timeout=60)


def start_rabbitmq() -> None:
    subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True, timeout=120)
    _wait_for(LOCAL_AMQP_URL, "RabbitMQ")


def ensure_running() -> None:
    """Bring back whichever of the two is down (for teardown, even after a failure)."""
    if not answers(LOCAL_POSTGRES_URL) and _postgres_cluster():
        _pg_ctl("start")
    if not answers(LOCAL_AMQP_URL) and shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "-q", "start_app"], capture_output=True, timeout=120)
    _wait_for(LOCAL_POSTGRES_URL, "PostgreSQL")
    _wait_for(LOCAL_AMQP_URL, "RabbitMQ")


def _wait_for(url: str, what: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not answers(url):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come back within {within}s")
        time.sleep(0.2)
