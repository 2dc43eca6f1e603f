"""Each currency's decimals (ISO 4217, and the configured crypto units) and amounts
written for people with them (`contracts.currencies`)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.currencies import (
    CRYPTO_DECIMALS,
    UnknownCurrencyError,
    format_amount,
    iso_decimals,
    iso_name,
    known_decimals,
)
from contracts.money import MAX_AMOUNT


@pytest.mark.parametrize(
    ("code", "decimals"),
    [("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("GBP", 2), ("KWD", 3), ("BHD", 3)],
)
def test_iso_4217_gives_each_currency_its_minor_unit(code: str, decimals: int) -> None:
    assert iso_decimals(code) == decimals
    assert known_decimals(code) == decimals


def test_codes_iso_4217_lists_without_a_minor_unit_or_not_at_all_have_no_iso_decimals() -> None:
    assert iso_decimals("XAU") is None  # gold: ISO 4217 gives it no minor unit
    assert iso_decimals("QQQ") is None
    assert iso_decimals("BTC") is None


def test_crypto_units_iso_does_not_cover_are_configured() -> None:
    assert known_decimals("BTC") == 8
    assert all(iso_decimals(code) is None for code in CRYPTO_DECIMALS)


def test_a_code_nobody_knows_is_refused_with_its_name() -> None:
    with pytest.raises(UnknownCurrencyError, match="QQQ"):
        known_decimals("QQQ")
    with pytest.raises(UnknownCurrencyError):
        format_amount(100, "QQQ")


def test_iso_names() -> None:
    assert iso_name("JPY") == "Yen"
    assert iso_name("QQQ") is None


@pytest.mark.parametrize(
    ("minor_units", "currency", "written"),
    [
        (1000, "JPY", "1,000"),
        (1050, "USD", "10.50"),
        (1, "BTC", "0.00000001"),
        (150_000_000, "BTC", "1.50000000"),
        (1500, "USD", "15.00"),
        (1500, "JPY", "1,500"),
        (1500, "KWD", "1.500"),
        (0, "USD", "0.00"),
        (0, "JPY", "0"),
        (5, "USD", "0.05"),
        (-1500, "USD", "-15.00"),
        (-1500, "JPY", "-1,500"),
        (123456789, "USD", "1,234,567.89"),
        (MAX_AMOUNT, "USD", "10,000,000,000,000.00"),
        (MAX_AMOUNT + 1, "USD", "10,000,000,000,000.01"),  # exact where a float is not
        (1234567, 3, "1,234.567"),
        (7, 0, "7"),
    ],
)
def test_format_amount(minor_units: int, currency: str | int, written: str) -> None:
    assert format_amount(minor_units, currency) == written


def test_decimals_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="decimals"):
        format_amount(1, -1)
    with pytest.raises(ValueError, match="decimals"):
        format_amount(1, 19)


@given(
    minor_units=st.integers(min_value=-(10**18), max_value=10**18),
    decimals=st.integers(min_value=0, max_value=18),
)
def test_what_is_written_reads_back_as_the_same_minor_units(
    minor_units: int, decimals: int
) -> None:
    written = format_amount(minor_units, decimals)
    whole, _, fraction = written.partition(".")
    assert len(fraction) == decimals
    assert int((whole + fraction).replace(",", "")) == minor_units
