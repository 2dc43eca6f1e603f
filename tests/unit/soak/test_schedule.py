"""The fault plan: every kind in turn, round after round, spread evenly over the run's
operations with a tail after the last; and the wallet callbacks' offered rate lowered
only as far as the minimum gap between faults needs, the rounds' kept."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.soak.schedule import PlannedFault, paced_wallet_rate, plan_faults

KINDS = ["worker-kill", "rabbitmq-restart", "provider-kill"]


def test_the_kinds_come_in_turn_round_after_round() -> None:
    plan = plan_faults(KINDS, rounds=3, operations=1_000_000)
    assert [fault.kind for fault in plan] == KINDS * 3
    assert Counter(fault.kind for fault in plan) == dict.fromkeys(KINDS, 3)


def test_faults_are_evenly_spread_with_as_many_operations_after_the_last() -> None:
    plan = plan_faults(["a", "b"], rounds=2, operations=500)
    assert plan == [
        PlannedFault(100, "a"),
        PlannedFault(200, "b"),
        PlannedFault(300, "a"),
        PlannedFault(400, "b"),
    ]


def test_every_fault_falls_inside_the_run_in_order() -> None:
    plan = plan_faults(KINDS, rounds=3, operations=1_000)
    points = [fault.at_operation for fault in plan]
    assert points == sorted(points)
    assert points[0] > 0
    assert points[-1] < 1_000
    assert len(set(points)) == len(points)


def test_no_rounds_or_no_kinds_plan_nothing() -> None:
    assert plan_faults(KINDS, rounds=0, operations=1_000) == []
    assert plan_faults([], rounds=3, operations=1_000) == []


def test_a_run_too_short_to_hold_its_faults_apart_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        plan_faults(KINDS, rounds=3, operations=9)


def test_the_rate_is_kept_when_the_faults_fit() -> None:
    # 1,000,000 operations, 18 faults: 52,631 operations apart, 52 s at 1,010/s.
    assert paced_wallet_rate(1000, 10, 1_000_000, faults=18, min_gap_s=20) == 1000


def test_the_wallet_rate_is_lowered_so_that_faults_stay_the_gap_apart() -> None:
    # 20,000 operations, 6 faults: 2,857 operations apart must last 20 s, rounds included.
    rate = paced_wallet_rate(1000, 10, 20_000, faults=6, min_gap_s=20)
    assert rate == pytest.approx(20_000 / 7 / 20 - 10)
    assert (20_000 / 7) / (rate + 10) == pytest.approx(20)


def test_a_run_too_short_for_its_rounds_alone_is_refused() -> None:
    with pytest.raises(ValueError, match="fewer rounds per second"):
        paced_wallet_rate(1000, 10, 1_000, faults=6, min_gap_s=20)


def test_without_faults_the_rate_is_the_one_asked_for() -> None:
    assert paced_wallet_rate(1000, 10, 100, faults=0, min_gap_s=20) == 1000


def test_rates_are_not_negative_nor_both_zero() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        paced_wallet_rate(0, 0, 100, faults=1, min_gap_s=1)
    with pytest.raises(ValueError, match="at least 0"):
        paced_wallet_rate(-1, 10, 100, faults=1, min_gap_s=1)
