"""The words the casino tables store as text (each column checked by the database): a game
session's status, a ledger row's transaction type and its outcome.

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


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
