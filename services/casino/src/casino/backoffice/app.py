"""The back office's web application: its routes, the signed session cookie, and one page
for each way a request can fail (sign in first, 403, 404, a refusal, 500), so an operator
never sees a stack trace and a failure never leaks a secret.

Nothing is built at import time: `build_app(settings)` opens the database and the provider
links in its lifespan, so a test can point a back office at any database.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from casino.backoffice.auth import SignInRequiredError, current_operator
from casino.backoffice.guards import CsrfRefusedError, ForbiddenError
from casino.backoffice.pages import (
    audit,
    campaigns,
    dashboard,
    dead_letters,
    not_yet,
    players,
    providers,
    reconciliation,
    rounds,
    sign_in,
)
from casino.backoffice.rendering import render
from casino.backoffice.resources import open_back_office
from casino.backoffice.settings import BackOfficeSettings, session_secret
from casino.lobby.errors import LobbyError
from contracts.errors import CATALOGUE
from contracts.secrets import DEVELOPMENT

log = logging.getLogger(__name__)

SESSION_COOKIE = "casino_back_office"
SESSION_HOURS = 8  # a working day: then sign in again


def build_app(settings: BackOfficeSettings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_back_office(settings) as office:
            app.state.back_office = office
            yield

    routes = [
        Route("/health", _health, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(files("casino.backoffice") / "static"))),
        *sign_in.routes,
        *dashboard.routes,
        *players.routes,
        *rounds.routes,
        *providers.routes,
        *campaigns.routes,
        *reconciliation.routes,
        *dead_letters.routes,
        *audit.routes,
        *not_yet.routes,
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=session_secret(settings).get_secret_value(),
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_HOURS * 3600,
                same_site="lax",
                https_only=settings.environment != DEVELOPMENT,
            )
        ],
        exception_handlers={
            SignInRequiredError: _to_sign_in,
            CsrfRefusedError: _csrf_refused,
            ForbiddenError: _forbidden,
            LobbyError: _refused,
            HTTPException: _http_error,
            Exception: _failed,
        },
    )


async def _health(request: Request) -> Response:
    return PlainTextResponse("ok")


async def _to_sign_in(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequiredError)
    return RedirectResponse(f"/sign-in?next={quote(error.next_path)}", status_code=303)


async def _csrf_refused(request: Request, error: Exception) -> Response:
    log.warning("a form without its CSRF token was refused", extra={"path": request.url.path})
    return await _error_page(
        request,
        403,
        "Refused: the form's security token is missing or wrong",
        "Nothing was changed. The form was not sent from this back office's page, or the"
        " page is older than your sign-in: reload the page and try again.",
    )


async def _forbidden(request: Request, error: Exception) -> Response:
    log.warning("a viewer's change was refused", extra={"path": request.url.path})
    return await _error_page(request, 403, "Refused: viewers cannot change anything", str(error))


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, LobbyError)
    status = CATALOGUE[error.code].status
    return await _error_page(request, status, f"Refused ({error.code.value})", error.message)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    title = "Not found" if error.status_code == 404 else f"Error {error.status_code}"
    return await _error_page(request, error.status_code, title, str(error.detail))


async def _failed(request: Request, error: Exception) -> Response:
    log.exception("a back office page failed", extra={"path": request.url.path})
    return await _error_page(
        request,
        500,
        "Something went wrong",
        "The page could not be made; the back office's log has the details.",
    )


async def _error_page(request: Request, status: int, title: str, text: str) -> Response:
    try:
        operator = await current_operator(request)
        return await render(
            request, "error.html", operator, status_code=status, title=title, text=text
        )
    except Exception:  # the database itself is down: still answer, plainly
        return PlainTextResponse(f"{title}\n\n{text}", status_code=status)
