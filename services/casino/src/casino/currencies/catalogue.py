"""The casino's list of supported currencies: read it, and add to it.

A currency's decimals are ISO 4217's, or the configured crypto unit's
(`contracts.currencies`); only a code neither knows takes the operator's word. An operator
who gives decimals that contradict ISO 4217 is refused: every provider counts a currency
in its ISO minor unit, and a wallet counted in another would be misread by a factor of
ten or more. Currencies are only ever added: a wallet's currency references its row.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.currencies.tables import MAX_NAME_LENGTH, SupportedCurrency
from casino.database import Database
from contracts.currencies import (
    CRYPTO_DECIMALS,
    MAX_DECIMALS,
    UnknownCurrencyError,
    iso_decimals,
    iso_name,
    known_decimals,
)

CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Currency:
    """A currency the casino supports."""

    code: str
    decimals: int
    name: str


@dataclass(frozen=True)
class Added:
    currency: Currency
    new: bool
    """False when the currency was already supported, with the same decimals."""


class CurrencyRefusedError(Exception):
    """Raised when a currency cannot be added; the message says why, for the operator."""


async def supported_currencies(database: Database) -> list[Currency]:
    """Every supported currency, by code."""
    async with database.begin() as db:
        rows = (await db.scalars(select(SupportedCurrency).order_by(SupportedCurrency.code))).all()
    return [Currency(row.code, row.decimals, row.name) for row in rows]


async def supported_currency(db: AsyncSession, code: str) -> Currency | None:
    """`code`'s row, in the caller's transaction, or None when it is not supported."""
    row = await db.get(SupportedCurrency, code)
    return None if row is None else Currency(row.code, row.decimals, row.name)


async def add_currency(
    database: Database, code: str, decimals: int | None = None, name: str | None = None
) -> Added:
    """Support `code` from now on. `decimals` may be left out for an ISO 4217 currency or
    a configured crypto unit; it is required for any other code, and must agree with
    ISO 4217 where ISO gives one. Adding a supported currency again with the same
    decimals changes nothing."""
    if not CODE.fullmatch(code):
        raise CurrencyRefusedError(f"{code!r} is not a currency code (three capital letters)")
    decimals = _decimals(code, decimals)
    name = (name or iso_name(code) or code)[:MAX_NAME_LENGTH]
    async with database.begin() as db:
        inserted = await db.scalar(
            insert(SupportedCurrency)
            .values(code=code, decimals=decimals, name=name)
            .on_conflict_do_nothing(index_elements=[SupportedCurrency.code])
            .returning(SupportedCurrency.code)
        )
        existing = await supported_currency(db, code)
    assert existing is not None  # inserted now, or there already; never deleted
    if existing.decimals != decimals:
        raise CurrencyRefusedError(
            f"{code} is already supported with {existing.decimals} decimals, not {decimals}"
        )
    return Added(existing, new=inserted is not None)


def _decimals(code: str, given: int | None) -> int:
    """The decimals `code` is added with, or why it cannot be."""
    if given is not None and not 0 <= given <= MAX_DECIMALS:
        raise CurrencyRefusedError(f"a currency has 0 to {MAX_DECIMALS} decimals, not {given}")
    try:
        known = known_decimals(code)
    except UnknownCurrencyError:
        if given is None:
            raise CurrencyRefusedError(
                f"{code} is not an ISO 4217 currency with a minor unit, nor a configured "
                f"crypto unit ({', '.join(sorted(CRYPTO_DECIMALS))}): give its decimals "
                "with --decimals"
            ) from None
        return given
    if given is not None and given != known:
        source = "ISO 4217" if iso_decimals(code) is not None else "its configured unit"
        raise CurrencyRefusedError(f"{code} has {known} decimals ({source}), not {given}")
    return known
