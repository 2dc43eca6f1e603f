"""Issue 15's browser tests: an operator signs in, finds the demo player, reads a round
played through the gateway line by line, lowers a limit and sees the next bet refused
through the gateway's HTTP API; a viewer changes nothing; a form without its CSRF token
is refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from tests.e2e.browser.conftest import OPERATOR_NAME, VIEWER_NAME, BackOffice
from tests.e2e.conftest import OPERATOR_API_KEY, CasinoSystem
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.browser

DEMO_EMAIL = "demo-player@example.com"
TIMEOUT_MS = 10_000


@pytest_asyncio.fixture(loop_scope="session")
async def operator_page(browser: Browser, back_office: BackOffice) -> AsyncIterator[Page]:
    async for page in _signed_in(
        browser, back_office, OPERATOR_NAME, back_office.operator_password
    ):
        yield page


@pytest_asyncio.fixture(loop_scope="session")
async def viewer_page(browser: Browser, back_office: BackOffice) -> AsyncIterator[Page]:
    async for page in _signed_in(browser, back_office, VIEWER_NAME, back_office.viewer_password):
        yield page


async def test_an_operator_signs_in_and_out(browser: Browser, back_office: BackOffice) -> None:
    context = await browser.new_context(base_url=back_office.url)
    page = await context.new_page()
    await page.goto("/players")
    await expect(page).to_have_url(re.compile(r"/sign-in\?next=/players$"))
    await page.get_by_label("Name").fill(OPERATOR_NAME)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("do not match")
    await page.get_by_label("Password").fill(back_office.operator_password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/players$"))
    await expect(page.locator(".who")).to_contain_text(OPERATOR_NAME)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/sign-in$"))
    await page.goto("/players")
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await context.close()


async def test_the_demo_player_is_found_with_their_wallets(
    operator_page: Page, casino_system: CasinoSystem
) -> None:
    page = operator_page
    await page.get_by_role("link", name="Players").click()
    await page.get_by_label("Player id or email").fill(DEMO_EMAIL)
    await page.get_by_role("button", name="Find").click()
    await page.get_by_role("link", name=DEMO_EMAIL).click()
    await expect(page).to_have_url(re.compile(casino_system.demo["userId"]))
    wallets = page.locator("section", has=page.get_by_role("heading", name="Wallets"))
    await expect(wallets.locator("tr", has_text="USD")).to_be_visible()
    await expect(page.get_by_role("heading", name="Limits in USD")).to_be_visible()


async def test_a_round_played_through_the_gateway_reads_line_by_line_beside_the_provider_s(
    operator_page: Page, http: httpx.AsyncClient, world: CasinoWorld, providers: ProviderWorld
) -> None:
    player = await world.player(100_000)
    played = await http.post(
        "/casino/simulateRound",
        json={
            "userId": str(player.user_id),
            "gameId": str(await world.game()),
            "bets": [{"amount": 1000}, {"amount": 500}],
            "wins": [{"amount": 2500, "relatedBetIndex": 0}],
            "rollbacks": [{"betIndex": 1}],
        },
        headers={"x-api-key": OPERATOR_API_KEY},
    )
    assert played.status_code == 200, played.text
    round_id = played.json()["roundId"]
    page = operator_page
    await page.goto(f"/players/{player.user_id}")
    await page.get_by_role("link", name=round_id).click()
    rows = page.locator("table.round tbody tr")
    await expect(rows).to_have_count(4)
    lines = [
        [cell.strip() for cell in await row.locator("td").all_inner_texts()]
        for row in await rows.all()
    ]
    # type, amount, kind, outcome, balance after (casino), then the provider's call.
    assert [(line[2], line[4], line[5], line[6], line[7]) for line in lines] == [
        ("debit", "10.00", "", "accepted", "990.00"),
        ("debit", "5.00", "", "accepted", "985.00"),
        ("rollback", "5.00", "", "accepted", "990.00"),
        ("credit", "25.00", "win", "accepted", "1,015.00"),
    ]
    assert [(line[9], line[10], line[13]) for line in lines] == [
        ("bet", "accepted", "✓"),
        ("bet", "accepted", "✓"),
        ("rollback", "accepted", "✓"),
        ("payout", "accepted", "✓"),
    ]
    await expect(page.locator(".totals")).to_contain_text("net result for the player: 15.00 USD")


async def test_a_limit_changed_in_the_page_refuses_the_next_bet_through_the_gateway(
    operator_page: Page, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(100_000)
    session = await world.session(player, await world.game())
    assert (await callbacks.debit(session.token, 1_000, round_id=new_id("r"))).status_code == 200
    page = operator_page
    await page.goto(f"/players/{player.user_id}")
    form = page.get_by_role("form", name="Change the limits in USD")
    await form.get_by_label("Maximum bet (USD)").fill("5.00")
    await form.get_by_role("button", name="Change limits in USD").click()
    await expect(page.locator(".flash.ok")).to_contain_text("Limits in USD changed")
    await expect(page.locator('tr[data-limit="maxBet"] .in-force')).to_have_text("5.00")

    refused = await callbacks.debit(session.token, 1_000, round_id=new_id("r"))
    assert refused.status_code == 400
    assert refused.json()["code"] == "BET_LIMIT_EXCEEDED"
    assert (await callbacks.debit(session.token, 500, round_id=new_id("r"))).status_code == 200

    await page.get_by_role("link", name="Audit log").click()
    newest = page.locator("table.audit tbody tr").first
    await expect(newest.locator(".operator")).to_have_text(OPERATOR_NAME)
    await expect(newest.locator(".action")).to_have_text("set limits")
    await expect(newest).to_contain_text(str(player.user_id))


async def test_a_viewer_cannot_change_anything(
    viewer_page: Page, world: CasinoWorld, back_office: BackOffice
) -> None:
    player = await world.player(1_000)
    page = viewer_page
    await page.goto(f"/players/{player.user_id}")
    await expect(page.get_by_role("heading", name="Limits in USD")).to_be_visible()
    await expect(page.locator("form[action$='/limits']")).to_have_count(0)
    await page.goto("/providers")
    await expect(page.get_by_role("button", name="Disable")).to_have_count(0)
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    # The forms are not offered; posting them anyway (with a valid token) is refused.
    for path, fields in (
        (f"/players/{player.user_id}/limits", {"currency": "USD", "max_bet": "1"}),
        (f"/players/{player.user_id}/exclusion", {"length": "permanent"}),
        ("/providers/demo-provider/disable", {}),
    ):
        answer = await page.request.post(path, form={"csrf_token": token or "", **fields})
        assert answer.status == 403, path
        assert "viewers cannot change anything" in await answer.text()
    async with world.pool.acquire() as db:
        assert (
            await db.fetchval(
                "SELECT count(*) FROM casino_player_limits WHERE user_id = $1", player.user_id
            )
            == 0
        )
        assert (
            await db.fetchval(
                "SELECT count(*) FROM casino_player_exclusions WHERE user_id = $1", player.user_id
            )
            == 0
        )
        assert await db.fetchval(
            "SELECT is_enabled FROM casino_game_providers WHERE code = 'demo-provider'"
        )
        assert (
            await db.fetchval(
                "SELECT count(*) FROM casino_back_office_audit WHERE operator_name = $1",
                VIEWER_NAME,
            )
            == 0
        )


async def test_a_form_without_its_csrf_token_is_refused(
    operator_page: Page, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    page = operator_page
    await page.goto(f"/players/{player.user_id}")
    form = page.get_by_role("form", name="Change the limits in USD")
    await form.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    await form.get_by_label("Maximum bet (USD)").fill("1.00")
    await form.get_by_role("button", name="Change limits in USD").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "security token is missing or wrong"
    )
    async with world.pool.acquire() as db:
        assert (
            await db.fetchval(
                "SELECT count(*) FROM casino_player_limits WHERE user_id = $1", player.user_id
            )
            == 0
        )


async def _signed_in(
    browser: Browser, back_office: BackOffice, name: str, password: str
) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=back_office.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.goto("/sign-in")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".who")).to_contain_text(name)
    yield page
    await context.close()
