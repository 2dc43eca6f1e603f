"""Amounts for operators: shown with their currency's decimals, and read back from a form
in the same units ("20.00" USD is 2000 minor units; "1,000" JPY is 1000).

The decimals are the casino's list's first (`casino currency list`), else ISO 4217's or
the configured crypto unit's (`contracts.currencies`); an unknown currency's amounts are
shown and read in minor units.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from casino.rounds.presenting import Amounts
from contracts.money import MAX_AMOUNT


class AmountError(ValueError):
    """Raised when a form's amount cannot be read; the message says why."""


@dataclass(frozen=True)
class Money(Amounts):
    """Writes amounts as the round tables do (`casino.rounds.presenting.Amounts`), and
    reads them back from forms."""

    def text(self, minor_units: int | None, currency: str) -> str:
        """`minor_units` as a person reads it ("" for none)."""
        return "" if minor_units is None else super().text(minor_units, currency)

    def parse(self, text: str, currency: str) -> int:
        """`text` in `currency`'s units as minor units: no more decimals than it has, not
        negative, within the largest amount."""
        decimals = self.decimals_of(currency) or 0
        try:
            value = Decimal(text.strip().replace(",", ""))
        except InvalidOperation:
            raise AmountError(f"{text!r} is not an amount") from None
        if not value.is_finite() or value < 0:
            raise AmountError(f"{text!r} is not an amount of at least 0")
        minor = value.scaleb(decimals)
        if minor != minor.to_integral_value():
            raise AmountError(f"{currency} has {decimals} decimals: {text!r} has more")
        if minor > MAX_AMOUNT:
            raise AmountError(f"{text!r} is above the largest amount")
        return int(minor)
