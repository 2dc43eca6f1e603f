"""The database holds the balance ceiling: no balance above 10^18 minor units.

The wallet rules refuse a credit or refund that would take a balance past the ceiling
(BALANCE_LIMIT_EXCEEDED, `contracts.money.MAX_BALANCE`); these CHECKs hold it whatever
the code does, so the ledger's bigint columns can never be asked to hold more than they
can (a balance at the ceiling plus the largest amount, 10^15, is still far below
bigint's 9.2 * 10^18):

- `ck_casino_wallets_balance_within_ceiling`: a wallet's balance (and so its opening
  balance, which is its balance until its first row);
- `ck_casino_transactions_balance_after_within_ceiling`: every ledger row's balance after
  it. A row's balance_before is its previous row's balance_after or its wallet's opening
  balance (migration 0003's chain), so it is held too.

The ledger's chain (migration 0003) is untouched: these are plain row CHECKs. A database
that already holds a balance above the ceiling fails here rather than hide it.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The ceiling as it was when this revision was written (contracts.money.MAX_BALANCE).
MAX_BALANCE = 10**18


def upgrade() -> None:
    op.create_check_constraint(
        op.f("ck_casino_wallets_balance_within_ceiling"),
        "casino_wallets",
        f"balance <= {MAX_BALANCE}",
    )
    op.create_check_constraint(
        op.f("ck_casino_transactions_balance_after_within_ceiling"),
        "casino_transactions",
        f"balance_after <= {MAX_BALANCE}",
    )


def downgrade() -> None:
    op.drop_constraint("ck_casino_transactions_balance_after_within_ceiling", "casino_transactions")
    op.drop_constraint("ck_casino_wallets_balance_within_ceiling", "casino_wallets")
