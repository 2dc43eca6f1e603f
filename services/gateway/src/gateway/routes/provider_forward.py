"""/provider/*: forwarded to the provider service unchanged.

The raw body and the signature headers pass through untouched, because the provider
verifies its signature over exactly the bytes the casino sent. The provider's status and
body come back as they are; only an unreachable provider is our own 502.
"""

import logging

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response

from contracts.errors import ErrorCode
from contracts.logs import CORRELATION_HEADER, correlation_id
from contracts.provider import (
    ProviderHealth,
    ProviderLaunchReply,
    ProviderLaunchRequest,
    ProviderSimulateReply,
    ProviderSimulateRequest,
)
from contracts.signing import PROVIDER_SIGNATURE_HEADER, TIMESTAMP_HEADER
from gateway.body import RawBodyDep
from gateway.dependencies import ProviderHttpDep
from gateway.errors import ProviderUnavailableError
from gateway.openapi import error_responses, json_body

log = logging.getLogger(__name__)

router = APIRouter(prefix="/provider", tags=["provider (forwarded)"])

_PASSED_THROUGH = ("content-type", PROVIDER_SIGNATURE_HEADER, TIMESTAMP_HEADER)


_FORWARDING_ERRORS = (ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.PROVIDER_UNAVAILABLE)
_PROVIDER_ERRORS = (
    *_FORWARDING_ERRORS,
    ErrorCode.INVALID_REQUEST,
    ErrorCode.INVALID_AMOUNT,
    ErrorCode.SIGNATURE_INVALID,
)


@router.post(
    "/launch",
    operation_id="providerLaunch",
    response_model=ProviderLaunchReply,
    responses=error_responses(
        (*_PROVIDER_ERRORS, ErrorCode.CASINO_NOT_FOUND, ErrorCode.GAME_NOT_FOUND)
    ),
    openapi_extra=json_body(ProviderLaunchRequest),
)
async def provider_launch(request: Request, raw: RawBodyDep, provider: ProviderHttpDep) -> Response:
    """The casino opens a game at the provider (signed with `x-provider-signature`)."""
    return await _forward("launch", request, raw, provider)


@router.post(
    "/simulate",
    operation_id="providerSimulate",
    response_model=ProviderSimulateReply,
    responses=error_responses((*_PROVIDER_ERRORS, ErrorCode.INVALID_SESSION)),
    openapi_extra=json_body(ProviderSimulateRequest),
)
async def provider_simulate(
    request: Request, raw: RawBodyDep, provider: ProviderHttpDep
) -> Response:
    """The casino asks the provider to play one round (signed with `x-provider-signature`)."""
    return await _forward("simulate", request, raw, provider)


@router.get(
    "/health",
    operation_id="providerHealth",
    response_model=ProviderHealth,
    responses=error_responses(_FORWARDING_ERRORS),
)
async def provider_health(request: Request, raw: RawBodyDep, provider: ProviderHttpDep) -> Response:
    """Whether the provider service is alive."""
    return await _forward("health", request, raw, provider)


@router.get("/{path:path}", include_in_schema=False)
@router.post("/{path:path}", include_in_schema=False)
async def forward_to_provider(
    path: str, request: Request, raw: RawBodyDep, provider: ProviderHttpDep
) -> Response:
    """Any other provider path: forwarded too, answered by the provider (often a 404)."""
    return await _forward(path, request, raw, provider)


async def _forward(
    path: str, request: Request, raw: bytes, provider: httpx.AsyncClient
) -> Response:
    headers = {name: request.headers[name] for name in _PASSED_THROUGH if name in request.headers}
    headers[CORRELATION_HEADER] = correlation_id.get()
    try:
        answer = await provider.request(
            request.method,
            f"/provider/{path}",
            params=request.url.query or None,
            content=raw,
            headers=headers,
        )
    except httpx.TransportError as error:
        log.warning(
            "provider unreachable: %r", error, extra={"correlation_id": correlation_id.get()}
        )
        raise ProviderUnavailableError() from None
    passed = (
        {"content-type": answer.headers["content-type"]} if "content-type" in answer.headers else {}
    )
    return Response(answer.content, status_code=answer.status_code, headers=passed)
