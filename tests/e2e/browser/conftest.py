"""The back office in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
Playwright for Python, against the whole system as processes (the e2e suite's stack:
these tests live under tests/e2e so that its session's one stack serves them too; a
second copy of it, on the same queues and database, would take commands meant for the
first) plus the back office's own process.

One stack, one back office and one browser for the module; each test opens its own
browser context (its own cookies), so operators do not share a session. The tests skip,
saying why, only when /usr/bin/chromium is missing (`scripts/test` installs it).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from casino.database import make_database, make_engine
from casino.operators.accounts import add_operator
from casino.operators.tables import Role
from tests.e2e.conftest import LOG_DIR, CasinoSystem
from tests.support.processes import ServiceProcess, free_port, http_ready, wait_until

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
        if "tests/e2e/browser/" in str(item.path):
            item.add_marker(skip)


async def add_operators(database_url: str) -> tuple[str, str]:
    """The module's operator and viewer, with new passwords (made in-process: the
    command that does the same, `casino operator add`, has tests of its own)."""
    engine = make_engine(database_url, pool_size=1)
    try:
        database = make_database(engine)
        passwords = (secrets.token_urlsafe(16), secrets.token_urlsafe(16))
        for name, role, password in (
            (OPERATOR_NAME, Role.OPERATOR, passwords[0]),
            (VIEWER_NAME, Role.VIEWER, passwords[1]),
        ):
            await add_operator(database, name, role, password, update_existing=True)
        return passwords
    finally:
        await engine.dispose()


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
    process.start()
    passwords = await add_operators(env["CASINO_DATABASE_URL"])
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
