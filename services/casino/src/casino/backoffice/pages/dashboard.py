"""The dashboard: the wallet's operations per minute over the last hours by outcome
(accepted, or the refusal's code), and gross gaming revenue (bets - wins) per provider
per UTC day, one chart per currency, with the exact sums in a table. The figures and the
SVG charts are `casino.dashboard`'s; this page only lays them out.
"""

from collections import defaultdict
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.money import Money
from casino.backoffice.rendering import render
from casino.dashboard.charts import grouped_bars_svg, stacked_bars_svg
from casino.dashboard.queries import (
    MinuteOutcomes,
    ProviderDayRevenue,
    operations_per_minute,
    revenue_per_provider_day,
)

HOURS, MAX_HOURS = 3, 48
DAYS, MAX_DAYS = 14, 90


async def dashboard_page(request: Request) -> Response:
    operator = await require_operator(request)
    office = back_office(request)
    hours = _bounded(request.query_params.get("hours"), HOURS, MAX_HOURS)
    days = _bounded(request.query_params.get("days"), DAYS, MAX_DAYS)
    async with office.database() as db:
        minutes = await operations_per_minute(db, hours)
        revenue = await revenue_per_provider_day(db, days)
    money = await office.money()
    return await render(
        request,
        "dashboard.html",
        operator,
        section="dashboard",
        hours=hours,
        days=days,
        operations_chart=_operations_chart(minutes, hours),
        operations_total=sum(sum(m.outcomes.values()) for m in minutes),
        revenue_charts=_revenue_charts(revenue, money),
        revenue=revenue,
    )


def _operations_chart(minutes: list[MinuteOutcomes], hours: int) -> str:
    outcomes = sorted({name for m in minutes for name in m.outcomes}, key=_ok_first)
    return stacked_bars_svg(
        [f"{m.minute:%H:%M}" for m in minutes],
        {name: [m.outcomes.get(name, 0) for m in minutes] for name in outcomes},
        f"Wallet operations per minute, last {hours} h (UTC), by outcome",
        "operations",
    )


def _revenue_charts(revenue: list[ProviderDayRevenue], money: Money) -> list[tuple[str, str]]:
    """(currency, chart) per currency: a group of bars per day, one bar per provider, in
    the currency's whole units (the table below has the exact amounts)."""
    by_currency: dict[str, list[ProviderDayRevenue]] = defaultdict(list)
    for row in revenue:
        by_currency[row.currency].append(row)
    charts = []
    for currency, rows in sorted(by_currency.items()):
        days: list[date] = sorted({row.day for row in rows})
        providers = sorted({row.provider_code for row in rows})
        unit = 10 ** (money.decimals_of(currency) or 0)
        ggr = {(row.day, row.provider_code): row.ggr for row in rows}
        series = {
            provider: [round(ggr.get((day, provider), 0) / unit) for day in days]
            for provider in providers
        }
        charts.append(
            (
                currency,
                grouped_bars_svg(
                    [f"{day:%m-%d}" for day in days],
                    series,
                    f"Gross gaming revenue (bets - wins) per provider per day, {currency}",
                    f"{currency}",
                ),
            )
        )
    return charts


def _ok_first(outcome: str) -> tuple[int, str]:
    return (0 if outcome == "ok" else 1, outcome)


def _bounded(text: str | None, default: int, highest: int) -> int:
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return min(max(value, 1), highest)


routes = [Route("/", dashboard_page, methods=["GET"])]
