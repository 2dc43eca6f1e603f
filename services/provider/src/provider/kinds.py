"""The small vocabularies of the provider's tables, shared by models, rules and replies."""

from enum import StrEnum


class BetType(StrEnum):
    """What a money call asked the casino to do."""

    BET = "bet"
    PAYOUT = "payout"
    ROLLBACK = "rollback"


class BetStatus(StrEnum):
    """What the casino decided: `pending` until its answer is stored; `unknown` when no
    final answer came back despite the retries."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AttemptAction(StrEnum):
    """What the retry queue, or an operator, did to a pending call."""

    SEND = "send"
    ROLL_BACK = "roll back"
    SETTLE = "settle"
