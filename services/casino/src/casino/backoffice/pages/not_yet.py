"""Places kept for what other issues will add: each page says what will be here and that
it is not available yet."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import require_operator
from casino.backoffice.rendering import render

COMING = {
    "cluster": (
        "Cluster status",
        "The state of the RabbitMQ cluster and the PostgreSQL standby (issue #18).",
    ),
    "conformance": (
        "Conformance results",
        "The results of the provider conformance suite, per provider (issue #16).",
    ),
}


async def cluster(request: Request) -> Response:
    return await _not_yet(request, "cluster")


async def conformance(request: Request) -> Response:
    return await _not_yet(request, "conformance")


async def _not_yet(request: Request, section: str) -> Response:
    operator = await require_operator(request)
    title, text = COMING[section]
    return await render(request, "not_yet.html", operator, section=section, title=title, text=text)


routes = [
    Route("/cluster", cluster, methods=["GET"]),
    Route("/conformance", conformance, methods=["GET"]),
]
