"""Amounts in the back office's forms: read in the currency's units, as they are shown."""

import pytest

from casino.backoffice.money import AmountError, Money

MONEY = Money({"USD": 2, "JPY": 0, "KWD": 3, "DOG": 8})


@pytest.mark.parametrize(
    ("text", "currency", "minor_units"),
    [
        ("20.00", "USD", 2000),
        ("20", "USD", 2000),
        ("1,000.5", "USD", 100050),
        ("1,000", "JPY", 1000),
        ("1.050", "KWD", 1050),
        ("0.00000001", "DOG", 1),  # only the casino's list knows DOG's decimals
        ("0", "USD", 0),
    ],
)
def test_an_amount_is_read_in_its_currency_s_units(
    text: str, currency: str, minor_units: int
) -> None:
    assert MONEY.parse(text, currency) == minor_units


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("20.001", "USD"),
        ("1.5", "JPY"),
        ("-1", "USD"),
        ("ten", "USD"),
        ("nan", "USD"),
        ("1e30", "USD"),
        ("", "USD"),
    ],
)
def test_an_amount_that_is_not_one_of_the_currency_is_refused(text: str, currency: str) -> None:
    with pytest.raises(AmountError):
        MONEY.parse(text, currency)


def test_amounts_are_shown_with_the_currency_s_decimals() -> None:
    assert MONEY.text(2000, "USD") == "20.00"
    assert MONEY.text(1000, "JPY") == "1,000"
    assert MONEY.text(1050, "KWD") == "1.050"
    assert MONEY.text(None, "USD") == ""
    assert MONEY.text(1234, "ZZZ") == "1,234"  # unknown decimals: minor units
