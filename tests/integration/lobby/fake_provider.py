"""A stand-in for the game provider, served over real HTTP on a free local port.

It refuses any call whose `x-provider-signature` is not made with the expected secret over
the raw body, records what each accepted call carried, and plays a round by moving the
wallet in the casino database itself (as the real provider's wallet callbacks would), so
a test can tell whether the lobby reads the balance after the round.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from contracts.signing import PROVIDER_SIGNATURE_HEADER, SignatureError, verify
from tests.support.processes import free_port, wait_until

# The provider's own view of the balance is deliberately wrong (a valid balance no wallet
# of these tests holds): the lobby must not use it.
PROVIDER_FINAL_BALANCE = 987_654_321


class FakeProvider:
    def __init__(self, secret: str, casino_db: asyncpg.Pool) -> None:
        self.secret = secret
        self.casino_db = casino_db
        self.launches: dict[str, dict[str, Any]] = {}  # by session token
        self.rounds: dict[str, dict[str, Any]] = {}  # by session token
        self.round_replies: dict[str, dict[str, Any]] = {}  # by session token
        self.app = FastAPI()
        self.app.post("/provider/launch")(self._launch)
        self.app.post("/provider/simulate")(self._simulate)

    async def _signed_body(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        verify(raw, request.headers.get(PROVIDER_SIGNATURE_HEADER), [self.secret])
        body: dict[str, Any] = json.loads(raw)
        return body

    async def _launch(self, request: Request) -> JSONResponse:
        try:
            body = await self._signed_body(request)
        except SignatureError as error:
            return _refusal(401, "SIGNATURE_INVALID", str(error))
        self.launches[body["sessionToken"]] = body
        return JSONResponse(
            {
                "success": True,
                "providerSessionId": f"ps-{body['sessionToken'][:12]}",
                "gameUrl": f"https://games.example/{body['gameId']}?s={body['sessionToken']}",
                "playerId": body["playerId"],
            }
        )

    async def _simulate(self, request: Request) -> JSONResponse:
        try:
            body = await self._signed_body(request)
        except SignatureError as error:
            return _refusal(401, "SIGNATURE_INVALID", str(error))
        token = body["sessionToken"]
        self.rounds[token] = body
        reply = {
            "success": True,
            "roundId": f"round-{token[:12]}",
            "results": await self._play(token, body["actions"]),
            "finalBalance": PROVIDER_FINAL_BALANCE,
        }
        self.round_replies[token] = reply
        return JSONResponse(reply)

    async def _play(self, token: str, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Bets take, rollbacks return the bet, payouts add; a bet above the balance is
        rejected with INSUFFICIENT_FUNDS, as the casino would answer it."""
        balance = await self._balance(token)
        bets: list[int] = []
        results: list[dict[str, Any]] = []
        for action in actions:
            kind, bet_index = action["type"], action.get("betIndex")
            amount: int | None = None
            status, code = "accepted", None
            if kind == "bet":
                amount, bet_index = int(action["amount"]), len(bets)
                if amount > balance:
                    status, code = "rejected", "INSUFFICIENT_FUNDS"
                balance -= 0 if code else amount
                bets.append(0 if code else amount)
            elif kind == "rollback":
                amount = bets[action["betIndex"]]
                balance += amount
            elif kind == "payout":
                amount = int(action["amount"])
                balance += amount
            results.append(
                {
                    "type": kind,
                    "transactionId": None if kind == "balance_check" else f"tx-{len(results)}",
                    "amount": amount,
                    "betIndex": bet_index,
                    "status": status,
                    "code": code,
                    "balanceAfter": None if code else balance,
                    "attempts": 2 if kind == "payout" else 1,
                }
            )
        # No ledger rows are written here, so the wallet's opening balance moves with it
        # (the database holds balance = opening balance + the ledger's moves).
        await self.casino_db.execute(
            "UPDATE casino_wallets w SET balance = $1, opening_balance = $1"
            " FROM casino_game_sessions s"
            " WHERE s.token = $2 AND w.id = s.wallet_id",
            balance,
            token,
        )
        return results

    async def _balance(self, token: str) -> int:
        return int(
            await self.casino_db.fetchval(
                "SELECT w.balance FROM casino_wallets w JOIN casino_game_sessions s"
                " ON w.id = s.wallet_id WHERE s.token = $1",
                token,
            )
        )


def _refusal(status: int, code: str, error: str) -> JSONResponse:
    body = {"success": False, "error": error, "code": code, "retryable": False}
    return JSONResponse(body, status_code=status)


@asynccontextmanager
async def serving(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 (on `port`, or a free one) for as long as the context lasts;
    yield its URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await wait_until(started, "the fake provider")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
