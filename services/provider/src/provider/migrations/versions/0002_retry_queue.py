"""The retry queue: a pending call's exact body and schedule, and its attempts' log.

Calls already pending when this runs (left by a crash) get their body rebuilt from the
rows, with the same fields the provider sent (the casino compares fields, not bytes), and
are due at once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# json_strip_nulls drops the optional fields the provider leaves out (exclude_none).
REBUILD_PENDING_BODIES = """
UPDATE provider_bets AS b
SET next_attempt_at = now(),
    request_body = (
        SELECT json_strip_nulls(
            CASE b.type
            WHEN 'bet' THEN json_build_object(
                'sessionToken', s.session_token, 'transactionId', b.transaction_id,
                'roundId', b.round_id::text, 'amount', b.amount)
            WHEN 'payout' THEN json_build_object(
                'sessionToken', s.session_token, 'transactionId', b.transaction_id,
                'roundId', b.round_id::text, 'amount', b.amount,
                'relatedTransactionId', o.transaction_id)
            ELSE json_build_object(
                'sessionToken', s.session_token, 'transactionId', b.transaction_id,
                'originalTransactionId', o.transaction_id, 'reason', b.reason)
            END
        )::text
        FROM provider_game_rounds AS r
        JOIN provider_sessions AS s ON s.id = r.session_id
        LEFT JOIN provider_bets AS o ON o.id = b.related_bet_id
        WHERE r.id = b.round_id
    )
WHERE b.status = 'pending'
"""


def upgrade() -> None:
    op.add_column("provider_bets", sa.Column("request_body", sa.Text(), nullable=True))
    op.add_column(
        "provider_bets",
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "provider_bets",
        sa.Column("resends", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.execute(REBUILD_PENDING_BODIES)
    op.create_check_constraint(
        op.f("ck_provider_bets_pending_can_be_resent"),
        "provider_bets",
        "status <> 'pending' OR request_body IS NOT NULL",
    )
    op.create_check_constraint(
        op.f("ck_provider_bets_resends_counted"), "provider_bets", "resends >= 0"
    )
    op.create_index(
        "ix_provider_bets_due",
        "provider_bets",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_provider_game_rounds_open",
        "provider_game_rounds",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "provider_call_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("bet_id", sa.Uuid(), nullable=False),
        sa.Column(
            "attempted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("casino_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('send', 'roll back', 'settle')",
            name=op.f("ck_provider_call_attempts_action"),
        ),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'rejected', 'unknown')",
            name=op.f("ck_provider_call_attempts_outcome"),
        ),
        sa.CheckConstraint(
            "action <> 'settle' OR reason IS NOT NULL",
            name=op.f("ck_provider_call_attempts_settle_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["bet_id"],
            ["provider_bets.id"],
            name=op.f("fk_provider_call_attempts_bet_id_provider_bets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_call_attempts")),
    )
    op.create_index(
        op.f("ix_provider_call_attempts_bet_id"),
        "provider_call_attempts",
        ["bet_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_provider_call_attempts_bet_id"), table_name="provider_call_attempts")
    op.drop_table("provider_call_attempts")
    op.drop_index("ix_provider_game_rounds_open", table_name="provider_game_rounds")
    op.drop_index("ix_provider_bets_due", table_name="provider_bets")
    op.drop_constraint(op.f("ck_provider_bets_resends_counted"), "provider_bets")
    op.drop_constraint(op.f("ck_provider_bets_pending_can_be_resent"), "provider_bets")
    op.drop_column("provider_bets", "resends")
    op.drop_column("provider_bets", "next_attempt_at")
    op.drop_column("provider_bets", "request_body")
