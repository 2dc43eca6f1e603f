"""Take the README's screenshots of the back office with Debian's Chromium.

Usage: python backoffice_screenshots.py BACK_OFFICE_URL OPERATOR OUT_DIR  (password on stdin)

Signs in, then saves the dashboard, the demo player's page and that player's newest
round as OUT_DIR/backoffice-{dashboard,player,round}.png (the whole page, 1440 px wide).
"""

import asyncio
import sys
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

CHROMIUM = "/usr/bin/chromium"
DEMO_EMAIL = "demo-player@example.com"
WIDTH, HEIGHT = 1440, 800


async def main(url: str, operator: str, password: str, out: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        context = await browser.new_context(
            base_url=url, viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
        )
        page = await context.new_page()
        await page.goto("/sign-in")
        await page.get_by_label("Name").fill(operator)
        await page.get_by_label("Password").fill(password)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.locator(".who")).to_contain_text(operator)

        await page.goto("/?hours=1")
        await _save(page, out / "backoffice-dashboard.png")

        await page.goto(f"/players?q={DEMO_EMAIL}")
        await page.get_by_role("link", name=DEMO_EMAIL).click()
        await _save(page, out / "backoffice-player.png")

        rounds = page.locator("section", has=page.get_by_role("heading", name="Recent rounds"))
        await rounds.locator("tbody a").first.click()
        await expect(page.locator("table.round")).to_be_visible()
        await _save(page, out / "backoffice-round.png")
        await browser.close()


async def _save(page: Page, path: Path) -> None:
    await page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.stdin.readline().strip(), Path(sys.argv[3])))
