"""The audit log: every change made in the back office, the newest first, with who made
it and when; one operator's when asked."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice import audit_log
from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.rendering import render
from casino.operators.accounts import list_operators


async def audit_page(request: Request) -> Response:
    operator = await require_operator(request)
    database = back_office(request).database
    chosen = request.query_params.get("operator", "").strip()
    return await render(
        request,
        "audit.html",
        operator,
        section="audit",
        entries=await audit_log.recent(database, operator_name=chosen or None),
        operators=await list_operators(database),
        chosen=chosen,
    )


routes = [Route("/audit", audit_page, methods=["GET"])]
