"""The error-code catalogue: every failure any service answers, with its HTTP status and
whether the same request may be sent again.

Every failure on the wire is `{success: false, error, code, retryable}` (docs/PROTOCOL.md). Services
raise their own errors carrying an `ErrorCode`; they are turned into `ErrorBody` in one
place per service, using this catalogue for the status and `retryable`.

A body or message that does not validate against its model is answered the same way by
every service (`ErrorBody.of_invalid`): INVALID_AMOUNT when an amount is at fault (the
money validators' `invalid_amount` error), else INVALID_REQUEST; the message names each
field at fault, `field: problem`, separated by `; `.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from contracts.money import INVALID_AMOUNT_ERROR


class ErrorCode(StrEnum):
    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    API_KEY_INVALID = "API_KEY_INVALID"
    FEATURE_DISABLED = "FEATURE_DISABLED"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    INVALID_SESSION = "INVALID_SESSION"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    BALANCE_LIMIT_EXCEEDED = "BALANCE_LIMIT_EXCEEDED"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    DUPLICATE_TRANSACTION = "DUPLICATE_TRANSACTION"
    TRANSACTION_ROLLED_BACK = "TRANSACTION_ROLLED_BACK"
    TRANSACTION_NOT_FOUND = "TRANSACTION_NOT_FOUND"
    ROLLBACK_NOT_ALLOWED = "ROLLBACK_NOT_ALLOWED"
    CANNOT_ROLLBACK_PAYOUT = "CANNOT_ROLLBACK_PAYOUT"
    COMMAND_NOT_APPLICABLE = "COMMAND_NOT_APPLICABLE"
    ROUND_CLOSED = "ROUND_CLOSED"
    FREE_ROUNDS_NOT_FOUND = "FREE_ROUNDS_NOT_FOUND"
    FREE_ROUNDS_EXHAUSTED = "FREE_ROUNDS_EXHAUSTED"
    FREE_ROUNDS_EXPIRED = "FREE_ROUNDS_EXPIRED"
    BET_LIMIT_EXCEEDED = "BET_LIMIT_EXCEEDED"
    LOSS_LIMIT_EXCEEDED = "LOSS_LIMIT_EXCEEDED"
    SESSION_TIME_EXCEEDED = "SESSION_TIME_EXCEEDED"
    PLAYER_EXCLUDED = "PLAYER_EXCLUDED"
    UNSUPPORTED_CURRENCY = "UNSUPPORTED_CURRENCY"
    USER_NOT_FOUND = "USER_NOT_FOUND"
    GAME_NOT_FOUND = "GAME_NOT_FOUND"
    GAME_INACTIVE = "GAME_INACTIVE"
    PROVIDER_DISABLED = "PROVIDER_DISABLED"
    CASINO_NOT_FOUND = "CASINO_NOT_FOUND"
    ROUND_NOT_FOUND = "ROUND_NOT_FOUND"
    ROUND_INTERRUPTED = "ROUND_INTERRUPTED"
    WALLET_UNAVAILABLE = "WALLET_UNAVAILABLE"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    CASINO_UNAVAILABLE = "CASINO_UNAVAILABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


@dataclass(frozen=True)
class ErrorKind:
    status: int
    retryable: bool
    message: str


CATALOGUE: dict[ErrorCode, ErrorKind] = {
    ErrorCode.INVALID_REQUEST: ErrorKind(400, False, "The request is malformed"),
    ErrorCode.INVALID_AMOUNT: ErrorKind(400, False, "The amount is not valid minor units"),
    ErrorCode.PAYLOAD_TOO_LARGE: ErrorKind(413, False, "The request body is too large"),
    ErrorCode.SIGNATURE_INVALID: ErrorKind(401, False, "The request signature is invalid"),
    ErrorCode.API_KEY_INVALID: ErrorKind(401, False, "The API key is missing or wrong"),
    ErrorCode.FEATURE_DISABLED: ErrorKind(403, False, "This endpoint is disabled"),
    ErrorCode.NOT_FOUND: ErrorKind(404, False, "No such endpoint"),
    ErrorCode.METHOD_NOT_ALLOWED: ErrorKind(405, False, "Method not allowed"),
    ErrorCode.INVALID_SESSION: ErrorKind(401, False, "The session is unknown or not active"),
    ErrorCode.INSUFFICIENT_FUNDS: ErrorKind(400, False, "The balance does not cover the bet"),
    # 409, not 400: the request is well formed and would be accepted by a wallet with room;
    # it conflicts with this wallet's state, as a bet after its tombstone does.
    ErrorCode.BALANCE_LIMIT_EXCEEDED: ErrorKind(
        409, False, "The balance would pass the most a wallet may hold"
    ),
    ErrorCode.CURRENCY_MISMATCH: ErrorKind(400, False, "The currency does not match the wallet"),
    ErrorCode.DUPLICATE_TRANSACTION: ErrorKind(
        409, False, "This transactionId was already used with another payload"
    ),
    ErrorCode.TRANSACTION_ROLLED_BACK: ErrorKind(
        409, False, "This transaction was already rolled back"
    ),
    ErrorCode.TRANSACTION_NOT_FOUND: ErrorKind(
        400, False, "The named transaction does not belong to this session's player"
    ),
    ErrorCode.ROLLBACK_NOT_ALLOWED: ErrorKind(
        400, False, "The bet's round already has a payout; it cannot be rolled back"
    ),
    ErrorCode.CANNOT_ROLLBACK_PAYOUT: ErrorKind(400, False, "Only bets can be rolled back"),
    # 422: it passed validation but the ledger cannot take it; nothing was stored and the
    # same request fails again the same way, so it is not retryable (WALLET_UNAVAILABLE is
    # for failures of the database itself).
    ErrorCode.COMMAND_NOT_APPLICABLE: ErrorKind(
        422, False, "The command could not be applied to the ledger; nothing moved"
    ),
    ErrorCode.ROUND_CLOSED: ErrorKind(409, False, "The round is closed; nothing more goes into it"),
    ErrorCode.FREE_ROUNDS_NOT_FOUND: ErrorKind(
        404, False, "No such free-round campaign for this player and game"
    ),
    ErrorCode.FREE_ROUNDS_EXHAUSTED: ErrorKind(
        409, False, "Every round of the free-round campaign was played"
    ),
    ErrorCode.FREE_ROUNDS_EXPIRED: ErrorKind(
        409, False, "The free-round campaign expired or was cancelled"
    ),
    # Player protection: the bet is refused, nothing moved; a smaller bet (or none) is the
    # player's way on, not a retry.
    ErrorCode.BET_LIMIT_EXCEEDED: ErrorKind(400, False, "The bet is above the player's bet limit"),
    ErrorCode.LOSS_LIMIT_EXCEEDED: ErrorKind(
        400, False, "The bet would take the player past a loss limit"
    ),
    ErrorCode.SESSION_TIME_EXCEEDED: ErrorKind(
        403, False, "The player's session time limit has passed"
    ),
    ErrorCode.PLAYER_EXCLUDED: ErrorKind(403, False, "The player is excluded from play"),
    ErrorCode.UNSUPPORTED_CURRENCY: ErrorKind(400, False, "The casino does not take this currency"),
    ErrorCode.USER_NOT_FOUND: ErrorKind(404, False, "No such user"),
    ErrorCode.GAME_NOT_FOUND: ErrorKind(404, False, "No such game"),
    ErrorCode.GAME_INACTIVE: ErrorKind(404, False, "The game is not active"),
    ErrorCode.PROVIDER_DISABLED: ErrorKind(403, False, "The provider is disabled"),
    ErrorCode.CASINO_NOT_FOUND: ErrorKind(404, False, "No such casino"),
    ErrorCode.ROUND_NOT_FOUND: ErrorKind(404, False, "No such round"),
    # Not retryable: sending it again would play another round; look at the balance first.
    ErrorCode.ROUND_INTERRUPTED: ErrorKind(
        409, False, "The round was interrupted before it was answered; it is not replayed"
    ),
    ErrorCode.WALLET_UNAVAILABLE: ErrorKind(
        503, True, "The wallet did not answer in time; retry with the same transactionId"
    ),
    ErrorCode.PROVIDER_UNAVAILABLE: ErrorKind(502, True, "The game provider did not answer"),
    ErrorCode.CASINO_UNAVAILABLE: ErrorKind(502, True, "The casino did not answer"),
    ErrorCode.INTERNAL_ERROR: ErrorKind(500, True, "Unexpected error; it has been logged"),
}


class ErrorBody(BaseModel):
    """Every failure's body on the wire."""

    success: Literal[False] = False
    error: str
    code: ErrorCode
    retryable: bool

    @classmethod
    def of(cls, code: ErrorCode, error: str | None = None) -> "ErrorBody":
        kind = CATALOGUE[code]
        return cls(error=error or kind.message, code=code, retryable=kind.retryable)

    @classmethod
    def of_invalid(cls, details: Sequence[ErrorDetails]) -> "ErrorBody":
        """The refusal of what failed validation with `details` (a `ValidationError`'s
        `errors()`): at most a few of its problems, amounts first."""
        amounts = [detail for detail in details if detail["type"] == INVALID_AMOUNT_ERROR]
        named = amounts or details
        problems = [_problem(detail) for detail in named[:_MOST_PROBLEMS_NAMED]]
        if len(named) > _MOST_PROBLEMS_NAMED:
            problems.append(f"and {len(named) - _MOST_PROBLEMS_NAMED} more")
        code = ErrorCode.INVALID_AMOUNT if amounts else ErrorCode.INVALID_REQUEST
        return cls.of(code, "; ".join(problems) or None)

    @property
    def status(self) -> int:
        return CATALOGUE[self.code].status


# A body of 200 bad actions is refused with a message of a line, not of 200 problems.
_MOST_PROBLEMS_NAMED = 5
_NOT_AN_OBJECT = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _problem(detail: ErrorDetails) -> str:
    """`field: problem`, the field as the caller wrote it (`actions[2].amount`)."""
    if detail["type"] == "json_invalid":
        return "the body is not valid JSON"
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in detail["loc"])
    field = path.lstrip(".")
    if detail["type"] in _NOT_AN_OBJECT:
        return f"{field}: must be a JSON object" if field else "the body must be a JSON object"
    return f"{field or 'the body'}: {detail['msg']}"
