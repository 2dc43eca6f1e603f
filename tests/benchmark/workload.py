"""What each request is: a debit, credit, rollback or getBalance, on which wallet.

The mix follows a provider's rounds: a bet (debit) opens a round; later a payout (credit,
same round) or a rollback settles it. A credit or rollback only names a debit that was
already answered as accepted, and each such debit is settled at most once, so a correct
system answers every request of the mix with success: any error in the report is real.
When no answered debit is waiting yet (the first requests), a debit is sent instead, so
the achieved mix is reported beside the intended one.

`hot` sends the same mix at one wallet: every command then waits for that wallet's row
lock, which is the serial path the hot-wallet target is about.
"""

from __future__ import annotations

import random
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

MIX = {"debit": 0.50, "credit": 0.25, "rollback": 0.10, "getBalance": 0.15}
WORKLOADS = ("mix", "hot")
# Enough for a few days of bets at 100 cents each: no INSUFFICIENT_FUNDS in any run.
OPENING_BALANCE = 10**12
SETTLE_BACKLOG = 10_000


@dataclass(frozen=True)
class Operation:
    """One wallet callback to send: the endpoint's name and its JSON body."""

    kind: str
    body: dict[str, Any]
    bet: Bet | None = None  # set on a debit: remember it once it is accepted


@dataclass(frozen=True)
class Bet:
    token: str
    transaction_id: str
    round_id: str
    amount: int


class Workload:
    """Chooses the next operation; told which debits were accepted, it settles them later."""

    def __init__(self, tokens: list[str], *, seed: int, prefix: str) -> None:
        if not tokens:
            raise ValueError("a workload needs at least one session token")
        self._tokens = tokens
        self._random = random.Random(seed)
        self._prefix = prefix
        self._kinds = list(MIX)
        self._weights = list(MIX.values())
        self._accepted: deque[Bet] = deque(maxlen=SETTLE_BACKLOG)
        self._count = 0

    def next(self) -> Operation:
        kind = self._random.choices(self._kinds, self._weights)[0]
        if kind in ("credit", "rollback") and self._accepted:
            bet = self._accepted.popleft()
            return self._credit(bet) if kind == "credit" else self._rollback(bet)
        token = self._random.choice(self._tokens)
        if kind == "getBalance":
            return Operation(kind, {"sessionToken": token})
        return self._debit(token)

    def accepted(self, bet: Bet) -> None:
        self._accepted.append(bet)

    def _id(self, what: str) -> str:
        self._count += 1
        return f"{self._prefix}-{what}-{self._count}-{uuid.uuid4().hex[:8]}"

    def _debit(self, token: str) -> Operation:
        bet = Bet(token, self._id("bet"), self._id("round"), self._random.randint(1, 100))
        body = {
            "sessionToken": token,
            "transactionId": bet.transaction_id,
            "roundId": bet.round_id,
            "amount": bet.amount,
        }
        return Operation("debit", body, bet)

    def _credit(self, bet: Bet) -> Operation:
        body = {
            "sessionToken": bet.token,
            "transactionId": self._id("win"),
            "roundId": bet.round_id,
            "amount": self._random.choice((0, bet.amount, 2 * bet.amount)),
            "relatedTransactionId": bet.transaction_id,
        }
        return Operation("credit", body)

    def _rollback(self, bet: Bet) -> Operation:
        body = {
            "sessionToken": bet.token,
            "transactionId": self._id("rb"),
            "originalTransactionId": bet.transaction_id,
        }
        return Operation("rollback", body)
