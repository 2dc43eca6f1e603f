"""The ledger by time: an index on `casino_transactions.created_at`.

What reads the ledger by period filters on the time a row was decided and nothing else
first: `casino report` (one provider's accepted rows between two UTC days), the back
office's dashboard (every wallet operation of the last hours per minute, and the
accepted rows of the last days per provider). Without an index each of them reads the
whole ledger, which only grows. One b-tree on `created_at` serves all three as a range
scan; the provider and the outcome are filtered on the rows the range finds, so no
second column is added: the index stays one key per row, the least a bet's write pays.

A plain CREATE INDEX, not CONCURRENTLY: migrations run in a transaction before the
services start, so nothing waits on the lock it takes.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_casino_transactions_created_at ON casino_transactions (created_at)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_casino_transactions_created_at")
