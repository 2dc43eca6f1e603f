"""A RabbitMQ cluster and a PostgreSQL primary with its synchronous standby on this
machine, for the tests that need more than one node (tests/cluster and the failover tests).

Both are started and stopped by the project's own scripts (scripts/rabbitmq-cluster,
scripts/postgres-standby), so that the tests exercise what a developer runs by hand. The
context managers always stop and wipe what they started, even when the test fails or the
start itself fails half-way. Ports are chosen free at start, and the cluster's node names
carry a prefix of their own, so a test run and a developer's cluster can run side by side.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RABBITMQ_CLUSTER = ROOT / "scripts" / "rabbitmq-cluster"
POSTGRES_STANDBY = ROOT / "scripts" / "postgres-standby"
RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
POSTGRES_BINARIES = Path("/usr/lib/postgresql")
# Starting three Erlang VMs on a loaded 2-core machine takes a while; joining, longer.
START_TIMEOUT_SECONDS = 240
COMMAND_TIMEOUT_SECONDS = 120


class ClusterCommandError(RuntimeError):
    """A script of ours failed; the message carries the end of what it said."""


def rabbitmq_missing() -> str | None:
    """Why a local RabbitMQ cluster cannot be started here, or None when it can."""
    if RABBITMQ_SERVER.exists() or shutil.which("rabbitmq-server"):
        return None
    return "rabbitmq-server is not installed: the cluster tests start local RabbitMQ nodes"


def postgres_missing() -> str | None:
    """Why a local PostgreSQL pair cannot be started here, or None when it can."""
    installed = sorted(POSTGRES_BINARIES.glob("*/bin/pg_basebackup"))
    if installed or (shutil.which("pg_basebackup") and shutil.which("initdb")):
        return None
    return "pg_basebackup is not installed: the standby tests start a local PostgreSQL pair"


def _run(script: Path, *args: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> str:
    """The script's stdout; its stderr (progress and errors) only when it fails."""
    done = subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise ClusterCommandError(
            f"{script.name} {' '.join(args)} exited {done.returncode}:\n" + "\n".join(said)
        )
    return done.stdout


def free_base_port(count: int, start: int, spans: tuple[int, ...] = (0,)) -> int:
    """The first port from `start` such that `count` consecutive ports are free, and free
    again at each offset of `spans` (RabbitMQ's distribution ports sit 20000 above)."""
    for base in range(start, start + 2000, count):
        ports = [base + i + span for i in range(count) for span in spans]
        if all(_port_free(port) for port in ports):
            return base
    raise RuntimeError(f"no {count} free ports from {start}")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# --- RabbitMQ ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterInfo:
    """A running cluster: node i (from 1) is node_names[i-1], reachable at urls[i-1]."""

    urls: tuple[str, ...]
    node_names: tuple[str, ...]
    base_dir: Path

    @property
    def multi_node_url(self) -> str:
        """Every node's URL, comma-separated: the form a multi-node AMQP setting takes."""
        return ",".join(self.urls)

    def _script(self, command: str, *args: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> str:
        # --dir before the rest: `ctl N …` hands everything after N to rabbitmqctl.
        return _run(RABBITMQ_CLUSTER, command, "--dir", str(self.base_dir), *args, timeout=timeout)

    def stop_node(self, i: int) -> None:
        """Stop node i as an operator would (`rabbitmqctl stop`): the others carry on."""
        self._script("stop-node", str(i))

    def kill_node(self, i: int) -> None:
        """SIGKILL node i's Erlang VM, as a crash would."""
        self._script("kill-node", str(i))

    def start_node(self, i: int) -> None:
        """Start node i again; it rejoins the cluster it was in."""
        self._script("start-node", str(i), timeout=START_TIMEOUT_SECONDS)

    def node_index(self, node_name: str) -> int:
        return self.node_names.index(node_name) + 1

    def running_nodes(self, asking: int | None = None) -> set[str]:
        """The nodes that cluster_status shows running, as node `asking` (default: the
        first that answers) sees them."""
        return set(self.rabbitmqctl_json("cluster_status", asking=asking)["running_nodes"])

    def quorum_queue(self, name: str) -> dict[str, Any]:
        """The queue's `name`, `leader`, `members` and `online` (members up)."""
        for queue in self.rabbitmqctl_json(
            "list_queues", "name", "leader", "members", "online", "type"
        ):
            if queue["name"] == name:
                return dict(queue)
        raise LookupError(f"no queue {name!r} in the cluster")

    def queue_leader(self, name: str) -> str:
        """The node that leads the quorum queue `name` now."""
        return str(self.quorum_queue(name)["leader"])

    def rabbitmqctl_json(self, *args: str, asking: int | None = None) -> Any:
        """`rabbitmqctl <args> --formatter json` against node `asking`, or by default the
        first node that answers."""
        failures = []
        for i in [asking] if asking else range(1, len(self.node_names) + 1):
            try:
                return json.loads(self._script("ctl", str(i), *args, "--formatter", "json"))
            except ClusterCommandError as failure:
                failures.append(str(failure))
        raise ClusterCommandError("no node answered:\n" + "\n".join(failures))

    def wait_until_running(self, node_names: set[str], within: float = 60) -> None:
        deadline = time.monotonic() + within
        while (running := self.running_nodes()) != node_names:
            if time.monotonic() > deadline:
                raise TimeoutError(f"running nodes {sorted(running)}, not {sorted(node_names)}")
            time.sleep(1)


@contextlib.contextmanager
def rabbitmq_cluster(
    base_dir: Path, nodes: int = 3, name: str = "casino-test", base_port: int | None = None
) -> Iterator[ClusterInfo]:
    """A cluster of `nodes` nodes named `<name>-r1@localhost`…, its data in `base_dir`,
    stopped and wiped on exit whatever happened."""
    base_port = base_port or free_base_port(nodes, 5711, spans=(0, 20000))
    try:
        urls = _run(
            RABBITMQ_CLUSTER,
            "start",
            "--dir",
            str(base_dir),
            "--nodes",
            str(nodes),
            "--base-port",
            str(base_port),
            "--name",
            name,
            timeout=START_TIMEOUT_SECONDS,
        ).strip()
        statuses = _run(RABBITMQ_CLUSTER, "status", "--dir", str(base_dir)).splitlines()
        yield ClusterInfo(
            urls=tuple(urls.split(",")),
            node_names=tuple(line.split()[0] for line in statuses),
            base_dir=base_dir,
        )
    finally:
        _run(RABBITMQ_CLUSTER, "stop", "--wipe", "--dir", str(base_dir))


# --- PostgreSQL -------------------------------------------------------------------------


@dataclass(frozen=True)
class PairInfo:
    """A primary and its synchronous standby; `multi_host_url` names both, and with
    target_session_attrs=read-write reaches whichever is the primary."""

    primary_url: str
    standby_url: str
    multi_host_url: str
    base_dir: Path

    def promote_standby(self) -> None:
        """Stop the primary at once (as a crash would), then promote the standby."""
        _run(POSTGRES_STANDBY, "promote", "--dir", str(self.base_dir))

    def status(self) -> list[str]:
        """One line per server: which it is, where, and its role now."""
        done = subprocess.run(
            [str(POSTGRES_STANDBY), "status", "--dir", str(self.base_dir)],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        return done.stdout.splitlines()


@contextlib.contextmanager
def postgres_pair(base_dir: Path) -> Iterator[PairInfo]:
    """A primary and a synchronous standby with their data in `base_dir` (which the
    postgres user must be able to reach), stopped and wiped on exit whatever happened."""
    primary_port = free_base_port(2, 5451)
    standby_port = primary_port + 1
    try:
        multi_host_url = _run(
            POSTGRES_STANDBY,
            "start",
            "--dir",
            str(base_dir),
            "--primary-port",
            str(primary_port),
            "--standby-port",
            str(standby_port),
            timeout=START_TIMEOUT_SECONDS,
        ).strip()
        yield PairInfo(
            primary_url=f"postgresql://postgres@127.0.0.1:{primary_port}/postgres",
            standby_url=f"postgresql://postgres@127.0.0.1:{standby_port}/postgres",
            multi_host_url=multi_host_url,
            base_dir=base_dir,
        )
    finally:
        _run(POSTGRES_STANDBY, "stop", "--wipe", "--dir", str(base_dir))
