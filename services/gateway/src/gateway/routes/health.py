"""Liveness and readiness, for orchestrators and for tests that wait for the gateway."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway.dependencies import RpcDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is serving HTTP."""
    return {"status": "ok", "service": "casino-gateway"}


@router.get("/ready", responses={503: {"description": "The broker connection is not open"}})
async def ready(rpc: RpcDep) -> JSONResponse:
    """The broker connection is open, so casino calls can be sent (503 otherwise)."""
    if rpc.ready:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "waiting for the broker"}, status_code=503)
