"""A ledger row both ways: `casino_transactions` columns read into an `Entry`, and an
`Entry` written back as a batch's array parameters.

The columns are listed once, with their PostgreSQL types, in the order of `Entry`'s
fields; the statements of `casino.wallet.ledger` select and insert exactly these, so a
column added to the ledger is added here and to `Entry`, nowhere else.
"""

import dataclasses
from typing import Any

from asyncpg import Record

from casino.vocabulary import Outcome, TransactionType
from casino.wallet.book import Entry

COLUMN_TYPES: dict[str, str] = {
    "id": "uuid",
    "provider_id": "uuid",
    "transaction_id": "text",
    "type": "text",
    "outcome": "text",
    "error_code": "text",
    "session_id": "uuid",
    "wallet_id": "uuid",
    "round_id": "text",
    "amount": "bigint",
    "original_transaction_id": "text",
    "original_id": "uuid",
    "related_transaction_id": "text",
    "is_tombstone": "boolean",
    "fingerprint": "text",
    "reply": "jsonb",
    "balance_before": "bigint",
    "balance_after": "bigint",
    "previous_id": "uuid",
    "kind": "text",
    "jackpot_contribution": "bigint",
    "campaign_id": "uuid",
    "closes_round": "boolean",
}
if list(COLUMN_TYPES) != [field.name for field in dataclasses.fields(Entry)]:
    raise AssertionError("the ledger's columns and Entry's fields must be the same, in order")

COLUMNS = ", ".join(COLUMN_TYPES)
"""The columns, unqualified: for an INSERT and the alias list of an `unnest`."""
SELECTED = ", ".join(f"t.{column}" for column in COLUMN_TYPES)
"""The columns of `casino_transactions t`, for a SELECT."""


def unnest_parameters(first: int) -> str:
    """`$first::uuid[], …`: one array parameter per column, numbered from `first`."""
    return ", ".join(
        f"${number}::{kind}[]" for number, kind in enumerate(COLUMN_TYPES.values(), first)
    )


def entry_of(row: Record) -> Entry:
    """The `Entry` a selected row stands for."""
    values = {column: row[column] for column in COLUMN_TYPES}
    return Entry(
        **values | {"type": TransactionType(row["type"]), "outcome": Outcome(row["outcome"])}
    )


def columns_of(entries: list[Entry]) -> list[list[Any]]:
    """The decided entries as one list per column, in `COLUMN_TYPES` order."""
    columns = [[getattr(entry, column) for entry in entries] for column in COLUMN_TYPES]
    for enum_column in _ENUM_COLUMNS:
        columns[enum_column] = [member.value for member in columns[enum_column]]
    return columns


_ENUM_COLUMNS = [list(COLUMN_TYPES).index(column) for column in ("type", "outcome")]
