"""The small vocabularies stored in the casino tables (as text, checked by the database)."""

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
