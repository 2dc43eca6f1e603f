"""The back office in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
Playwright for Python, against the whole system as processes (the e2e suite's stack,
whose fixtures are reused here) plus the back office's own process.

One stack, one back office and one browser for the module; each test opens its own
browser context (its own cookies), so operators do not share a session. The tests skip,
saying why, only when /usr/bin/chromium is missing (`scripts/test` installs it).
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.conftest import (  # the e2e stack's fixtures, reused as they are
    LOG_DIR,
    CasinoSystem,
    callbacks,
    casino_system,
    http,
    providers,
    world,
)
from tests.support.processes import BIN, ServiceProcess, free_port, http_ready, wait_until

__all__ = ["callbacks", "casino_system", "http", "providers", "world"]

CHROMIUM = Path("/usr/bin/chromium")
OPERATOR_NAME, VIEWER_NAME = "browser-operator", "browser-viewer"


@dataclass(frozen=True)
class BackOffice:
    url: str
    operator_password: str
    viewer_password: str


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does)"
    )
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(skip)


def add_operator(env: dict[str, str], name: str, role: str) -> str:
    """A new operator of `role` (its password given on stdin, as an operator would); the
    password."""
    password = secrets.token_urlsafe(16)
    done = subprocess.run(
        [str(BIN / "casino"), "operator", "add", name, "--role", role, "--password-stdin",
         "--update"],
        input=password + "\n",
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return password


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def back_office(casino_system: CasinoSystem) -> AsyncIterator[BackOffice]:
    env = {**casino_system.env, "BACK_OFFICE_SESSION_SECRET": secrets.token_urlsafe(32)}
    port = free_port()
    process = ServiceProcess(
        "backoffice",
        ["casino", "backoffice", "--port", str(port)],
        env,
        LOG_DIR / "backoffice.log",
    )
    passwords = (
        add_operator(env, OPERATOR_NAME, "operator"),
        add_operator(env, VIEWER_NAME, "viewer"),
    )
    process.start()
    url = f"http://127.0.0.1:{port}"
    await wait_until(lambda: http_ready(f"{url}/health"), "the back office", process=process)
    yield BackOffice(url, *passwords)
    process.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        await chromium.close()
