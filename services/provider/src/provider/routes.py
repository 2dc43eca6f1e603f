"""The provider's HTTP endpoints. Each one only translates: it reads the signed body,
validates it against the contract, makes one call into the rules, and returns the reply.
Every failure on the way is mapped to HTTP in `provider.errors`.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.errors import ErrorBody, ErrorCode
from contracts.http_serving import error_response
from contracts.logs import correlation_id
from contracts.provider import (
    FreeRoundsCancel,
    FreeRoundsGrant,
    FreeRoundsReply,
    ProviderHealth,
    ProviderLaunchReply,
    ProviderLaunchRequest,
    ProviderSimulateReply,
    ProviderSimulateRequest,
)
from provider import campaigns
from provider.rounds import RoundTable, play_round
from provider.security import SignedBody
from provider.sessions import launch
from provider.settings import ProviderSettings

router = APIRouter()


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.round_table.sessions() as session:
        yield session


def _settings(request: Request) -> ProviderSettings:
    settings: ProviderSettings = request.app.state.settings
    return settings


def _round_table(request: Request) -> RoundTable:
    table: RoundTable = request.app.state.round_table
    return table


def _correlation_id(x_correlation_id: Annotated[str | None, Header()] = None) -> str:
    """The request's correlation id, so our wallet callbacks carry and log the same one:
    the caller's when usable, else a new one (`contracts.http_serving`, which read the
    header; it is a parameter here to be documented)."""
    return correlation_id.get()


SessionDep = Annotated[AsyncSession, Depends(_session)]
SettingsDep = Annotated[ProviderSettings, Depends(_settings)]
RoundTableDep = Annotated[RoundTable, Depends(_round_table)]
CorrelationIdDep = Annotated[str, Depends(_correlation_id)]


@router.post("/provider/launch")
async def launch_game(
    body: SignedBody, db: SessionDep, settings: SettingsDep
) -> ProviderLaunchReply:
    request = ProviderLaunchRequest.model_validate_json(body)
    return await launch(db, request, settings.game_url_base)


@router.post("/provider/simulate")
async def simulate_round(
    body: SignedBody, table: RoundTableDep, correlation_id: CorrelationIdDep
) -> ProviderSimulateReply:
    request = ProviderSimulateRequest.model_validate_json(body)
    return await play_round(table, request, correlation_id)


@router.post("/provider/freeRounds")
async def register_free_rounds(body: SignedBody, db: SessionDep) -> FreeRoundsReply:
    """The casino registers a free-round campaign (idempotent: `provider.campaigns`)."""
    return await campaigns.register(db, FreeRoundsGrant.model_validate_json(body))


@router.post("/provider/freeRounds/cancel")
async def cancel_free_rounds(body: SignedBody, db: SessionDep) -> FreeRoundsReply:
    """The casino withdraws a campaign; one we never held answers status `unknown`."""
    return await campaigns.cancel(db, FreeRoundsCancel.model_validate_json(body))


@router.get("/provider/health")
@router.get("/health")
async def health() -> ProviderHealth:
    """Alive: the contract's /provider/health, and /health like every other service."""
    return ProviderHealth()


@router.get("/ready", response_model=None)
async def ready(db: SessionDep) -> dict[str, str] | JSONResponse:
    """Ready when our database answers; the casino's health is not ours to report."""
    try:
        await db.execute(text("SELECT 1"))
    except Exception:
        unreachable = ErrorBody.of(ErrorCode.INTERNAL_ERROR, "the provider database is unreachable")
        response = error_response(unreachable)
        response.status_code = 503
        return response
    return {"status": "ready", "service": "game-provider"}
