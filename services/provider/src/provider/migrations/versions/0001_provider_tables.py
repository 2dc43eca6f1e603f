"""The provider's tables: games, casinos, their players, sessions, rounds and bets.

The invariants each constraint keeps are explained in `provider.models`.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 21:21:18.232879
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
        "provider_casinos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_casinos")),
        sa.UniqueConstraint("code", name=op.f("uq_provider_casinos_code")),
    )
    op.create_table(
        "provider_games",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_games")),
        sa.UniqueConstraint("code", name=op.f("uq_provider_games_code")),
    )
    op.create_table(
        "provider_casino_users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("casino_id", sa.Uuid(), nullable=False),
        sa.Column("casino_player_id", sa.String(length=128), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["casino_id"],
            ["provider_casinos.id"],
            name=op.f("fk_provider_casino_users_casino_id_provider_casinos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_casino_users")),
        sa.UniqueConstraint(
            "casino_id",
            "casino_player_id",
            name=op.f("uq_provider_casino_users_casino_id_casino_player_id"),
        ),
    )
    op.create_table(
        "provider_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("casino_id", sa.Uuid(), nullable=False),
        sa.Column("casino_user_id", sa.Uuid(), nullable=False),
        sa.Column("game_id", sa.Uuid(), nullable=False),
        sa.Column("session_token", sa.String(length=256), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opening_balance", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["casino_id"],
            ["provider_casinos.id"],
            name=op.f("fk_provider_sessions_casino_id_provider_casinos"),
        ),
        sa.ForeignKeyConstraint(
            ["casino_user_id"],
            ["provider_casino_users.id"],
            name=op.f("fk_provider_sessions_casino_user_id_provider_casino_users"),
        ),
        sa.ForeignKeyConstraint(
            ["game_id"],
            ["provider_games.id"],
            name=op.f("fk_provider_sessions_game_id_provider_games"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_sessions")),
        sa.UniqueConstraint(
            "casino_id", "session_token", name=op.f("uq_provider_sessions_casino_id_session_token")
        ),
    )
    op.create_table(
        "provider_game_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("game_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('open', 'closed')", name=op.f("ck_provider_game_rounds_status")
        ),
        sa.ForeignKeyConstraint(
            ["game_id"],
            ["provider_games.id"],
            name=op.f("fk_provider_game_rounds_game_id_provider_games"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["provider_sessions.id"],
            name=op.f("fk_provider_game_rounds_session_id_provider_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_game_rounds")),
    )
    op.create_table(
        "provider_bets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("transaction_id", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("related_bet_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("casino_reply", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("balance_after", sa.BigInteger(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected', 'unknown')",
            name=op.f("ck_provider_bets_status"),
        ),
        sa.CheckConstraint(
            "type <> 'bet' OR amount >= 1", name=op.f("ck_provider_bets_bet_amount_positive")
        ),
        sa.CheckConstraint(
            "type <> 'rollback' OR related_bet_id IS NOT NULL",
            name=op.f("ck_provider_bets_rollback_names_bet"),
        ),
        sa.CheckConstraint(
            "type IN ('bet', 'payout', 'rollback')", name=op.f("ck_provider_bets_type")
        ),
        sa.CheckConstraint(
            "amount BETWEEN 0 AND 1000000000000000",
            name=op.f("ck_provider_bets_amount_minor_units"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_provider_bets_attempts_counted")),
        sa.ForeignKeyConstraint(
            ["related_bet_id"],
            ["provider_bets.id"],
            name=op.f("fk_provider_bets_related_bet_id_provider_bets"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["provider_game_rounds.id"],
            name=op.f("fk_provider_bets_round_id_provider_game_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_bets")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_provider_bets_transaction_id")),
    )
    op.create_index(op.f("ix_provider_bets_round_id"), "provider_bets", ["round_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_provider_bets_round_id"), table_name="provider_bets")
    op.drop_table("provider_bets")
    op.drop_table("provider_game_rounds")
    op.drop_table("provider_sessions")
    op.drop_table("provider_casino_users")
    op.drop_table("provider_games")
    op.drop_table("provider_casinos")
