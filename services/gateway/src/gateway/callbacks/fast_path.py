"""The signed wallet callbacks, answered in front of FastAPI's per-request machinery.

The provider calls POST /casino/getBalance, debit, credit and rollback once per bet, and
FastAPI's layers around each of them (its middleware stack, routing, dependency solving,
endpoint wrapping) cost the gateway more CPU than the callback's own work. `FastPath`
answers a POST to one of those paths itself, calling the route's endpoint
(`callbacks.routes`) directly with its one dependency (`callbacks.signature`) and mapping
a refusal as the app's exception handler does (`errors.refusal_response`); it passes
anything else, other methods on those paths included, to the FastAPI app unchanged. The
routes stay declared on the app for the OpenAPI document, and are the code this path
runs: the checks, their order and the answers are the same either way.

`contracts.http_serving.EveryRequest` wraps this path as it wraps the app: correlation
id, HTTP metrics by route template, a client that leaves mid-body, the last-resort 500.
"""

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import cast

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.http_serving import EveryRequest
from gateway import metrics
from gateway.callbacks.signature import SignedCallback, signed_callback
from gateway.errors import GatewayError, refusal_response

Endpoint = Callable[[SignedCallback], Awaitable[Response]]


class FastPath:
    """ASGI: a POST to one of `routes` answered here, anything else sent on to `app`."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self._routes = {route.path: route for route in map(_served_here, routes)}
        self._answer = EveryRequest(self._answer_callback, answered=metrics.http_request_answered)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self._routes:
            await self._answer(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _answer_callback(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._routes[scope["path"]]
        # Where the router would have put it: the metrics are labelled with it.
        scope["route"] = route
        request = Request(scope, receive)
        try:
            endpoint = cast(Endpoint, route.endpoint)
            response = await endpoint(await signed_callback(request))
        except GatewayError as error:
            response = refusal_response(scope["path"], error)
        await response(scope, receive, send)


def _served_here(route: BaseRoute) -> APIRoute:
    """`route`, if its endpoint can be called with a `SignedCallback` and nothing else."""
    if not (
        isinstance(route, APIRoute)
        and route.methods == {"POST"}
        and [dependency.call for dependency in route.dependant.dependencies] == [signed_callback]
        and len(inspect.signature(route.endpoint).parameters) == 1
    ):
        raise ValueError(f"{route} does not take a signed callback alone")
    return route
