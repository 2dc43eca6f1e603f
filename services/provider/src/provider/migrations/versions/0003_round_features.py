"""Rounds that close, payouts of every kind and free-round campaigns.

`provider_bets` may now hold end_round calls (amount 0), a payout's credit kind and the
campaign a free round or its win belongs to; `provider_free_round_campaigns` holds the
campaigns casinos registered. Rows already there are left as they are (a payout without a
kind was a plain win).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TYPES = "type IN ('bet', 'payout', 'rollback')"
NEW_TYPES = "type IN ('bet', 'payout', 'rollback', 'end_round')"
KIND_OF_PAYOUT = (
    "kind IS NULL OR (type = 'payout' AND kind IN ('win', 'bonus', 'jackpot', 'promo'))"
)


def upgrade() -> None:
    op.create_table(
        "provider_free_round_campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("casino_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.String(length=128), nullable=False),
        sa.Column("casino_user_id", sa.Uuid(), nullable=False),
        sa.Column("game_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("bet_amount", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "rounds > 0", name=op.f("ck_provider_free_round_campaigns_rounds_positive")
        ),
        sa.CheckConstraint(
            "bet_amount BETWEEN 1 AND 1000000000000000",
            name=op.f("ck_provider_free_round_campaigns_bet_amount_in_range"),
        ),
        sa.CheckConstraint(
            "rounds_played BETWEEN 0 AND rounds",
            name=op.f("ck_provider_free_round_campaigns_played_within_grant"),
        ),
        sa.ForeignKeyConstraint(
            ["casino_id"],
            ["provider_casinos.id"],
            name=op.f("fk_provider_free_round_campaigns_casino_id_provider_casinos"),
        ),
        sa.ForeignKeyConstraint(
            ["casino_user_id"],
            ["provider_casino_users.id"],
            name=op.f("fk_provider_free_round_campaigns_casino_user_id_provider_casino_users"),
        ),
        sa.ForeignKeyConstraint(
            ["game_id"],
            ["provider_games.id"],
            name=op.f("fk_provider_free_round_campaigns_game_id_provider_games"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_free_round_campaigns")),
        sa.UniqueConstraint(
            "casino_id",
            "campaign_id",
            name=op.f("uq_provider_free_round_campaigns_casino_id_campaign_id"),
        ),
    )
    op.add_column("provider_bets", sa.Column("kind", sa.String(length=16), nullable=True))
    op.add_column("provider_bets", sa.Column("campaign_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_provider_bets_campaign_id_provider_free_round_campaigns"),
        "provider_bets",
        "provider_free_round_campaigns",
        ["campaign_id"],
        ["id"],
    )
    op.drop_constraint(op.f("ck_provider_bets_type"), "provider_bets")
    op.create_check_constraint(op.f("ck_provider_bets_type"), "provider_bets", NEW_TYPES)
    op.create_check_constraint(
        op.f("ck_provider_bets_end_round_moves_nothing"),
        "provider_bets",
        "type <> 'end_round' OR amount = 0",
    )
    op.create_check_constraint(
        op.f("ck_provider_bets_kind_of_payout"), "provider_bets", KIND_OF_PAYOUT
    )
    op.create_check_constraint(
        op.f("ck_provider_bets_campaign_of_free_play"),
        "provider_bets",
        "campaign_id IS NULL OR type IN ('bet', 'payout')",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_provider_bets_campaign_of_free_play"), "provider_bets")
    op.drop_constraint(op.f("ck_provider_bets_kind_of_payout"), "provider_bets")
    op.drop_constraint(op.f("ck_provider_bets_end_round_moves_nothing"), "provider_bets")
    op.drop_constraint(op.f("ck_provider_bets_type"), "provider_bets")
    op.create_check_constraint(op.f("ck_provider_bets_type"), "provider_bets", OLD_TYPES)
    op.drop_constraint(
        op.f("fk_provider_bets_campaign_id_provider_free_round_campaigns"), "provider_bets"
    )
    op.drop_column("provider_bets", "campaign_id")
    op.drop_column("provider_bets", "kind")
    op.drop_table("provider_free_round_campaigns")
