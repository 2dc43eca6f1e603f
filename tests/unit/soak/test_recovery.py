"""Recovery time after a fault, on hand-built per-second timelines: failures and stalls
count as hurt, a healthy system recovers at once, one slow second of a few rounds is not
a stall, the seconds whose requests the next fault may have caught are left out, and a
system still hurt when its time runs out did not recover."""

from __future__ import annotations

from tests.soak.recovery import IN_FLIGHT_S, recovery_seconds

HEALTHY = (100, 0)


def timeline(*seconds: tuple[int, int]) -> list[tuple[int, int]]:
    """Ten healthy seconds, then `seconds` from second 10 on."""
    return [HEALTHY] * 10 + list(seconds)


def until(seconds_looked_at: int, fault_at_s: float = 10.0) -> float:
    """The next fault's time that has `seconds_looked_at` whole seconds looked at."""
    return int(fault_at_s) + seconds_looked_at + IN_FLIGHT_S


def test_a_fault_that_hurt_nothing_recovers_in_no_time() -> None:
    series = {"wallet": timeline(*[HEALTHY] * 10)}
    assert recovery_seconds(series, fault_at_s=10.0, until_s=until(10)) == 0.0


def test_failures_count_until_the_last_second_that_had_them() -> None:
    series = {"wallet": timeline((60, 40), (0, 100), (90, 10), HEALTHY, HEALTHY, HEALTHY)}
    # Hurt in seconds 10, 11 and 12: normal again at 13 s, 2.5 s after the fault.
    assert recovery_seconds(series, fault_at_s=10.5, until_s=until(6)) == 2.5


def test_a_stall_counts_although_it_fails_nothing() -> None:
    stalled = [(0, 0)] * 4
    series = {"wallet": timeline(*stalled, (400, 0), HEALTHY, HEALTHY, HEALTHY)}
    assert recovery_seconds(series, fault_at_s=10.0, until_s=until(8)) == 4.0


def test_one_failure_in_a_thousand_is_normal() -> None:
    series = {"wallet": timeline((999, 1), *[HEALTHY] * 4)}
    assert recovery_seconds(series, fault_at_s=10.0, until_s=until(5)) == 0.0


def test_one_slow_second_among_normal_ones_is_not_a_stall() -> None:
    rounds = [(4, 0)] * 10 + [(1, 0), (6, 0), (4, 0), (4, 0)]
    assert recovery_seconds({"round": rounds}, fault_at_s=10.0, until_s=until(4)) == 0.0


def test_the_slowest_stream_decides() -> None:
    wallet = timeline(*[HEALTHY] * 8)
    rounds = [(5, 0)] * 10 + [(0, 3), (0, 2), (1, 1), (5, 0), (5, 0), (5, 0), (5, 0), (5, 0)]
    assert recovery_seconds({"wallet": wallet, "round": rounds}, 10.0, until(8)) == 3.0


def test_the_requests_the_next_fault_may_have_caught_are_left_out() -> None:
    # Seconds 10-14 healthy; 15-17 were sent just before the next fault and failed by it.
    series = {"wallet": timeline(*[HEALTHY] * 5, (50, 50), (0, 100), (0, 100))}
    assert recovery_seconds(series, fault_at_s=10.0, until_s=18.0) == 0.0


def test_a_system_still_hurt_when_its_time_ran_out_did_not_recover() -> None:
    series = {"wallet": timeline(HEALTHY, (0, 100), (0, 100))}
    assert recovery_seconds(series, fault_at_s=10.0, until_s=until(3)) is None


def test_a_stream_with_nothing_before_the_fault_is_left_out() -> None:
    wallet = timeline(*[HEALTHY] * 5)
    rounds = [(0, 0)] * 10 + [(0, 1)] * 5
    assert recovery_seconds({"wallet": wallet, "round": rounds}, 10.0, until(5)) == 0.0


def test_no_whole_second_to_look_at_is_no_recovery_seen() -> None:
    assert recovery_seconds({"wallet": timeline(HEALTHY)}, 10.2, 10.9 + IN_FLIGHT_S) is None
