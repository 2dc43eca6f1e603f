"""When an operator's change of a limit applies, and how long an exclusion lasts."""

import datetime as dt

import pytest

from casino.protection.exclusions import lasting_until
from casino.protection.limits import applies_at, is_stricter

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("in_force", "new", "at_once"),
    [
        (None, 500, True),  # a limit where none was
        (None, 0, True),
        (500, 400, True),  # lowered
        (500, 500, True),  # the same again: withdraws a pending raise, at once
        (500, 501, False),  # raised
        (500, None, False),  # removed
        (None, None, False),  # removing nothing still waits: it is no restriction
    ],
)
def test_lowering_applies_at_once_and_raising_after_the_cooling_off(
    in_force: int | None, new: int | None, at_once: bool
) -> None:
    assert is_stricter(in_force, new) is at_once
    assert applies_at(in_force, new, NOW, DAY) == (NOW if at_once else NOW + DAY)


def test_a_cooling_off_of_zero_applies_everything_at_once() -> None:
    assert applies_at(100, 1_000, NOW, dt.timedelta(0)) == NOW


@pytest.mark.parametrize(
    ("kept", "asked", "lasts"),
    [
        (None, NOW + DAY, None),  # permanent stays permanent
        (NOW + 2 * DAY, NOW + DAY, NOW + 2 * DAY),  # never shortened
        (NOW + DAY, NOW + 2 * DAY, NOW + 2 * DAY),  # lengthened
        (NOW + DAY, None, None),  # made permanent
        (NOW - DAY, NOW + DAY, NOW + DAY),  # one that ran out is replaced
        (NOW - DAY, None, None),
    ],
)
def test_an_exclusion_is_never_shortened(
    kept: dt.datetime | None, asked: dt.datetime | None, lasts: dt.datetime | None
) -> None:
    assert lasting_until(kept, asked, NOW) == lasts
