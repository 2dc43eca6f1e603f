"""The small vocabularies of the provider's tables, shared by models, rules and replies."""

from enum import StrEnum


class BetType(StrEnum):
    """What a call asked the casino to do. Each is one kind of row in the casino's ledger:
    bet = debit (a free round too), payout = credit (of any `CreditKind`), rollback =
    rollback, end_round = end_round (moves nothing; recorded with amount 0)."""

    BET = "bet"
    PAYOUT = "payout"
    ROLLBACK = "rollback"
    END_ROUND = "end_round"


class BetStatus(StrEnum):
    """What the casino decided: `pending` until its answer is stored; `unknown` when no
    final answer came back despite the retries."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class CampaignState(StrEnum):
    """Where a free-round campaign stands, as the provider sees it (cancelled and expired
    win over exhausted: no round of it may be played either way)."""

    ACTIVE = "active"
    EXHAUSTED = "exhausted"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AttemptAction(StrEnum):
    """What the retry queue, or an operator, did to a pending call."""

    SEND = "send"
    ROLL_BACK = "roll back"
    SETTLE = "settle"
