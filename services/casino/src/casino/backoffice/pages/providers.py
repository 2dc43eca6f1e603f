"""Providers: the registry (status, endpoint, how many callback secrets and games), and an
operator's changes through `casino.providers.registry`, as `casino provider` makes them:
enable, disable, rotate the callback secret (the new one is shown once, on the page that
answers the change, and never again), retire the older secrets. No service restarts: the
gateway re-reads the registry every few seconds.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.changes import carry_out
from casino.backoffice.guards import change
from casino.backoffice.rendering import back_to, flash, render
from casino.database import Database
from casino.providers import registry
from contracts.secret_box import SecretBox


async def providers_page(request: Request) -> Response:
    operator = await require_operator(request)
    office = back_office(request)
    return await render(
        request,
        "providers.html",
        operator,
        section="providers",
        providers=await registry.list_providers(office.database),
        default_provider=office.settings.default_provider_code,
    )


async def enable(request: Request) -> Response:
    return await _set_status(request, enabled=True)


async def disable(request: Request) -> Response:
    return await _set_status(request, enabled=False)


async def _set_status(request: Request, *, enabled: bool) -> Response:
    operator, _ = await change(request)
    office = back_office(request)
    code, action = request.path_params["code"], "enable" if enabled else "disable"
    done = await carry_out(
        request,
        operator,
        f"{action} provider",
        f"provider {code}",
        {"enabled": enabled},
        lambda: _set_enabled(office.database, code, enabled),
    )
    if done is not None:
        flash(request, f"{code} {action}d: the gateway honours it within a few seconds")
    return back_to("/providers")


async def _set_enabled(database: Database, code: str, enabled: bool) -> bool:
    await registry.set_enabled(database, code, enabled)
    return True


async def rotate_secret(request: Request) -> Response:
    operator, _ = await change(request)
    office = back_office(request)
    code = request.path_params["code"]
    secret = await carry_out(
        request,
        operator,
        "rotate provider secret",
        f"provider {code}",
        {},  # never the secret
        lambda: registry.rotate_secret(
            office.database, SecretBox(office.settings.provider_secrets_key), code
        ),
    )
    if secret is None:
        return back_to("/providers")
    return await render(
        request,
        "secret_once.html",
        operator,
        section="providers",
        code=code,
        secret=secret.get_secret_value(),
    )


async def retire_secrets(request: Request) -> Response:
    operator, _ = await change(request)
    office = back_office(request)
    code = request.path_params["code"]
    removed = await carry_out(
        request,
        operator,
        "retire provider secrets",
        f"provider {code}",
        {},
        lambda: registry.retire_secrets(office.database, code),
    )
    if removed is not None:
        flash(request, f"{removed} older callback secret(s) of {code} retired")
    return back_to("/providers")


routes = [
    Route("/providers", providers_page, methods=["GET"]),
    Route("/providers/{code}/enable", enable, methods=["POST"]),
    Route("/providers/{code}/disable", disable, methods=["POST"]),
    Route("/providers/{code}/rotate-secret", rotate_secret, methods=["POST"]),
    Route("/providers/{code}/retire-secrets", retire_secrets, methods=["POST"]),
]
