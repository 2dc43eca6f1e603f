"""Granting and cancelling free-round campaigns against a stand-in provider over real HTTP:
what the provider is told (signed), what the casino stores, and what happens when the
provider cannot be told. Checked on the campaign rows, read with plain SQL."""

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from sqlalchemy import text

from casino.campaigns import granting, store
from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.lobby.provider_links import ProviderLinks
from casino.tools.seed import create_player
from contracts.errors import ErrorCode
from contracts.operator import GrantFreeRoundsRequest
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox
from contracts.signing import PROVIDER_SIGNATURE_HEADER, verify
from tests.integration.lobby.fake_provider import serving
from tests.support.processes import free_port

SECRET = "campaign-test-provider-secret"
CASINO_CODE = "test-casino"


@dataclass
class CampaignProvider:
    """Records each signed grant and cancel; refuses grants while `refusing`."""

    grants: list[dict[str, Any]] = field(default_factory=list)
    cancels: list[dict[str, Any]] = field(default_factory=list)
    refusing: bool = False

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/provider/freeRounds")
        async def grant(request: Request) -> JSONResponse:
            body = await self._signed(request)
            if self.refusing:
                refusal = {"success": False, "error": "no", "code": "GAME_NOT_FOUND"}
                return JSONResponse({**refusal, "retryable": False}, status_code=404)
            self.grants.append(body)
            return JSONResponse(
                {"success": True, "campaignId": body["campaignId"], "status": "active"}
            )

        @app.post("/provider/freeRounds/cancel")
        async def cancel(request: Request) -> JSONResponse:
            body = await self._signed(request)
            self.cancels.append(body)
            return JSONResponse(
                {"success": True, "campaignId": body["campaignId"], "status": "cancelled"}
            )

        return app

    async def _signed(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        verify(raw, request.headers.get(PROVIDER_SIGNATURE_HEADER), [SECRET])
        body: dict[str, Any] = json.loads(raw)
        return body


@dataclass(frozen=True)
class Rig:
    provider: CampaignProvider
    links: ProviderLinks


def _links(http: httpx.AsyncClient, database: Database, endpoint: str) -> ProviderLinks:
    # The demo provider has no registry link: it is called at the default endpoint.
    return ProviderLinks(http, database, SecretBox((DEVELOPMENT_KEY,)), endpoint, SecretStr(SECRET))


@pytest_asyncio.fixture(loop_scope="session")
async def rig(database: Database) -> AsyncIterator[Rig]:
    provider = CampaignProvider()
    async with serving(provider.app()) as url, httpx.AsyncClient() as http:
        yield Rig(provider, _links(http, database, url))


def _grant(player: uuid.UUID, game: uuid.UUID, **changes: Any) -> GrantFreeRoundsRequest:
    fields: dict[str, Any] = {
        "user_id": player,
        "game_id": game,
        "currency": "USD",
        "rounds": 10,
        "bet_amount": 100,
        "expires_at": dt.datetime.now(dt.UTC) + dt.timedelta(days=7),
    }
    return GrantFreeRoundsRequest(**(fields | changes))


async def _row(database: Database, campaign_id: uuid.UUID) -> dict[str, Any]:
    async with database.begin() as db:
        row = (
            (
                await db.execute(
                    text("SELECT * FROM casino_free_round_campaigns WHERE id = :id"),
                    {"id": campaign_id},
                )
            )
            .mappings()
            .one()
        )
        return dict(row)


async def test_a_grant_is_stored_and_registered_with_the_provider(
    database: Database, game_id: uuid.UUID, rig: Rig
) -> None:
    player = await create_player(database, 0, "USD")
    campaign_id = uuid.uuid4()
    campaign = await granting.grant(
        database, rig.links, CASINO_CODE, _grant(player.user_id, game_id), campaign_id, "test"
    )
    assert campaign.status == "active"
    assert campaign.rounds_used == 0
    [told] = rig.provider.grants
    assert told["campaignId"] == str(campaign_id)
    assert told["playerId"] == str(player.user_id)
    assert told["gameId"] == "demo-slots"
    assert (told["rounds"], told["betAmount"], told["casinoCode"]) == (10, 100, CASINO_CODE)
    row = await _row(database, campaign_id)
    assert row["wallet_id"] == player.wallet_id
    assert row["granted_by"] == "test"
    assert row["provider_registered_at"] is not None
    assert row["cancelled_at"] is None


async def test_the_same_campaign_id_again_grants_once(
    database: Database, game_id: uuid.UUID, rig: Rig
) -> None:
    player = await create_player(database, 0, "USD")
    request, campaign_id = _grant(player.user_id, game_id), uuid.uuid4()
    first = await granting.grant(database, rig.links, CASINO_CODE, request, campaign_id, "test")
    again = await granting.grant(database, rig.links, CASINO_CODE, request, campaign_id, "test")
    assert again == first
    assert len(rig.provider.grants) == 1
    with pytest.raises(LobbyError) as refused:
        await granting.grant(
            database,
            rig.links,
            CASINO_CODE,
            _grant(player.user_id, game_id, rounds=11),
            campaign_id,
            "test",
        )
    assert refused.value.code is ErrorCode.DUPLICATE_TRANSACTION


async def test_a_grant_the_provider_refuses_is_cancelled_and_the_provider_told(
    database: Database, game_id: uuid.UUID, rig: Rig
) -> None:
    player = await create_player(database, 0, "USD")
    rig.provider.refusing = True
    campaign_id = uuid.uuid4()
    with pytest.raises(LobbyError) as refused:
        await granting.grant(
            database, rig.links, CASINO_CODE, _grant(player.user_id, game_id), campaign_id, "t"
        )
    assert refused.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert str(campaign_id) in refused.value.message
    row = await _row(database, campaign_id)
    assert row["cancelled_at"] is not None
    assert row["provider_registered_at"] is None
    assert [c["campaignId"] for c in rig.provider.cancels] == [str(campaign_id)]
    assert row["provider_cancelled_at"] is not None
    assert (await store.read(database, campaign_id)).view().status == "cancelled"


async def test_an_unreachable_provider_leaves_no_playable_campaign(
    database: Database, game_id: uuid.UUID
) -> None:
    player = await create_player(database, 0, "USD")
    campaign_id = uuid.uuid4()
    async with httpx.AsyncClient() as http:
        links = _links(http, database, f"http://127.0.0.1:{free_port()}")
        with pytest.raises(LobbyError) as refused:
            await granting.grant(
                database, links, CASINO_CODE, _grant(player.user_id, game_id), campaign_id, "t"
            )
        assert refused.value.code is ErrorCode.PROVIDER_UNAVAILABLE
        row = await _row(database, campaign_id)
        assert row["cancelled_at"] is not None
        assert row["provider_cancelled_at"] is None
        # Cancelling again tries to tell the provider again, and says it could not.
        with pytest.raises(LobbyError) as again:
            await granting.cancel(database, links, CASINO_CODE, campaign_id)
        assert again.value.code is ErrorCode.PROVIDER_UNAVAILABLE
        assert (await _row(database, campaign_id))["cancelled_at"] == row["cancelled_at"]


async def test_a_cancel_stops_the_campaign_and_tells_the_provider(
    database: Database, game_id: uuid.UUID, rig: Rig
) -> None:
    player = await create_player(database, 0, "USD")
    campaign_id = uuid.uuid4()
    await granting.grant(
        database, rig.links, CASINO_CODE, _grant(player.user_id, game_id), campaign_id, "t"
    )
    cancelled = await granting.cancel(database, rig.links, CASINO_CODE, campaign_id)
    assert cancelled.status == "cancelled"
    assert cancelled.provider_cancelled_at is not None
    again = await granting.cancel(database, rig.links, CASINO_CODE, campaign_id)
    assert again.cancelled_at == cancelled.cancelled_at
    assert [c["campaignId"] for c in rig.provider.cancels] == [str(campaign_id)]
    [listed] = await store.campaigns_of(database, player.user_id)
    assert listed.campaign_id == campaign_id
    assert listed.status == "cancelled"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"game_id": uuid.uuid4()}, ErrorCode.GAME_NOT_FOUND),
        ({"user_id": uuid.uuid4()}, ErrorCode.USER_NOT_FOUND),
        ({"currency": "XYZ"}, ErrorCode.UNSUPPORTED_CURRENCY),
        (
            {"expires_at": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)},
            ErrorCode.INVALID_REQUEST,
        ),
    ],
)
async def test_a_grant_that_cannot_be_played_is_refused_and_not_stored(
    database: Database, game_id: uuid.UUID, rig: Rig, change: dict[str, Any], code: ErrorCode
) -> None:
    player = await create_player(database, 0, "USD")
    campaign_id = uuid.uuid4()
    with pytest.raises(LobbyError) as refused:
        await granting.grant(
            database,
            rig.links,
            CASINO_CODE,
            _grant(player.user_id, game_id, **change),
            campaign_id,
            "t",
        )
    assert refused.value.code is code
    assert rig.provider.grants == []
    async with database.begin() as db:
        stored = await db.scalar(
            text("SELECT count(*) FROM casino_free_round_campaigns WHERE id = :id"),
            {"id": campaign_id},
        )
    assert stored == 0


async def test_a_grant_in_a_new_currency_gives_the_player_an_empty_wallet(
    database: Database, game_id: uuid.UUID, rig: Rig
) -> None:
    player = await create_player(database, 500, "USD")
    campaign_id = uuid.uuid4()
    await granting.grant(
        database,
        rig.links,
        CASINO_CODE,
        _grant(player.user_id, game_id, currency="EUR"),
        campaign_id,
        "t",
    )
    async with database.begin() as db:
        wallet = (
            await db.execute(
                text(
                    "SELECT w.currency, w.balance FROM casino_wallets w"
                    " JOIN casino_free_round_campaigns c ON c.wallet_id = w.id WHERE c.id = :id"
                ),
                {"id": campaign_id},
            )
        ).one()
    assert tuple(wallet) == ("EUR", 0)
