"""Wallets remember their opening balance, so the ledger check can prove every balance.

A wallet's balance must always equal its opening balance plus its accepted movements
(debits out; credits and refunds in). Wallets that exist already get the opening balance
that makes this hold for their current rows: nothing before this revision recorded it.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("casino_wallets", sa.Column("opening_balance", sa.BigInteger(), nullable=True))
    op.execute(
        """
        UPDATE casino_wallets AS w SET opening_balance = w.balance - coalesce((
            SELECT sum(CASE t.type WHEN 'debit' THEN -t.amount ELSE t.amount END)
            FROM casino_transactions AS t
            WHERE t.wallet_id = w.id AND t.outcome = 'accepted'
        ), 0)
        """
    )
    op.alter_column("casino_wallets", "opening_balance", nullable=False)


def downgrade() -> None:
    op.drop_column("casino_wallets", "opening_balance")
