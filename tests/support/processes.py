"""Run the services as real processes, as an operator would, for end-to-end tests.

Each process gets its configuration through the environment only, writes its output to a
log file (shown when a test fails), and is stopped with SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServiceProcess:
    """One service process: a console script of the workspace and its environment."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        command = [str(BIN / self.argv[0]), *self.argv[1:]]
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.running:
            assert self.process is not None
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """Die at once, as a crashed process would: no cleanup, no acknowledgements."""
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> int | None:
        """Ask to stop (SIGTERM), then insist (SIGKILL); the exit code."""
        if self.process is None:
            return None
        self.signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.process.returncode

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


async def wait_until(
    ready: Callable[[], Awaitable[object]],
    what: str,
    within: float = 30,
    process: ServiceProcess | None = None,
) -> None:
    """Poll `ready` until it answers something truthy (yes, a count above 0); fail with
    the process's log when it never does."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process is not None and not process.running:
            raise RuntimeError(f"{what}: the process exited\n{process.log_tail()}")
        try:
            if await ready():
                return
        except Exception:  # not up yet: connection refused, queue missing, …
            pass
        await asyncio.sleep(0.2)
    tail = process.log_tail() if process else ""
    raise TimeoutError(f"{what} was not ready after {within}s\n{tail}")


async def http_ready(url: str) -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        return (await client.get(url)).status_code == 200


async def queue_messages(amqp_url: str, queue: str) -> int:
    """How many messages are ready in the queue (0 if it does not exist)."""
    import aio_pika

    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        try:
            declared = await channel.declare_queue(queue, passive=True)
        except aio_pika.exceptions.ChannelClosed:
            return 0
        result = declared.declaration_result
        return int(result.message_count or 0) if result is not None else 0
    finally:
        await connection.close()


async def queue_consumers(amqp_url: str, queue: str) -> int:
    """How many consumers the queue has (0 if it does not exist yet)."""
    import aio_pika

    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        result = declared.declaration_result
        return int(result.consumer_count or 0) if result is not None else 0
    finally:
        await connection.close()
