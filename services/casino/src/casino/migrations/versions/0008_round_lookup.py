"""Rounds found by provider and roundId: the keys put roundId before the wallet.

An operator reads a round by its provider and roundId (`casino round`, the operator API),
not knowing the player's wallet, while the wallet looks a round up by all three. Keyed
(provider, wallet, roundId), the operator's lookup scanned every round and ledger row of
the provider; keyed (provider, roundId, wallet), one index serves both, so nothing is
added to a bet's writes:

- `casino_rounds` is keyed by (provider_id, round_id, wallet_id): its surrogate id and
  the unique constraint of 0006 go, and so does the index by provider and roundId a
  database may have from an earlier form of this revision;
- the ledger's round index becomes (provider_id, round_id, wallet_id).

And a new round costs a bet less: only the wallet writes `casino_rounds`, in the same
statement as the ledger row that names the same provider and wallet (whose own foreign
keys hold them), so the round's foreign keys, a trigger each per round, go too. The
benchmark measured a new round per bet costing the wallet's path about a tenth of its
rate with them (docs/PERFORMANCE.md).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UP = (
    "DROP INDEX IF EXISTS ix_casino_rounds_provider_round",
    "ALTER TABLE casino_rounds DROP CONSTRAINT casino_rounds_provider_id_fkey",
    "ALTER TABLE casino_rounds DROP CONSTRAINT casino_rounds_wallet_id_fkey",
    "ALTER TABLE casino_rounds DROP CONSTRAINT casino_rounds_pkey",
    "ALTER TABLE casino_rounds DROP COLUMN id",
    "ALTER TABLE casino_rounds DROP CONSTRAINT uq_casino_rounds_provider_id_wallet_id_round_id",
    "ALTER TABLE casino_rounds ADD CONSTRAINT pk_casino_rounds"
    " PRIMARY KEY (provider_id, round_id, wallet_id)",
    "CREATE INDEX ix_casino_transactions_provider_round"
    " ON casino_transactions (provider_id, round_id, wallet_id)",
    "DROP INDEX ix_casino_transactions_round",
)
_DOWN = (
    "CREATE INDEX ix_casino_transactions_round"
    " ON casino_transactions (provider_id, wallet_id, round_id)",
    "DROP INDEX ix_casino_transactions_provider_round",
    "ALTER TABLE casino_rounds DROP CONSTRAINT pk_casino_rounds",
    "ALTER TABLE casino_rounds ADD CONSTRAINT uq_casino_rounds_provider_id_wallet_id_round_id"
    " UNIQUE (provider_id, wallet_id, round_id)",
    "ALTER TABLE casino_rounds ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()",
    "ALTER TABLE casino_rounds ADD CONSTRAINT casino_rounds_pkey PRIMARY KEY (id)",
    "ALTER TABLE casino_rounds ADD CONSTRAINT casino_rounds_wallet_id_fkey"
    " FOREIGN KEY (wallet_id) REFERENCES casino_wallets (id)",
    "ALTER TABLE casino_rounds ADD CONSTRAINT casino_rounds_provider_id_fkey"
    " FOREIGN KEY (provider_id) REFERENCES casino_game_providers (id)",
)


def upgrade() -> None:
    for statement in _UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DOWN:
        op.execute(statement)
