"""The OpenAPI document at /docs: request bodies, success replies and error codes.

Routes read their body raw (the signature covers the bytes received), so FastAPI cannot
see the body models; each route names its model with `json_body`, and the models' JSON
schemas (camelCase, nested models included) are added to the document's components.
Errors are documented per status with the codes an endpoint can answer. FastAPI's
default 422 is removed: validation failures are answered 400 here.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from contracts.errors import CATALOGUE, ErrorBody, ErrorCode
from contracts.lobby import LaunchGameRequest, SimulateRoundRequest
from contracts.operator import (
    CampaignRequest,
    ExcludePlayerBody,
    GrantFreeRoundsRequest,
    PlayerLimitsChange,
)
from contracts.provider import ProviderLaunchRequest, ProviderSimulateRequest
from contracts.signing import CASINO_SIGNATURE_HEADER, PROVIDER_CODE_HEADER, TIMESTAMP_HEADER
from contracts.wallet import (
    CreditRequest,
    DebitRequest,
    EndRoundRequest,
    GetBalanceRequest,
    RollbackRequest,
)

REQUEST_BODIES: tuple[type[BaseModel], ...] = (
    GetBalanceRequest,
    DebitRequest,
    CreditRequest,
    RollbackRequest,
    EndRoundRequest,
    LaunchGameRequest,
    SimulateRoundRequest,
    GrantFreeRoundsRequest,
    CampaignRequest,
    PlayerLimitsChange,
    ExcludePlayerBody,
    ProviderLaunchRequest,
    ProviderSimulateRequest,
)
_SIGNATURE_HEADERS = (CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, PROVIDER_CODE_HEADER)
_REFS, _SCHEMAS = models_json_schema(
    [(model, "validation") for model in REQUEST_BODIES],
    ref_template="#/components/schemas/{model}",
)


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads `model` as its JSON body by hand."""
    schema = _REFS[(model, "validation")]
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def signed_json_body(model: type[BaseModel]) -> dict[str, Any]:
    """`json_body` for a wallet callback, with its signature headers: the route reads them
    by hand (`callbacks.signature`), so they are documented here as FastAPI would have."""
    return json_body(model) | {"parameters": [_optional_header(h) for h in _SIGNATURE_HEADERS]}


def _optional_header(name: str) -> dict[str, Any]:
    schema = {"anyOf": [{"type": "string"}, {"type": "null"}], "title": name.title()}
    return {"name": name, "in": "header", "required": False, "schema": schema}


def error_responses(codes: Iterable[ErrorCode]) -> dict[int | str, dict[str, Any]]:
    """`responses` documenting each status an endpoint can fail with, and its codes."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for code in codes:
        kind = CATALOGUE[code]
        by_status[kind.status].append(f"`{code}`{' (retryable)' if kind.retryable else ''}")
    return {
        status: {"model": ErrorBody, "description": ", ".join(names)}
        for status, names in sorted(by_status.items())
    }


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in _SCHEMAS.get("$defs", {}).items():
                components.setdefault(name, schema)
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
