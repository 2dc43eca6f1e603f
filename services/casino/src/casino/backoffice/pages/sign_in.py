"""Signing in and out.

A wrong name, a wrong password and a disabled operator get the same answer (401), and
the log says a sign-in was refused for that name, never with what password.
"""

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice import csrf
from casino.backoffice.auth import back_office, current_operator, sign_in, sign_out
from casino.backoffice.guards import CsrfRefusedError, checked_form, field
from casino.backoffice.rendering import back_to, render
from casino.operators.accounts import authenticate

log = logging.getLogger(__name__)


async def sign_in_page(request: Request) -> Response:
    if await current_operator(request) is not None:
        return back_to(_local(request.query_params.get("next", "/")))
    return await render(request, "sign_in.html", None, next=request.query_params.get("next", "/"))


async def sign_in_form(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    if not csrf.valid(request.session, form.get(csrf.FIELD)):
        raise CsrfRefusedError()
    name, password = field(form, "name"), form.get("password")
    operator = await authenticate(
        back_office(request).database, name, password if isinstance(password, str) else ""
    )
    if operator is None:
        log.warning("back office sign-in refused", extra={"operator": name[:64]})
        return await render(
            request,
            "sign_in.html",
            None,
            status_code=401,
            next=field(form, "next"),
            refused=True,
            name=name,
        )
    sign_in(request.session, operator)
    log.info("back office sign-in", extra={"operator": operator.name})
    return back_to(_local(field(form, "next")))


async def sign_out_form(request: Request) -> Response:
    operator, _ = await checked_form(request)
    sign_out(request.session)
    log.info("back office sign-out", extra={"operator": operator.name})
    return back_to("/sign-in")


def _local(path: str) -> str:
    """Only a path of this site: never off to another one after signing in."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


routes = [
    Route("/sign-in", sign_in_page, methods=["GET"]),
    Route("/sign-in", sign_in_form, methods=["POST"]),
    Route("/sign-out", sign_out_form, methods=["POST"]),
]
