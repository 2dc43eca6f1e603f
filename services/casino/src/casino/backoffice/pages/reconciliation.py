"""Reconciliation: run the ledger check (`casino.audit`, what `casino check-ledger` runs:
every balance proved from its ledger, and, when the provider's database is configured,
the casino's rounds held against the provider's calls) and show what it found; and what
is still pending between the casino and its providers: the calls the provider's retry
queue holds, and campaign cancellations a provider has not acknowledged.

The check only reads (read-only transactions), but it reads the whole ledger, so it runs
when an operator asks (and is recorded), not at every view of the page.
"""

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.audit import AuditReport, audit
from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.changes import carry_out
from casino.backoffice.guards import change
from casino.backoffice.provider_records import ProviderCall, pending_calls
from casino.backoffice.rendering import render
from casino.backoffice.resources import BackOffice
from casino.campaigns import store
from casino.models import FreeRoundCampaign
from casino.operators.accounts import OperatorAccount
from casino.protection.players import clock
from contracts.operator import FreeRoundsCampaign

SHOWN = 100


async def reconciliation_page(request: Request) -> Response:
    operator = await require_operator(request)
    return await _page(request, operator, None)


async def run_check(request: Request) -> Response:
    operator, _ = await change(request)
    office = back_office(request)
    settings = office.settings
    provider_url = settings.provider_database_url
    report = await carry_out(
        request,
        operator,
        "run reconciliation",
        "ledger",
        {"withProvider": provider_url is not None},
        lambda: audit(
            settings.casino_database_url.get_secret_value(),
            provider_url.get_secret_value() if provider_url else None,
            provider_code=settings.default_provider_code,
        ),
    )
    return await _page(request, operator, report)


async def _page(
    request: Request, operator: OperatorAccount, report: AuditReport | None
) -> Response:
    office = back_office(request)
    calls: list[ProviderCall] | None = (
        await pending_calls(office.provider_database) if office.provider_database else None
    )
    return await render(
        request,
        "reconciliation.html",
        operator,
        section="reconciliation",
        report=report,
        pending_calls=calls,
        unacknowledged=await _unacknowledged(office),
        default_provider=office.settings.default_provider_code,
    )


async def _unacknowledged(office: BackOffice) -> list[FreeRoundsCampaign]:
    """Campaigns cancelled at the casino whose provider has not acknowledged it yet."""
    async with office.database() as db:
        now = await clock(db)
        rows = await db.scalars(
            select(FreeRoundCampaign)
            .where(
                FreeRoundCampaign.cancelled_at.is_not(None),
                FreeRoundCampaign.provider_cancelled_at.is_(None),
            )
            .order_by(FreeRoundCampaign.cancelled_at.desc())
            .limit(SHOWN)
        )
        return [store.view(campaign, now) for campaign in rows]


routes = [
    Route("/reconciliation", reconciliation_page, methods=["GET"]),
    Route("/reconciliation/run", run_check, methods=["POST"]),
]
