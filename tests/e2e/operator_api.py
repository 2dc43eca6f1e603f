"""The operator's API as tests call it: `x-api-key` on every call, bodies as JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx

from tests.e2e.conftest import OPERATOR_API_KEY

KEY = {"x-api-key": OPERATOR_API_KEY}


class OperatorApi:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def grant(
        self,
        user_id: uuid.UUID,
        game_id: uuid.UUID,
        *,
        rounds: int = 10,
        bet: int = 100,
        currency: str = "USD",
        expires_in: dt.timedelta = dt.timedelta(hours=1),
    ) -> httpx.Response:
        body = {
            "userId": str(user_id),
            "gameId": str(game_id),
            "currency": currency,
            "rounds": rounds,
            "betAmount": bet,
            "expiresAt": (dt.datetime.now(dt.UTC) + expires_in).isoformat(),
        }
        return await self.http.post("/casino/freeRounds", json=body, headers=KEY)

    async def cancel(self, campaign_id: str) -> httpx.Response:
        body = {"campaignId": campaign_id}
        return await self.http.post("/casino/freeRounds/cancel", json=body, headers=KEY)

    async def campaign(self, campaign_id: str) -> httpx.Response:
        return await self.http.get(f"/casino/freeRounds/{campaign_id}", headers=KEY)

    async def campaigns(self, user_id: uuid.UUID) -> httpx.Response:
        return await self.http.get(f"/casino/players/{user_id}/freeRounds", headers=KEY)

    async def set_limits(self, user_id: uuid.UUID, **limits: Any) -> httpx.Response:
        body = {"currency": "USD"} | limits
        return await self.http.put(f"/casino/players/{user_id}/limits", json=body, headers=KEY)

    async def limits(self, user_id: uuid.UUID, currency: str = "USD") -> httpx.Response:
        return await self.http.get(
            f"/casino/players/{user_id}/limits", params={"currency": currency}, headers=KEY
        )

    async def exclude(self, user_id: uuid.UUID, until: dt.datetime | None = None) -> httpx.Response:
        body = {} if until is None else {"until": until.isoformat()}
        return await self.http.post(f"/casino/players/{user_id}/exclusion", json=body, headers=KEY)

    async def exclusion(self, user_id: uuid.UUID) -> httpx.Response:
        return await self.http.get(f"/casino/players/{user_id}/exclusion", headers=KEY)

    async def launch(self, user_id: uuid.UUID, game_id: uuid.UUID) -> httpx.Response:
        body = {"userId": str(user_id), "gameId": str(game_id), "currency": "USD"}
        return await self.http.post("/casino/launchGame", json=body, headers=KEY)

    async def round(self, provider_code: str, round_id: str) -> httpx.Response:
        return await self.http.get(f"/casino/rounds/{provider_code}/{round_id}", headers=KEY)
