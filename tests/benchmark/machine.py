"""The machine the figures come from: its size, its versions, how busy it was, and the
memory of each service process.

Figures taken while something else runs (another engineer's test suite on this 2-core
machine) are distorted; the benchmark records the load average and any pytest processes
before each measurement, and can wait for a quiet machine first (`--wait-quiet`).
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

QUIET_LOAD = 0.5


def rss_kib(pid: int) -> int | None:
    """VmRSS of process `pid` in KiB (None if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else None


def rss_of(pids: dict[str, int]) -> dict[str, int | None]:
    return {name: rss_kib(pid) for name, pid in pids.items()}


class RssSampler:
    """Each service's RSS every `every` seconds while the `with` block runs, so a long run
    shows whether memory grows throughout (a leak) or levels off (warming caches), which
    its start and end alone cannot tell."""

    def __init__(self, pids: dict[str, int], every: float) -> None:
        self._pids, self._every = pids, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.samples: list[dict[str, Any]] = []

    def __enter__(self) -> RssSampler:
        self._began = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            at = round(time.monotonic() - self._began, 1)
            self.samples.append({"at_s": at, **rss_of(self._pids)})


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time process `pid` has used so far (None if it is gone): the
    difference over a run says which service the time went to."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(pids: dict[str, int]) -> dict[str, float | None]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


def cpu_shares(
    before: dict[str, float | None], after: dict[str, float | None], elapsed_s: float
) -> dict[str, float | None]:
    """Each process's CPU use over `elapsed_s`, as a share of one core."""
    shares: dict[str, float | None] = {}
    for name, start in before.items():
        end = after.get(name)
        if start is None or end is None or elapsed_s <= 0:
            shares[name] = None
        else:
            shares[name] = round((end - start) / elapsed_s, 2)
    return shares


def other_pytests() -> list[str]:
    """Command lines of running pytest processes (not this one)."""
    found = subprocess.run(["pgrep", "-af", "pytest"], capture_output=True, text=True)
    own = {str(os.getpid()), str(os.getppid())}
    return [line for line in found.stdout.splitlines() if line.split(" ", 1)[0] not in own]


def load_state() -> dict[str, Any]:
    load1, load5, _ = os.getloadavg()
    pytests = other_pytests()
    return {
        "load_1m": round(load1, 2),
        "load_5m": round(load5, 2),
        "pytest_processes": len(pytests),
        "quiet": load1 < QUIET_LOAD and not pytests,
    }


def wait_quiet(within_s: float, poll_s: float = 10.0) -> dict[str, Any]:
    """Wait up to `within_s` for a quiet machine; the state it was in when we stopped."""
    deadline = time.monotonic() + within_s
    state = load_state()
    while not state["quiet"] and time.monotonic() < deadline:
        time.sleep(poll_s)
        state = load_state()
    return state


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "unknown"
    )


def describe(admin_url: str) -> dict[str, Any]:
    """nproc, memory, CPU model and the PostgreSQL and RabbitMQ versions."""
    meminfo = Path("/proc/meminfo").read_text()
    total = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    return {
        "nproc": os.cpu_count(),
        "memory_mib": int(total.group(1)) // 1024 if total else None,
        "cpu": cpu.group(1) if cpu else "unknown",
        "postgresql": _first_line(["psql", admin_url, "-Atc", "SHOW server_version"]),
        "rabbitmq": _first_line(["rabbitmqctl", "version"]),
    }
