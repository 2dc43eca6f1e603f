"""The provider's tables: games, partner casinos, their players, sessions, rounds, bets.

The database enforces what must never break:

- `provider_bets.transaction_id` (UNIQUE): a transactionId names one money call for ever,
  so a retry can only ever repeat it, never mint a second call under the same key.
- Each bet row is written (status `pending`) and committed *before* its call is sent, so
  after a crash we still know which transactionIds may have moved money.
- Amounts are integer minor units within 0..10^15, a bet is at least 1, and a rollback
  always names the bet it cancels (CHECKs); every row points at rows that exist (FOREIGN
  KEYs); a casino's player and a casino's session token are each mapped once (UNIQUE).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from contracts.money import MAX_AMOUNT
from provider.kinds import BetStatus, BetType, RoundStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: type[BetType | BetStatus | RoundStatus]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class Game(Timestamped, Base):
    """A game in the provider's catalogue; casinos name it by `code`."""

    __tablename__ = "provider_games"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class Casino(Timestamped, Base):
    """A partner casino; it calls us as `code`."""

    __tablename__ = "provider_casinos"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class CasinoUser(Timestamped, Base):
    """Our player for one casino's player: the casino's id is theirs, ours is this row's."""

    __tablename__ = "provider_casino_users"
    __table_args__ = (UniqueConstraint("casino_id", "casino_player_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    casino_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_casinos.id"))
    casino_player_id: Mapped[str] = mapped_column(String(128))


class PlayerSession(Timestamped, Base):
    """A launched game: the casino's session token, whose wallet our callbacks move."""

    __tablename__ = "provider_sessions"
    __table_args__ = (UniqueConstraint("casino_id", "session_token"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    casino_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_casinos.id"))
    casino_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_casino_users.id"))
    game_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_games.id"))
    session_token: Mapped[str] = mapped_column(String(256))
    currency: Mapped[str] = mapped_column(String(3))
    opening_balance: Mapped[int] = mapped_column(BigInteger)


class GameRound(Timestamped, Base):
    """One round of play: the bets and payouts the casino sees under one roundId."""

    __tablename__ = "provider_game_rounds"
    __table_args__ = (CheckConstraint(_one_of("status", RoundStatus), name="status"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_sessions.id"))
    game_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_games.id"))
    status: Mapped[str] = mapped_column(String(16), server_default=RoundStatus.OPEN.value)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Bet(Timestamped, Base):
    """One money call to the casino (bet, payout or rollback) and what became of it."""

    __tablename__ = "provider_bets"
    __table_args__ = (
        CheckConstraint(_one_of("type", BetType), name="type"),
        CheckConstraint(_one_of("status", BetStatus), name="status"),
        CheckConstraint(f"amount BETWEEN 0 AND {MAX_AMOUNT}", name="amount_minor_units"),
        CheckConstraint("type <> 'bet' OR amount >= 1", name="bet_amount_positive"),
        CheckConstraint(
            "type <> 'rollback' OR related_bet_id IS NOT NULL", name="rollback_names_bet"
        ),
        CheckConstraint("attempts >= 0", name="attempts_counted"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_game_rounds.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    transaction_id: Mapped[str] = mapped_column(String(128), unique=True)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    related_bet_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provider_bets.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default=BetStatus.PENDING.value)
    error_code: Mapped[str | None] = mapped_column(String(64))
    casino_reply: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    balance_after: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=text("now()")
    )
