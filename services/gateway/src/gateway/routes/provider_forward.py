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
from contracts.signing import PROVIDER_SIGNATURE_HEADER, TIMESTAMP_HEADER
from gateway.body import RawBodyDep
from gateway.correlation import CORRELATION_HEADER, correlation_id
from gateway.dependencies import ProviderHttpDep
from gateway.errors import ProviderUnavailableError
from gateway.openapi import error_responses

log = logging.getLogger(__name__)

router = APIRouter(prefix="/provider", tags=["provider (forwarded)"])

_PASSED_THROUGH = ("content-type", PROVIDER_SIGNATURE_HEADER, TIMESTAMP_HEADER)


_DOCUMENTED_ERRORS = error_responses((ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.PROVIDER_UNAVAILABLE))


@router.get("/{path:path}", operation_id="forwardGetToProvider", responses=_DOCUMENTED_ERRORS)
@router.post("/{path:path}", operation_id="forwardPostToProvider", responses=_DOCUMENTED_ERRORS)
async def forward_to_provider(
    path: str, request: Request, raw: RawBodyDep, provider: ProviderHttpDep
) -> Response:
    """Any provider endpoint (launch, simulate, health, …); see the provider's own docs."""
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
