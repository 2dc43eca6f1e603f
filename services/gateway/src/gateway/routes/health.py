"""Liveness and readiness, for orchestrators and for tests that wait for the gateway.

Readiness is the broker connection only. Whether the provider registry has been answered
yet (`gateway.providers`) is said beside it, but does not make the gateway unready: the
default provider's callbacks (CASINO_SECRET) are verified without it.
"""

import math

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.dependencies import RpcDep
from gateway.providers import RegistryRefresher

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is serving HTTP."""
    return {"status": "ok", "service": "casino-gateway"}


@router.get("/ready", responses={503: {"description": "The broker connection is not open"}})
async def ready(rpc: RpcDep, request: Request) -> JSONResponse:
    """The broker connection is open, so casino calls can be sent (503 otherwise); and
    whether the provider registry is loaded, with its age in seconds."""
    registry: RegistryRefresher = request.app.state.registry
    age = registry.age()
    about_registry = {
        "providerRegistry": {
            "loaded": registry.known.loaded,
            "ageSeconds": None if math.isinf(age) else round(age, 1),
        }
    }
    if rpc.ready:
        return JSONResponse({"status": "ready", **about_registry})
    return JSONResponse({"status": "waiting for the broker", **about_registry}, status_code=503)
