"""The provider's tables: games, partner casinos, their players, sessions, rounds, bets
(every call to the wallet) and the retry queue's attempts at them, and the free-round
campaigns casinos registered.

The database enforces what must never break:

- `provider_bets.transaction_id` (UNIQUE): a transactionId names one money call for ever,
  so a retry can only ever repeat it, never mint a second call under the same key.
- Each bet row is written (status `pending`) and committed *before* its call is sent, so
  after a crash we still know which transactionIds may have moved money.
- A `pending` row holds the exact body it was (or is about to be) sent with, and the time
  the retry queue may next send it (CHECK): after a crash it can be sent again byte for
  byte. Every attempt of the queue, and a settlement by hand, is a row of its own
  (`provider_call_attempts`), never an edit of history.
- Amounts are integer minor units within 0..10^15, a bet is at least 1, and a rollback
  always names the bet it cancels (CHECKs); every row points at rows that exist (FOREIGN
  KEYs); a casino's player and a casino's session token are each mapped once (UNIQUE).
- Only a payout has a credit kind; only a bet or a payout belongs to a campaign; an
  end_round moves nothing (amount 0). A casino's campaignId names one campaign (UNIQUE),
  and its rounds played never pass its rounds granted (CHECK).
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
    Identity,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from contracts.money import MAX_AMOUNT
from contracts.wallet import CreditKind
from provider.kinds import AttemptAction, BetStatus, BetType, RoundStatus

Vocabulary = type[BetType | BetStatus | RoundStatus | AttemptAction | CreditKind]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: Vocabulary) -> str:
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
    __table_args__ = (
        CheckConstraint(_one_of("status", RoundStatus), name="status"),
        # The retry queue looks for open rounds left behind by a crash.
        Index(
            "ix_provider_game_rounds_open", "created_at", postgresql_where=text("status = 'open'")
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_sessions.id"))
    game_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_games.id"))
    status: Mapped[str] = mapped_column(String(16), server_default=RoundStatus.OPEN.value)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FreeRoundCampaign(Timestamped, Base):
    """Free rounds a casino granted one of its players at one of our games: `rounds` bets
    of `bet_amount`, playable until `expires_at` unless cancelled. `rounds_played` counts
    the free rounds we sent to the casino (a round the casino refused is given back)."""

    __tablename__ = "provider_free_round_campaigns"
    __table_args__ = (
        UniqueConstraint("casino_id", "campaign_id"),
        CheckConstraint("rounds > 0", name="rounds_positive"),
        CheckConstraint(f"bet_amount BETWEEN 1 AND {MAX_AMOUNT}", name="bet_amount_in_range"),
        CheckConstraint("rounds_played BETWEEN 0 AND rounds", name="played_within_grant"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    casino_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_casinos.id"))
    # The casino's id of the campaign: every free round's debit and win names it.
    campaign_id: Mapped[str] = mapped_column(String(128))
    casino_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_casino_users.id"))
    game_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_games.id"))
    currency: Mapped[str] = mapped_column(String(3))
    rounds: Mapped[int] = mapped_column()
    bet_amount: Mapped[int] = mapped_column(BigInteger)
    rounds_played: Mapped[int] = mapped_column(server_default=text("0"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Bet(Timestamped, Base):
    """One call to the casino (bet, payout, rollback or end_round) and what became of it."""

    __tablename__ = "provider_bets"
    __table_args__ = (
        CheckConstraint(_one_of("type", BetType), name="type"),
        CheckConstraint(_one_of("status", BetStatus), name="status"),
        CheckConstraint(f"amount BETWEEN 0 AND {MAX_AMOUNT}", name="amount_minor_units"),
        CheckConstraint("type <> 'bet' OR amount >= 1", name="bet_amount_positive"),
        CheckConstraint(
            "type <> 'rollback' OR related_bet_id IS NOT NULL", name="rollback_names_bet"
        ),
        CheckConstraint("type <> 'end_round' OR amount = 0", name="end_round_moves_nothing"),
        CheckConstraint(
            f"kind IS NULL OR (type = 'payout' AND {_one_of('kind', CreditKind)})",
            name="kind_of_payout",
        ),
        CheckConstraint(
            "campaign_id IS NULL OR type IN ('bet', 'payout')", name="campaign_of_free_play"
        ),
        CheckConstraint("attempts >= 0", name="attempts_counted"),
        CheckConstraint("resends >= 0", name="resends_counted"),
        CheckConstraint(
            "status <> 'pending' OR request_body IS NOT NULL", name="pending_can_be_resent"
        ),
        Index(
            "ix_provider_bets_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
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
    # The JSON body sent to the casino, exactly; signed afresh on each send.
    request_body: Mapped[str | None] = mapped_column(Text)
    # When the retry queue may send a pending call (again); NULL once settled, or when its
    # retries are spent and only an operator can settle it.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How many times the retry queue has sent it (its backoff grows with this).
    resends: Mapped[int] = mapped_column(server_default=text("0"))
    # A payout's kind (win, bonus, jackpot, promo), as sent.
    kind: Mapped[str | None] = mapped_column(String(16))
    # The campaign a free round (bet) or its win (payout) belongs to.
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider_free_round_campaigns.id")
    )


class CallAttempt(Base):
    """What the retry queue, or an operator, did to a pending call, and when: a send of
    its stored body (`send`), a debit given up and rolled back (`roll back`), a
    settlement by hand (`settle`, with its reason). Rows are only ever added."""

    __tablename__ = "provider_call_attempts"
    __table_args__ = (
        CheckConstraint(_one_of("action", AttemptAction), name="action"),
        CheckConstraint("outcome IN ('accepted', 'rejected', 'unknown')", name="outcome"),
        CheckConstraint("action <> 'settle' OR reason IS NOT NULL", name="settle_has_reason"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    bet_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider_bets.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
    action: Mapped[str] = mapped_column(String(16))
    # Who: the retry queue (with its host and process) or the operator's name.
    actor: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    # HTTP attempts this send made (the client's own retries of transient failures).
    casino_attempts: Mapped[int] = mapped_column(server_default=text("0"))
    reason: Mapped[str | None] = mapped_column(Text)
