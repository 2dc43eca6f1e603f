"""The retry queue's schedule, computed from the settings: doubling, capped, a day long."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from provider.backoff import RetrySchedule
from provider.settings import ProviderSettings

WRITTEN = datetime(2030, 1, 1, tzinfo=UTC)


def test_the_default_schedule_doubles_from_5_seconds_to_an_hour_and_spans_a_day() -> None:
    schedule = RetrySchedule.from_settings(ProviderSettings())
    plan = schedule.plan()
    waits = [later - earlier for earlier, later in zip([0.0, *plan], plan, strict=False)]
    assert waits[:5] == [5, 10, 20, 40, 80]
    assert max(waits) == 3_600  # the cap: never more than an hour between two sends
    assert plan[-1] == 24 * 3_600  # the last send is exactly at the horizon
    assert len(plan) == 33


def test_the_schedule_follows_its_settings() -> None:
    settings = ProviderSettings(
        pending_retry_initial_backoff_seconds=1,
        pending_retry_max_backoff_seconds=4,
        pending_retry_horizon_hours=12 / 3_600,  # twelve seconds
    )
    assert RetrySchedule.from_settings(settings).plan() == [1, 3, 7, 11, 12]


def test_jitter_lengthens_a_wait_by_a_tenth_at_most() -> None:
    schedule = RetrySchedule(10, 3_600, timedelta(hours=24))
    rng = random.Random(3)
    now = WRITTEN + timedelta(minutes=1)
    for resends in range(1, 40):
        wait = (schedule.next_attempt(WRITTEN, now, resends, rng) or now) - now
        base = schedule.delay(resends + 1)
        assert timedelta(seconds=base) <= wait <= timedelta(seconds=base * 1.1)


def test_past_the_horizon_there_is_no_next_attempt() -> None:
    schedule = RetrySchedule(5, 3_600, timedelta(hours=24))
    assert schedule.next_attempt(WRITTEN, WRITTEN + timedelta(hours=24), 30) is None
    near_the_end = WRITTEN + timedelta(hours=23, minutes=59)
    assert schedule.next_attempt(WRITTEN, near_the_end, 30) == WRITTEN + timedelta(hours=24)


def test_a_huge_resend_count_does_not_overflow() -> None:
    assert RetrySchedule(5, 3_600, timedelta(hours=24)).delay(10_000) == 3_600


def test_a_call_stays_with_its_sender_for_its_longest_retry_sequence() -> None:
    settings = ProviderSettings(
        casino_retry_attempts=4,
        unknown_debit_rollback_attempts=10,
        casino_attempt_timeout_seconds=8,
        casino_retry_max_backoff_seconds=2,
    )
    assert settings.call_in_flight_seconds == 10 * (8 + 2) + 10


@pytest.mark.parametrize(
    "setting",
    [
        {"pending_retry_horizon_hours": 0},
        {"pending_retry_max_backoff_seconds": 0},
        {"pending_resume_interval_seconds": -1},
    ],
)
def test_a_schedule_that_cannot_work_is_refused(setting: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        ProviderSettings(**setting)  # type: ignore[arg-type]
