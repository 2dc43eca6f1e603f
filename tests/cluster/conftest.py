"""The cluster suite: a local three-node RabbitMQ cluster and a PostgreSQL primary with a
synchronous standby, each started once per module by the project's scripts
(scripts/rabbitmq-cluster, scripts/postgres-standby) and always stopped and wiped after.

Their data lives in a fresh folder under /tmp (which the postgres user can reach, unlike
pytest's own temporary folders), with node names and ports of the run's own, so that
the suite runs beside a developer's cluster and beside the system's RabbitMQ and
PostgreSQL, which it never touches.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import cluster
from tests.support.infrastructure import RUN_ID


@contextlib.contextmanager
def _fresh_folder(label: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=f"casino-{label}-{RUN_ID}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def rabbitmq_cluster() -> Iterator[cluster.ClusterInfo]:
    if reason := cluster.rabbitmq_missing():
        pytest.skip(reason)
    with (
        _fresh_folder("rabbitmq-cluster") as folder,
        cluster.rabbitmq_cluster(folder, name=f"casino-test-{RUN_ID}") as info,
    ):
        yield info


@pytest.fixture(scope="module")
def postgres_pair() -> Iterator[cluster.PairInfo]:
    if reason := cluster.postgres_missing():
        pytest.skip(reason)
    with _fresh_folder("postgres-pair") as folder, cluster.postgres_pair(folder) as pair:
        yield pair
