"""The database holds the balance invariant: balance = opening balance + the ledger's moves.

Until now only the wallet worker's own assertion and the offline ledger check held it.
Each ledger row now carries the balance before it as well as after it, and points at the
previous row of its wallet; the wallet points at its newest row. Constraints tie them:

- `ck_casino_transactions_balance_moves_by_amount`: balance_after = balance_before + the
  row's move (a bet takes its amount, a payout or refund gives it, a rejection moves 0);
- `fk_casino_transactions_chain`: balance_before is the balance_after of the previous
  row of the same wallet; `uq_casino_transactions_previous_id`: a row has at most one
  successor (the chain cannot fork); `uq_casino_transactions_one_first_row`: one row per
  wallet starts the chain, and `fk_casino_transactions_first_row_opening` makes it start
  from the wallet's opening balance;
- `fk_casino_wallets_newest_row`: the wallet's balance is the balance_after of the row it
  points at, and `ck_casino_wallets_balance_is_opening_until_a_row` holds it to its
  opening balance before any row exists;
- two statement triggers close what a foreign key cannot say: a row appended without
  becoming its wallet's newest (or getting a successor) is refused, and so is a wallet
  pointed back at a row that already has a successor.

A row's chain is then one path from the wallet's opening balance to its balance, and the
balance is the opening balance plus every move (a cycle of rows, the only other shape
the constraints allow, moves a sum of zero). The row's plain foreign key to its wallet
goes: the chain's first row references the wallet, and every other row has its wallet's
previous row, so it said nothing more and cost every append a lookup.

Existing rows are chained in the order they were written (commit time, then physical
order); if that order does not add up, the ledger was already broken and this migration
fails rather than hide it.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVE = (
    "CASE WHEN outcome = 'accepted' THEN CASE type WHEN 'debit' THEN -amount ELSE amount END"
    " ELSE 0 END"
)

_REFUSE_ROWS_LEFT_BEHIND = """
CREATE FUNCTION casino_refuse_rows_left_behind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM appended a JOIN casino_wallets w ON w.id = a.wallet_id
        WHERE w.last_transaction_id IS DISTINCT FROM a.id
          AND NOT EXISTS (SELECT 1 FROM casino_transactions s WHERE s.previous_id = a.id)
    ) THEN
        RAISE EXCEPTION 'a ledger row must become its wallet''s newest row'
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'casino_ledger_rows_reach_the_wallet';
    END IF;
    RETURN NULL;
END $$
"""
_REFUSE_REWOUND_WALLETS = """
CREATE FUNCTION casino_refuse_rewound_wallets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM moved w JOIN casino_transactions s ON s.previous_id = w.last_transaction_id
    ) THEN
        RAISE EXCEPTION 'a wallet must point at the newest row of its ledger'
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'casino_wallets_point_at_their_newest_row';
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.add_column("casino_transactions", sa.Column("previous_id", sa.Uuid(), nullable=True))
    op.add_column("casino_transactions", sa.Column("balance_before", sa.BigInteger()))
    op.add_column("casino_wallets", sa.Column("last_transaction_id", sa.Uuid(), nullable=True))
    op.execute(
        """
        WITH ordered AS (
            SELECT t.id,
                   lag(t.id) OVER newest_last AS previous_id,
                   coalesce(lag(t.balance_after) OVER newest_last, w.opening_balance)
                     AS balance_before
            FROM casino_transactions t JOIN casino_wallets w ON w.id = t.wallet_id
            WINDOW newest_last AS (PARTITION BY t.wallet_id ORDER BY t.created_at, t.ctid)
        )
        UPDATE casino_transactions t
        SET previous_id = o.previous_id, balance_before = o.balance_before
        FROM ordered o WHERE o.id = t.id
        """
    )
    op.execute(
        """
        UPDATE casino_wallets w SET last_transaction_id = (
            SELECT t.id FROM casino_transactions t WHERE t.wallet_id = w.id
            ORDER BY t.created_at DESC, t.ctid DESC LIMIT 1
        )
        """
    )
    op.alter_column("casino_transactions", "balance_before", nullable=False)
    op.execute(
        "ALTER TABLE casino_transactions ADD COLUMN first_row_opening bigint"
        " GENERATED ALWAYS AS (CASE WHEN previous_id IS NULL THEN balance_before END) STORED"
    )
    op.create_check_constraint(
        op.f("ck_casino_transactions_balance_moves_by_amount"),
        "casino_transactions",
        f"balance_after = balance_before + {MOVE}",
    )
    op.create_unique_constraint(
        "uq_casino_transactions_id_wallet_balance_after",
        "casino_transactions",
        ["id", "wallet_id", "balance_after"],
    )
    op.create_unique_constraint(
        "uq_casino_transactions_previous_id", "casino_transactions", ["previous_id"]
    )
    op.create_index(
        "uq_casino_transactions_one_first_row",
        "casino_transactions",
        ["wallet_id"],
        unique=True,
        postgresql_where=sa.text("previous_id IS NULL"),
    )
    op.create_foreign_key(
        "fk_casino_transactions_chain",
        "casino_transactions",
        "casino_transactions",
        ["previous_id", "wallet_id", "balance_before"],
        ["id", "wallet_id", "balance_after"],
    )
    op.create_unique_constraint(
        "uq_casino_wallets_id_opening_balance", "casino_wallets", ["id", "opening_balance"]
    )
    op.create_foreign_key(
        "fk_casino_transactions_first_row_opening",
        "casino_transactions",
        "casino_wallets",
        ["wallet_id", "first_row_opening"],
        ["id", "opening_balance"],
    )
    op.create_foreign_key(
        "fk_casino_wallets_newest_row",
        "casino_wallets",
        "casino_transactions",
        ["last_transaction_id", "id", "balance"],
        ["id", "wallet_id", "balance_after"],
    )
    op.create_check_constraint(
        op.f("ck_casino_wallets_balance_is_opening_until_a_row"),
        "casino_wallets",
        "last_transaction_id IS NOT NULL OR balance = opening_balance",
    )
    op.drop_constraint(
        "fk_casino_transactions_wallet_id_casino_wallets", "casino_transactions", type_="foreignkey"
    )
    op.execute(_REFUSE_ROWS_LEFT_BEHIND)
    op.execute(
        "CREATE TRIGGER casino_ledger_rows_reach_the_wallet AFTER INSERT ON casino_transactions"
        " REFERENCING NEW TABLE AS appended FOR EACH STATEMENT"
        " EXECUTE FUNCTION casino_refuse_rows_left_behind()"
    )
    op.execute(_REFUSE_REWOUND_WALLETS)
    op.execute(
        "CREATE TRIGGER casino_wallets_point_at_their_newest_row AFTER UPDATE ON casino_wallets"
        " REFERENCING NEW TABLE AS moved FOR EACH STATEMENT"
        " EXECUTE FUNCTION casino_refuse_rewound_wallets()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER casino_wallets_point_at_their_newest_row ON casino_wallets")
    op.execute("DROP FUNCTION casino_refuse_rewound_wallets()")
    op.execute("DROP TRIGGER casino_ledger_rows_reach_the_wallet ON casino_transactions")
    op.execute("DROP FUNCTION casino_refuse_rows_left_behind()")
    op.create_foreign_key(
        "fk_casino_transactions_wallet_id_casino_wallets",
        "casino_transactions",
        "casino_wallets",
        ["wallet_id"],
        ["id"],
    )
    op.drop_constraint("ck_casino_wallets_balance_is_opening_until_a_row", "casino_wallets")
    op.drop_constraint("fk_casino_wallets_newest_row", "casino_wallets")
    op.drop_constraint("fk_casino_transactions_first_row_opening", "casino_transactions")
    op.drop_constraint("uq_casino_wallets_id_opening_balance", "casino_wallets")
    op.drop_constraint("fk_casino_transactions_chain", "casino_transactions")
    op.drop_index("uq_casino_transactions_one_first_row", table_name="casino_transactions")
    op.drop_constraint("uq_casino_transactions_previous_id", "casino_transactions")
    op.drop_constraint("uq_casino_transactions_id_wallet_balance_after", "casino_transactions")
    op.drop_constraint("ck_casino_transactions_balance_moves_by_amount", "casino_transactions")
    op.drop_column("casino_transactions", "first_row_opening")
    op.drop_column("casino_wallets", "last_transaction_id")
    op.drop_column("casino_transactions", "balance_before")
    op.drop_column("casino_transactions", "previous_id")
