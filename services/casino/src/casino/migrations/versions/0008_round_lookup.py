"""An index on casino_rounds by provider and roundId.

An operator reads a round by its provider and roundId (`casino round`, the operator API),
not knowing the player's wallet; the unique index goes (provider, wallet, roundId), so
without this the lookup scans every round of the provider. (`IF NOT EXISTS`: a database
migrated while 0006 briefly held it already has it.)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_casino_rounds_provider_round"
        " ON casino_rounds (provider_id, round_id)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_casino_rounds_provider_round")
