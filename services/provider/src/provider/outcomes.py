"""What an answer from the casino means for a call: accepted, rejected (final), or
worth sending again.

Transient: connection errors and timeouts (decided by the client), HTTP 429/502/503/504,
and any reply saying `retryable: true`. Final: a success, and every other 4xx (the
casino's decision). A 2xx we cannot read, or a 5xx that does not say it is transient,
is final but `unknown`: we cannot tell whether money moved.
"""

from dataclasses import dataclass
from typing import Any

import httpx

from provider.kinds import BetStatus

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class CallOutcome:
    """What became of one call after its retries: `unknown` means no final answer came."""

    status: BetStatus
    attempts: int
    reply: dict[str, Any] | None = None
    code: str | None = None
    error: str | None = None

    @property
    def balance(self) -> int | None:
        if self.status is not BetStatus.ACCEPTED or self.reply is None:
            return None
        balance = self.reply.get("balance")
        return balance if type(balance) is int else None


class TransientCallError(Exception):
    """Raised inside the retry loop when an attempt may succeed if sent again."""

    def __init__(self, outcome: CallOutcome) -> None:
        super().__init__(outcome.error)
        self.outcome = outcome


def classify(response: httpx.Response, attempt: int) -> CallOutcome:
    """Final outcomes are returned; an answer worth sending again raises TransientCallError."""
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    reply = parsed if isinstance(parsed, dict) else None
    if response.status_code == httpx.codes.OK and reply and reply.get("success") is True:
        return CallOutcome(BetStatus.ACCEPTED, attempt, reply)
    code = (reply.get("code") if reply else None) or f"HTTP_{response.status_code}"
    error = reply.get("error") if reply else None
    if response.status_code in TRANSIENT_STATUSES or (reply and reply.get("retryable") is True):
        raise TransientCallError(CallOutcome(BetStatus.UNKNOWN, attempt, reply, code, error))
    if 400 <= response.status_code < 500:
        return CallOutcome(BetStatus.REJECTED, attempt, reply, code, error)
    # A 2xx we cannot read, or a 5xx that does not say it is transient: nothing final.
    return CallOutcome(BetStatus.UNKNOWN, attempt, reply, code, error)
