"""The casino's tables: players, wallets, providers, games, sessions and the ledger.

The database itself enforces what must never break, so no code path can get it wrong:

- `casino_wallets.balance >= 0` (CHECK): a wallet is never overdrawn, whatever the code does.
- No balance above the ceiling, 10^18 minor units (CHECKs on `casino_wallets.balance` and
  `casino_transactions.balance_after`): the rules refuse a move past it
  (BALANCE_LIMIT_EXCEEDED), and the bigint columns are never asked to hold more than they can.
- `casino_transactions (provider_id, transaction_id)` (UNIQUE): the idempotency key. A
  provider's transactionId is decided once; a second insert fails instead of moving money.
- One refund per bet (partial UNIQUE on `original_id` of refunding rollbacks): twenty
  rollbacks of one bet cannot all return its amount.
- Amounts are integer minor units within 0..10^15 (CHECK), a bet is at least 1, a rejected
  row carries its error code and an accepted one none, a tombstone is a rollback that
  names no bet, and debits and credits carry their round (CHECKs).
- A session's wallet belongs to the session's player (composite FOREIGN KEY), and every
  row points at rows that exist (FOREIGN KEYs).
- balance = opening balance + the ledger's moves. Each row carries the balance before and
  after it (CHECK: after = before + its move) and points at its wallet's previous row,
  whose balance_after must be its balance_before (FOREIGN KEY); a row has one successor at
  most and a wallet one first row, which starts from the opening balance (UNIQUE, FOREIGN
  KEY); the wallet points at its newest row and its balance is that row's balance_after
  (FOREIGN KEY). Two statement triggers refuse a row left behind the wallet and a wallet
  pointed back at an older row (migration 0003 explains the whole argument).

The ledger is append-only: the balance is a column updated by SQL arithmetic in the same
transaction that appends the row, and each row keeps the balance after it and the exact
reply it was answered with, so a retry gets that reply again.

One module over the usual size on purpose: every constraint of the ledger is read here
in one place, beside the tables it holds.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casino.vocabulary import LimitKind, Outcome, RoundStatus, SessionStatus, TransactionType
from contracts.money import MAX_BALANCE

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
IDEMPOTENCY_KEY = "uq_casino_transactions_provider_transaction"
ONE_REFUND_PER_BET = "uq_casino_transactions_one_refund_per_bet"
MAX_AMOUNT = 10**15
# What a row does to its wallet's balance: a bet takes its amount, a payout or a refund
# gives it, a rejection or an end of round moves nothing, and so do a free bet and its
# refund (they carry their campaign; a free round's win, a credit, is paid like any).
MOVE = (
    "CASE WHEN outcome <> 'accepted' OR type = 'end_round' THEN 0"
    " WHEN type = 'credit' THEN amount"
    " WHEN campaign_id IS NOT NULL THEN 0"
    " WHEN type = 'debit' THEN -amount ELSE amount END"
)
CREDIT_KINDS = ("win", "bonus", "jackpot", "promo")


def _one_of(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class User(Timestamped, Base):
    __tablename__ = "casino_users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))


class Wallet(Timestamped, Base):
    """The authoritative balance of one player in one currency."""

    __tablename__ = "casino_wallets"
    __table_args__ = (
        UniqueConstraint("user_id", "currency"),
        # Lets sessions reference (wallet, player) together, see GameSession.
        UniqueConstraint("id", "user_id"),
        UniqueConstraint("id", "opening_balance"),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint(f"balance <= {MAX_BALANCE}", name="balance_within_ceiling"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint(
            "last_transaction_id IS NOT NULL OR balance = opening_balance",
            name="balance_is_opening_until_a_row",
        ),
        ForeignKeyConstraint(
            ["last_transaction_id", "id", "balance"],
            [
                "casino_transactions.id",
                "casino_transactions.wallet_id",
                "casino_transactions.balance_after",
            ],
            name="fk_casino_wallets_newest_row",
            use_alter=True,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_users.id"))
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[int] = mapped_column(BigInteger)
    # What the wallet was created with: balance = opening + moves, held by the database.
    opening_balance: Mapped[int] = mapped_column(BigInteger)
    # The newest ledger row; its balance_after is the balance.
    last_transaction_id: Mapped[uuid.UUID | None] = mapped_column()
    # The running loss (bets - wins - refunds) of the period that began on each date, in
    # the loss-limit time zone; kept by the wallet beside the balance (migration 0006).
    loss_day_start: Mapped[date | None] = mapped_column(Date)
    loss_day: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    loss_week_start: Mapped[date | None] = mapped_column(Date)
    loss_week: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    loss_month_start: Mapped[date | None] = mapped_column(Date)
    loss_month: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class GameProvider(Timestamped, Base):
    __tablename__ = "casino_game_providers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_enabled: Mapped[bool] = mapped_column(server_default=text("true"))


class Game(Timestamped, Base):
    __tablename__ = "casino_games"
    __table_args__ = (UniqueConstraint("provider_id", "provider_game_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_game_providers.id"))
    provider_game_code: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))


class GameSession(Timestamped, Base):
    """A player at a game, paying from one wallet; the token is what the provider quotes."""

    __tablename__ = "casino_game_sessions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["wallet_id", "user_id"],
            ["casino_wallets.id", "casino_wallets.user_id"],
            name="fk_casino_game_sessions_wallet_of_user",
        ),
        CheckConstraint(_one_of("status", SessionStatus), name="status_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    token: Mapped[str] = mapped_column(String(256), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_users.id"))
    wallet_id: Mapped[uuid.UUID] = mapped_column(index=True)
    game_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_games.id"))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.ACTIVE.value)
    provider_session_id: Mapped[str | None] = mapped_column(String(256))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Transaction(Timestamped, Base):
    """One decided wallet command: a bet, a payout or a rollback, accepted or rejected."""

    __tablename__ = "casino_transactions"
    __table_args__ = (
        UniqueConstraint("provider_id", "transaction_id", name=IDEMPOTENCY_KEY),
        Index(
            ONE_REFUND_PER_BET,
            "original_id",
            unique=True,
            postgresql_where=text(
                f"type = '{TransactionType.ROLLBACK.value}' "
                f"AND outcome = '{Outcome.ACCEPTED.value}' AND amount > 0"
            ),
        ),
        # A round by provider and roundId, with or without its wallet (migration 0008).
        Index("ix_casino_transactions_provider_round", "provider_id", "round_id", "wallet_id"),
        Index("ix_casino_transactions_original", "provider_id", "original_transaction_id"),
        # The ledger by period: reports and the dashboard (migration 0009).
        Index("ix_casino_transactions_created_at", "created_at"),
        CheckConstraint(_one_of("type", TransactionType), name="type_known"),
        CheckConstraint(_one_of("outcome", Outcome), name="outcome_known"),
        CheckConstraint(f"amount >= 0 AND amount <= {MAX_AMOUNT}", name="amount_in_range"),
        CheckConstraint("type <> 'debit' OR amount >= 1", name="bet_at_least_one"),
        CheckConstraint("(outcome = 'rejected') = (error_code IS NOT NULL)", name="error_code"),
        CheckConstraint("type = 'rollback' OR round_id IS NOT NULL", name="round_of_money"),
        CheckConstraint(
            "(type = 'credit') = (kind IS NOT NULL)"
            f" AND (kind IS NULL OR kind IN {CREDIT_KINDS!r})",
            name="kind_of_credit",
        ),
        CheckConstraint(
            "jackpot_contribution IS NULL"
            " OR (type = 'debit' AND jackpot_contribution BETWEEN 0 AND amount)",
            name="jackpot_contribution_of_bet",
        ),
        CheckConstraint("type <> 'end_round' OR amount = 0", name="end_round_moves_nothing"),
        CheckConstraint(
            "campaign_id IS NULL OR type IN ('debit', 'credit', 'rollback')",
            name="campaign_of_free_play",
        ),
        CheckConstraint(
            "(type = 'rollback') = (original_transaction_id IS NOT NULL)",
            name="rollback_names_original",
        ),
        CheckConstraint(
            "NOT is_tombstone OR (type = 'rollback' AND original_id IS NULL AND amount = 0)",
            name="tombstone_moves_nothing",
        ),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        CheckConstraint(f"balance_after <= {MAX_BALANCE}", name="balance_after_within_ceiling"),
        CheckConstraint(f"balance_after = balance_before + {MOVE}", name="balance_moves_by_amount"),
        UniqueConstraint("id", "wallet_id", "balance_after"),
        UniqueConstraint("previous_id"),
        Index(
            "uq_casino_transactions_one_first_row",
            "wallet_id",
            unique=True,
            postgresql_where=text("previous_id IS NULL"),
        ),
        ForeignKeyConstraint(
            ["previous_id", "wallet_id", "balance_before"],
            [
                "casino_transactions.id",
                "casino_transactions.wallet_id",
                "casino_transactions.balance_after",
            ],
            name="fk_casino_transactions_chain",
        ),
        ForeignKeyConstraint(
            ["wallet_id", "first_row_opening"],
            ["casino_wallets.id", "casino_wallets.opening_balance"],
            name="fk_casino_transactions_first_row_opening",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_game_providers.id"))
    transaction_id: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_game_sessions.id"))
    # No foreign key of its own: the first row's references the wallet, and every other
    # row's chain foreign key puts it in its previous row's wallet.
    wallet_id: Mapped[uuid.UUID] = mapped_column()
    round_id: Mapped[str | None] = mapped_column(String(128))
    amount: Mapped[int] = mapped_column(BigInteger)
    # The provider's id of the bet a rollback names, and our row of it when it is known.
    original_transaction_id: Mapped[str | None] = mapped_column(String(128))
    original_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("casino_transactions.id"))
    # The bet a payout says it pays (informational: rule 2 goes by round).
    related_transaction_id: Mapped[str | None] = mapped_column(String(128))
    is_tombstone: Mapped[bool] = mapped_column(default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    reply: Mapped[dict[str, object]] = mapped_column(JSONB)
    balance_before: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    previous_id: Mapped[uuid.UUID | None] = mapped_column()
    kind: Mapped[str | None] = mapped_column(String(16))  # a credit's: win, bonus, …
    jackpot_contribution: Mapped[int | None] = mapped_column(BigInteger)
    # A free bet, its refund, or a free round's win.
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("casino_free_round_campaigns.id")
    )
    closes_round: Mapped[bool] = mapped_column(server_default=text("false"))
    first_row_opening: Mapped[int | None] = mapped_column(
        BigInteger,
        Computed("CASE WHEN previous_id IS NULL THEN balance_before END", persisted=True),
    )


class Round(Base):
    """A round the wallet took money in (or a provider ended): open, closed or expired."""

    __tablename__ = "casino_rounds"
    __table_args__ = (
        CheckConstraint(_one_of("status", RoundStatus), name="status_known"),
        CheckConstraint("(status = 'open') = (ended_at IS NULL)", name="ended_when_not_open"),
        Index("ix_casino_rounds_open_since", "opened_at", postgresql_where=text("status = 'open'")),
    )

    # Keyed by provider and roundId first: an operator reads a round without knowing its
    # wallet, the wallet with it. No foreign keys: only the wallet writes a round, beside
    # a ledger row whose own keys hold the provider and the wallet (migration 0008).
    provider_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    wallet_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FreeRoundCampaign(Base):
    """Free rounds an operator granted a player at one game; `rounds_used` counts the free
    bets the wallet accepted, under the wallet's lock."""

    __tablename__ = "casino_free_round_campaigns"
    __table_args__ = (
        CheckConstraint("rounds > 0", name="rounds_positive"),
        CheckConstraint(f"bet_amount BETWEEN 1 AND {MAX_AMOUNT}", name="bet_amount_in_range"),
        CheckConstraint("rounds_used BETWEEN 0 AND rounds", name="rounds_used_within_grant"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_users.id"), index=True)
    wallet_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_wallets.id"))
    game_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_games.id"))
    currency: Mapped[str] = mapped_column(String(8))
    rounds: Mapped[int] = mapped_column()
    bet_amount: Mapped[int] = mapped_column(BigInteger)
    rounds_used: Mapped[int] = mapped_column(server_default=text("0"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the game's provider acknowledged the grant and the cancellation.
    provider_registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    granted_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class PlayerLimit(Base):
    """One limit of a player in one currency, from the moment it applies (NULL: removed).
    Kept: the limit in force and at most one pending change per kind."""

    __tablename__ = "casino_player_limits"
    __table_args__ = (
        CheckConstraint(_one_of("kind", LimitKind), name="kind_known"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_users.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    applies_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    value: Mapped[int | None] = mapped_column(BigInteger)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    set_by: Mapped[str | None] = mapped_column(String(200))


class PlayerExclusion(Base):
    """A player excluded from play until a moment, or for ever (`until` NULL)."""

    __tablename__ = "casino_player_exclusions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casino_users.id"), primary_key=True)
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    set_by: Mapped[str | None] = mapped_column(String(200))
