"""An in-memory casino wallet for the provider's integration tests, reached in-process.

It keeps the protocol's wallet rules closely enough to judge the provider (signatures,
idempotent replies by transactionId, insufficient funds, rollback rules, tombstones),
counts every request it processes, and can be told to fail: answer 503 *before*
processing (the wallet never saw it) or *after* (it moved the money, the answer was lost).
The real casino is exercised by the end-to-end suite.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from contracts.errors import ErrorBody, ErrorCode
from contracts.signing import CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify

Reply = tuple[int, dict[str, Any]]


def _error(code: ErrorCode, message: str | None = None) -> Reply:
    body = ErrorBody.of(code, message)
    return body.status, body.model_dump(mode="json")


@dataclass
class FakeCasino:
    secret: str
    balances: dict[str, int] = field(default_factory=dict)  # by session token
    fail_before: Counter[str] = field(default_factory=Counter)  # path -> how many more
    fail_after: Counter[str] = field(default_factory=Counter)
    processed: Counter[str] = field(default_factory=Counter)  # path -> requests applied
    _decided: dict[str, tuple[dict[str, Any], Reply]] = field(default_factory=dict)
    _bets: dict[str, dict[str, Any]] = field(default_factory=dict)
    _credits: set[str] = field(default_factory=set)
    _paid_rounds: set[str] = field(default_factory=set)

    def open_wallet(self, token: str, balance: int) -> None:
        self.balances[token] = balance

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/casino/{command}")
        async def callback(command: str, request: Request) -> JSONResponse:
            body = await request.body()
            try:
                verify(
                    body,
                    request.headers.get(CASINO_SIGNATURE_HEADER),
                    [self.secret],
                    timestamp=request.headers.get(TIMESTAMP_HEADER),
                )
            except SignatureError:
                status, reply = _error(ErrorCode.SIGNATURE_INVALID)
                return JSONResponse(reply, status)
            path = f"/casino/{command}"
            if self.fail_before[path] > 0:
                self.fail_before[path] -= 1
                status, reply = _error(ErrorCode.WALLET_UNAVAILABLE)
                return JSONResponse(reply, status)
            self.processed[path] += 1
            status, reply = self._apply(command, await request.json())
            if self.fail_after[path] > 0:
                self.fail_after[path] -= 1
                status, reply = _error(ErrorCode.WALLET_UNAVAILABLE)
            return JSONResponse(reply, status)

        return app

    def _apply(self, command: str, body: dict[str, Any]) -> Reply:
        token = body["sessionToken"]
        if token not in self.balances:
            return _error(ErrorCode.INVALID_SESSION)
        if command == "getBalance":
            return 200, {"success": True, "balance": self.balances[token], "currency": "USD"}
        key = body["transactionId"]
        if key in self._decided:
            payload, reply = self._decided[key]
            return reply if payload == body else _error(ErrorCode.DUPLICATE_TRANSACTION)
        rules = {"debit": self._debit, "credit": self._credit, "rollback": self._rollback}
        reply = rules[command](token, body)
        self._decided[key] = (body, reply)
        return reply

    def _debit(self, token: str, body: dict[str, Any]) -> Reply:
        if body["amount"] > self.balances[token]:
            return _error(ErrorCode.INSUFFICIENT_FUNDS)
        self.balances[token] -= body["amount"]
        self._bets[body["transactionId"]] = {**body, "rolled_back": False}
        return self._moved(token, body)

    def _credit(self, token: str, body: dict[str, Any]) -> Reply:
        self.balances[token] += body["amount"]
        self._credits.add(body["transactionId"])
        self._paid_rounds.add(body["roundId"])
        return self._moved(token, body)

    def _rollback(self, token: str, body: dict[str, Any]) -> Reply:
        original = body["originalTransactionId"]
        if original in self._credits:
            return _error(ErrorCode.CANNOT_ROLLBACK_PAYOUT)
        bet = self._bets.get(original)
        refunded = bet is not None and not bet["rolled_back"]
        if bet is not None and bet["roundId"] in self._paid_rounds:
            return _error(ErrorCode.ROLLBACK_NOT_ALLOWED)
        if bet is not None and refunded:
            bet["rolled_back"] = True
            self.balances[token] += bet["amount"]
        return 200, {
            **self._moved(token, body)[1],
            "rolledBack": refunded or bet is None,
            **({"message": "tombstone: the bet is unknown"} if bet is None else {}),
        }

    def _moved(self, token: str, body: dict[str, Any]) -> Reply:
        return 200, {
            "success": True,
            "transactionId": body["transactionId"],
            "balance": self.balances[token],
            "currency": "USD",
        }
