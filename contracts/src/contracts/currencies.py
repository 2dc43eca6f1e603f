"""Currencies: how many decimals each one has, and amounts written for people.

Amounts are always whole minor units of their currency (`contracts.money`); only what a
person reads shows them with the currency's decimals: 1000 JPY is "1,000" (the yen has
no minor unit), 1050 USD is "10.50", 1 BTC minor unit (a satoshi) is "0.00000001".

The decimals of a national currency come from ISO 4217 itself, as published by its
maintenance agency and shipped by the `iso4217` package (updated with each amendment of
the standard), so a new or changed currency is an upgrade of that package, not an edit
here. ISO 4217 does not cover crypto-currencies: their units are configured below.
Which currencies the casino accepts is the casino's own list (`casino currency`), which
takes its decimals from here unless the operator gives them.
"""

from collections.abc import Mapping

from iso4217 import Currency as IsoCurrency

CRYPTO_DECIMALS: Mapping[str, int] = {
    "BTC": 8,  # the satoshi
    "LTC": 8,  # the litoshi
}
"""Crypto-currencies ISO 4217 does not list, and the minor unit the casino counts them in."""

MAX_DECIMALS = 18
"""The most decimals a currency may have (Ethereum's wei); more is surely a mistake."""


class UnknownCurrencyError(LookupError):
    """Raised when a currency's decimals are asked for and neither ISO 4217 nor the
    configured crypto units know it."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"{code!r} is neither an ISO 4217 currency with a minor unit "
            f"nor a configured crypto unit ({', '.join(sorted(CRYPTO_DECIMALS))})"
        )


def iso_decimals(code: str) -> int | None:
    """The ISO 4217 minor-unit exponent of `code` (JPY 0, USD 2, KWD 3), or None when
    ISO 4217 does not list it or gives it no minor unit (gold XAU, the test code XTS)."""
    try:
        currency = IsoCurrency(code)
    except ValueError:
        return None
    exponent: int | None = currency.exponent
    return exponent


def iso_name(code: str) -> str | None:
    """The currency's name in ISO 4217 ("Yen", "US Dollar"), or None when not listed."""
    try:
        name: str = IsoCurrency(code).currency_name
    except ValueError:
        return None
    return name


def known_decimals(code: str) -> int:
    """The decimals of `code`: ISO 4217's, or the configured crypto unit's.

    Raises `UnknownCurrencyError` for anything else."""
    decimals = iso_decimals(code)
    if decimals is None:
        decimals = CRYPTO_DECIMALS.get(code)
    if decimals is None:
        raise UnknownCurrencyError(code)
    return decimals


def format_amount(minor_units: int, currency: str | int) -> str:
    """`minor_units` as a person reads it: thousands separated by commas, and as many
    decimals as the currency has. `currency` is a code (its decimals looked up with
    `known_decimals`) or the number of decimals itself, for a currency only the casino's
    own list knows.

    >>> format_amount(1000, "JPY"), format_amount(1050, "USD"), format_amount(1, "BTC")
    ('1,000', '10.50', '0.00000001')
    >>> format_amount(-1234567, 3)
    '-1,234.567'
    """
    decimals = currency if isinstance(currency, int) else known_decimals(currency)
    if not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"a currency has 0 to {MAX_DECIMALS} decimals, not {decimals}")
    sign = "-" if minor_units < 0 else ""
    # Integer arithmetic only: a float would lose units above 2^53 (10^15 is allowed).
    whole, fraction = divmod(abs(minor_units), 10**decimals)
    text = f"{sign}{whole:,}"
    return f"{text}.{fraction:0{decimals}d}" if decimals else text
