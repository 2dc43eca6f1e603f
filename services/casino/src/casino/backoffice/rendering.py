"""A page: its template, with what every page shows (who is signed in, the navigation,
the CSRF token for its forms, the message left by the last change), and amounts written
with their currency's decimals. No page is cached: some show what only an operator may
see (a secret shown once, a player's details).
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from casino.backoffice import csrf
from casino.backoffice.auth import back_office
from casino.operators.accounts import OperatorAccount

NO_STORE = {"cache-control": "no-store"}

NAVIGATION = (
    ("dashboard", "/", "Dashboard"),
    ("players", "/players", "Players"),
    ("rounds", "/rounds", "Rounds"),
    ("providers", "/providers", "Providers"),
    ("campaigns", "/campaigns", "Free rounds"),
    ("reconciliation", "/reconciliation", "Reconciliation"),
    ("dead-letters", "/dead-letters", "Dead letters"),
    ("audit", "/audit", "Audit log"),
    ("cluster", "/cluster", "Cluster"),
    ("conformance", "/conformance", "Conformance"),
)
"""Every page in the menu; the last two are places kept for what is not built yet."""
NOT_AVAILABLE_YET = {"cluster", "conformance"}

_FLASH = "flash"


async def render(
    request: Request,
    template: str,
    operator: OperatorAccount | None,
    *,
    section: str = "",
    status_code: int = 200,
    **context: Any,
) -> Response:
    office = back_office(request)
    flash = request.session.pop(_FLASH, None)
    money = await office.money()
    return office.templates.TemplateResponse(
        request,
        template,
        {
            "operator": operator,
            "section": section,
            "navigation": NAVIGATION,
            "not_available_yet": NOT_AVAILABLE_YET,
            "csrf_field": csrf.FIELD,
            "csrf_token": csrf.token(request.session),
            "flash": flash,
            "money": money.text,
            **context,
        },
        status_code=status_code,
        headers=NO_STORE,
    )


def flash(request: Request, text: str, *, ok: bool = True) -> None:
    """A message for the next page shown (after the redirect that follows a change)."""
    request.session[_FLASH] = {"ok": ok, "text": text}


def back_to(path: str) -> RedirectResponse:
    """After a POST, to a page by GET (a reload does not post again)."""
    return RedirectResponse(path, status_code=303)
