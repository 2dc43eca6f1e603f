"""The words the casino tables store as text (each column checked by the database): a game
session's status, a ledger row's transaction type and its outcome, a round's status
and a player's kinds of limit.

Apart from `casino.models`, so the wallet's pure rules can use them without the ORM.
"""

from enum import StrEnum


class SessionStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class TransactionType(StrEnum):
    DEBIT = "debit"  # a bet
    CREDIT = "credit"  # a payout
    ROLLBACK = "rollback"  # a bet cancelled
    END_ROUND = "end_round"  # a round closed by its provider; moves nothing


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # by its provider: roundClosed, or endRound
    EXPIRED = "expired"  # left open past the setting: no more bets, still settled


class LimitKind(StrEnum):
    """A player's limits, per currency (docs/OPERATIONS.md, "Player protection")."""

    MAX_BET = "max_bet"
    DAILY_LOSS = "daily_loss"
    WEEKLY_LOSS = "weekly_loss"
    MONTHLY_LOSS = "monthly_loss"
    SESSION_MINUTES = "session_minutes"
