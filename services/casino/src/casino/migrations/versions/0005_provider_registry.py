"""The provider registry: each provider's endpoint and secrets, sealed (`casino.providers`).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casino_provider_links",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("api_endpoint", sa.String(length=500), nullable=False),
        sa.Column("casino_secret_sealed", sa.Text(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["casino_game_providers.id"],
            name=op.f("fk_casino_provider_links_provider_id_casino_game_providers"),
        ),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_casino_provider_links")),
    )
    op.create_table(
        "casino_provider_callback_secrets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["casino_game_providers.id"],
            name=op.f("fk_casino_provider_callback_secrets_provider_id_casino_game_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casino_provider_callback_secrets")),
    )
    op.create_index(
        op.f("ix_casino_provider_callback_secrets_provider_id"),
        "casino_provider_callback_secrets",
        ["provider_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_casino_provider_callback_secrets_provider_id"),
        table_name="casino_provider_callback_secrets",
    )
    op.drop_table("casino_provider_callback_secrets")
    op.drop_table("casino_provider_links")
