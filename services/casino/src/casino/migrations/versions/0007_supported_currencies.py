"""The currencies the casino supports, each with its number of decimals
(docs/OPERATIONS.md "Currencies").

- `casino_currencies`: code (three capital letters, like a wallet's), decimals (0 to 18;
  what a person reads shows amounts with them: 1000 JPY is "1,000", 1050 USD is "10.50")
  and a name. launchGame refuses any other currency (400 UNSUPPORTED_CURRENCY); operators
  add one with `casino currency add`.
- Seeded with EUR, USD, GBP, JPY (0 decimals), KWD (3) and BTC (8, the satoshi), and
  with every currency an existing wallet holds, so no wallet is left in a currency the
  casino does not support: its decimals are ISO 4217's (or the configured crypto unit's,
  `contracts.currencies`), and 2 for a code neither knows, the cents every amount was
  shown in before this migration.
- `casino_wallets.currency` references it: a wallet is only ever in a supported currency.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contracts.currencies import UnknownCurrencyError, iso_name, known_decimals

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Fixed here rather than looked up, so this migration seeds the same rows whatever
# version of the ISO data is installed.
DEFAULTS = (
    ("EUR", 2, "Euro"),
    ("USD", 2, "US Dollar"),
    ("GBP", 2, "Pound Sterling"),
    ("JPY", 0, "Yen"),
    ("KWD", 3, "Kuwaiti Dinar"),
    ("BTC", 8, "Bitcoin"),
)
CENTS = 2

_CREATE = """
CREATE TABLE casino_currencies (
    code varchar(3) PRIMARY KEY CONSTRAINT ck_casino_currencies_code CHECK (code ~ '^[A-Z]{3}$'),
    decimals smallint NOT NULL CONSTRAINT ck_casino_currencies_decimals_in_range
        CHECK (decimals BETWEEN 0 AND 18),
    name varchar(100) NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now()
)
"""

_INSERT = sa.text(
    "INSERT INTO casino_currencies (code, decimals, name) VALUES (:code, :decimals, :name)"
    " ON CONFLICT (code) DO NOTHING"
)


def _decimals(code: str) -> int:
    try:
        return known_decimals(code)
    except UnknownCurrencyError:
        return CENTS


def upgrade() -> None:
    op.execute(_CREATE)
    connection = op.get_bind()
    for code, decimals, name in DEFAULTS:
        connection.execute(_INSERT, {"code": code, "decimals": decimals, "name": name})
    held = (
        connection.execute(sa.text("SELECT DISTINCT currency FROM casino_wallets")).scalars().all()
    )
    for code in held:
        connection.execute(
            _INSERT, {"code": code, "decimals": _decimals(code), "name": iso_name(code) or code}
        )
    op.execute(
        "ALTER TABLE casino_wallets ADD CONSTRAINT fk_casino_wallets_currency_casino_currencies"
        " FOREIGN KEY (currency) REFERENCES casino_currencies (code)"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE casino_wallets DROP CONSTRAINT fk_casino_wallets_currency_casino_currencies"
    )
    op.execute("DROP TABLE casino_currencies")
