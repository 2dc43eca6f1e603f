"""The casino tables and the ledger; `casino.models` explains their constraints.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 21:17:05.862467
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casino_game_providers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_game_providers")),
        sa.UniqueConstraint("code", name=op.f("uq_casino_game_providers_code")),
    )
    op.create_table(
        "casino_users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_users")),
        sa.UniqueConstraint("email", name=op.f("uq_casino_users_email")),
    )
    op.create_table(
        "casino_games",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_game_code", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["casino_game_providers.id"],
            name=op.f("fk_casino_games_provider_id_casino_game_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_games")),
        sa.UniqueConstraint(
            "provider_id",
            "provider_game_code",
            name=op.f("uq_casino_games_provider_id_provider_game_code"),
        ),
    )
    op.create_table(
        "casino_wallets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_casino_wallets_currency_code")),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_casino_wallets_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["casino_users.id"], name=op.f("fk_casino_wallets_user_id_casino_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_wallets")),
        sa.UniqueConstraint("id", "user_id", name=op.f("uq_casino_wallets_id_user_id")),
        sa.UniqueConstraint("user_id", "currency", name=op.f("uq_casino_wallets_user_id_currency")),
    )
    op.create_table(
        "casino_game_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=256), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("wallet_id", sa.Uuid(), nullable=False),
        sa.Column("game_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("provider_session_id", sa.String(length=256), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('active', 'ended')", name=op.f("ck_casino_game_sessions_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["game_id"],
            ["casino_games.id"],
            name=op.f("fk_casino_game_sessions_game_id_casino_games"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["casino_users.id"],
            name=op.f("fk_casino_game_sessions_user_id_casino_users"),
        ),
        sa.ForeignKeyConstraint(
            ["wallet_id", "user_id"],
            ["casino_wallets.id", "casino_wallets.user_id"],
            name="fk_casino_game_sessions_wallet_of_user",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_game_sessions")),
        sa.UniqueConstraint("token", name=op.f("uq_casino_game_sessions_token")),
    )
    op.create_index(
        op.f("ix_casino_game_sessions_wallet_id"),
        "casino_game_sessions",
        ["wallet_id"],
        unique=False,
    )
    op.create_table(
        "casino_transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("transaction_id", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("wallet_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.String(length=128), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("original_transaction_id", sa.String(length=128), nullable=True),
        sa.Column("original_id", sa.Uuid(), nullable=True),
        sa.Column("related_transaction_id", sa.String(length=128), nullable=True),
        sa.Column("is_tombstone", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("reply", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(outcome = 'rejected') = (error_code IS NOT NULL)",
            name=op.f("ck_casino_transactions_error_code"),
        ),
        sa.CheckConstraint(
            "(type = 'rollback') = (original_transaction_id IS NOT NULL)",
            name=op.f("ck_casino_transactions_rollback_names_original"),
        ),
        sa.CheckConstraint(
            "NOT is_tombstone OR (type = 'rollback' AND original_id IS NULL AND amount = 0)",
            name=op.f("ck_casino_transactions_tombstone_moves_nothing"),
        ),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'rejected')", name=op.f("ck_casino_transactions_outcome_known")
        ),
        sa.CheckConstraint(
            "type <> 'debit' OR amount >= 1", name=op.f("ck_casino_transactions_bet_at_least_one")
        ),
        sa.CheckConstraint(
            "type = 'rollback' OR round_id IS NOT NULL",
            name=op.f("ck_casino_transactions_round_of_money"),
        ),
        sa.CheckConstraint(
            "type IN ('debit', 'credit', 'rollback')",
            name=op.f("ck_casino_transactions_type_known"),
        ),
        sa.CheckConstraint(
            "amount >= 0 AND amount <= 1000000000000000",
            name=op.f("ck_casino_transactions_amount_in_range"),
        ),
        sa.CheckConstraint(
            "balance_after >= 0", name=op.f("ck_casino_transactions_balance_after_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["original_id"],
            ["casino_transactions.id"],
            name=op.f("fk_casino_transactions_original_id_casino_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["casino_game_providers.id"],
            name=op.f("fk_casino_transactions_provider_id_casino_game_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["casino_game_sessions.id"],
            name=op.f("fk_casino_transactions_session_id_casino_game_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["wallet_id"],
            ["casino_wallets.id"],
            name=op.f("fk_casino_transactions_wallet_id_casino_wallets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_transactions")),
        sa.UniqueConstraint(
            "provider_id", "transaction_id", name="uq_casino_transactions_provider_transaction"
        ),
    )
    op.create_index(
        "ix_casino_transactions_original",
        "casino_transactions",
        ["provider_id", "original_transaction_id"],
        unique=False,
    )
    op.create_index(
        "ix_casino_transactions_round",
        "casino_transactions",
        ["provider_id", "wallet_id", "round_id"],
        unique=False,
    )
    op.create_index(
        "uq_casino_transactions_one_refund_per_bet",
        "casino_transactions",
        ["original_id"],
        unique=True,
        postgresql_where=sa.text("type = 'rollback' AND outcome = 'accepted' AND amount > 0"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_casino_transactions_one_refund_per_bet",
        table_name="casino_transactions",
        postgresql_where=sa.text("type = 'rollback' AND outcome = 'accepted' AND amount > 0"),
    )
    op.drop_index("ix_casino_transactions_round", table_name="casino_transactions")
    op.drop_index("ix_casino_transactions_original", table_name="casino_transactions")
    op.drop_table("casino_transactions")
    op.drop_index(op.f("ix_casino_game_sessions_wallet_id"), table_name="casino_game_sessions")
    op.drop_table("casino_game_sessions")
    op.drop_table("casino_wallets")
    op.drop_table("casino_games")
    op.drop_table("casino_users")
    op.drop_table("casino_game_providers")
