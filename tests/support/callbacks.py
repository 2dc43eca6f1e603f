"""A provider's-eye client of the casino's wallet callbacks, for tests.

It signs exactly the bytes it sends, like the real provider; tests can also send other
bytes, other signatures or none, to see what the gateway refuses.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from contracts.signing import CASINO_SIGNATURE_HEADER, signature_headers


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


class WalletCallbacks:
    def __init__(self, http: httpx.AsyncClient, secret: str) -> None:
        self.http = http
        self.secret = secret

    async def send(
        self,
        name: str,
        body: dict[str, Any] | bytes,
        *,
        secret: str | None = None,
        signed: bool = True,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent_headers = {"content-type": "application/json"}
        if signed:
            sent_headers |= signature_headers(raw, secret or self.secret, CASINO_SIGNATURE_HEADER)
        sent_headers |= headers or {}
        return await self.http.post(f"/casino/{name}", content=raw, headers=sent_headers)

    async def balance(self, token: str) -> httpx.Response:
        return await self.send("getBalance", {"sessionToken": token})

    async def debit(
        self,
        token: str,
        amount: Any,
        *,
        tx: str | None = None,
        round_id: str = "round-1",
        **fields: Any,
    ) -> httpx.Response:
        """A bet; `fields` are more wire fields as sent (`roundClosed=True`,
        `freeRoundsCampaignId=…`)."""
        body = {
            "sessionToken": token,
            "transactionId": tx or new_id("bet"),
            "roundId": round_id,
            "amount": amount,
        }
        return await self.send("debit", body | fields)

    async def credit(
        self,
        token: str,
        amount: Any,
        *,
        tx: str | None = None,
        round_id: str = "round-1",
        related: str | None = None,
        **fields: Any,
    ) -> httpx.Response:
        """A payout; `fields` are more wire fields as sent (`kind="jackpot"`, …)."""
        body: dict[str, Any] = {
            "sessionToken": token,
            "transactionId": tx or new_id("win"),
            "roundId": round_id,
            "amount": amount,
        }
        if related:
            body["relatedTransactionId"] = related
        return await self.send("credit", body | fields)

    async def rollback(self, token: str, original: str, *, tx: str | None = None) -> httpx.Response:
        body = {
            "sessionToken": token,
            "transactionId": tx or new_id("rb"),
            "originalTransactionId": original,
        }
        return await self.send("rollback", body)

    async def end_round(
        self, token: str, round_id: str = "round-1", *, tx: str | None = None
    ) -> httpx.Response:
        body = {"sessionToken": token, "transactionId": tx or new_id("end"), "roundId": round_id}
        return await self.send("endRound", body)
