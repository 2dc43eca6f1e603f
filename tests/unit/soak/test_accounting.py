"""Operation accounting: the budget hands out exactly the run's operations, whoever asks;
each outcome is counted once, by stream, kind and code, with the requests given up on
and the answers that came only at the gateway's timeout apart; the timeline buckets
requests by the second they were sent."""

from __future__ import annotations

import asyncio

import pytest

from tests.soak.accounting import NO_ANSWER, OK, Accounting, Budget, StreamTally, Timeline


def accounting(total: int) -> Accounting:
    return Accounting(Budget(total), {"wallet": StreamTally(2.0), "round": StreamTally(60.0)})


def test_the_budget_hands_out_exactly_its_operations() -> None:
    budget = Budget(3)
    assert [budget.take() for _ in range(5)] == [True, True, True, False, False]
    assert budget.issued == 3
    assert budget.exhausted


def test_an_empty_budget_hands_out_nothing_and_a_negative_one_is_refused() -> None:
    assert not Budget(0).take()
    with pytest.raises(ValueError, match="number of operations"):
        Budget(-1)


async def test_a_waiter_is_woken_when_its_point_of_the_run_is_reached() -> None:
    budget = Budget(10)
    waiting = asyncio.create_task(budget.reached(4))
    for _ in range(3):
        budget.take()
    await asyncio.sleep(0)
    assert not waiting.done()
    budget.take()
    await asyncio.wait_for(waiting, timeout=1)
    await asyncio.wait_for(budget.reached(2), timeout=1)  # already passed: at once
    await asyncio.wait_for(budget.reached(0), timeout=1)


async def test_a_point_past_the_end_is_reached_when_the_budget_is() -> None:
    budget = Budget(2)
    waiting = asyncio.create_task(budget.reached(50))
    budget.take()
    budget.take()
    await asyncio.wait_for(waiting, timeout=1)


def test_every_outcome_is_counted_once_by_stream_kind_and_code() -> None:
    counts = accounting(10)
    counts.record("wallet", "debit", OK, 0.01, sent_s=0.5)
    counts.record("wallet", "debit", "WALLET_UNAVAILABLE", 2.0, sent_s=1.2)
    counts.record("wallet", "credit", OK, 0.02, sent_s=1.9)
    counts.record("round", "simulateRound", "PROVIDER_UNAVAILABLE", 0.3, sent_s=2.0)
    assert counts.done == 4
    assert counts.errors == 2
    assert counts.by_kind() == {"credit": 1, "debit": 2, "simulateRound": 1}
    wallet = counts.streams["wallet"]
    assert (wallet.done, wallet.ok) == (3, 2)
    assert wallet.errors_by_code == {"WALLET_UNAVAILABLE": 1}


def test_a_request_given_up_on_is_no_answer_and_has_no_latency() -> None:
    counts = accounting(10)
    counts.record("wallet", "getBalance", NO_ANSWER, 7.0, sent_s=8.0)
    wallet = counts.streams["wallet"]
    assert counts.unanswered == 1
    assert wallet.errors_by_code == {NO_ANSWER: 1}
    assert wallet.latency.count == 0
    assert wallet.at_timeout == 0


def test_an_answer_at_or_after_the_gateways_timeout_is_counted_apart() -> None:
    counts = accounting(10)
    counts.record("wallet", "debit", "WALLET_UNAVAILABLE", 2.4, sent_s=3.0)
    counts.record("wallet", "debit", OK, 1.9, sent_s=3.0)
    counts.record("round", "simulateRound", OK, 2.4, sent_s=3.0)  # rounds may take 60 s
    assert counts.streams["wallet"].at_timeout == 1
    assert counts.streams["round"].at_timeout == 0


def test_the_timeline_counts_requests_by_the_second_sent_and_stream() -> None:
    counts = accounting(10)
    counts.record("wallet", "debit", OK, 0.01, sent_s=0.2)
    counts.record("wallet", "debit", "WALLET_UNAVAILABLE", 0.01, sent_s=0.9)
    counts.record("wallet", "debit", OK, 0.01, sent_s=2.5)
    counts.record("round", "simulateRound", OK, 0.2, sent_s=1.0)
    assert counts.timeline.series("wallet") == [(1, 1), (0, 0), (1, 0)]
    assert counts.timeline.series("round") == [(0, 0), (1, 0)]
    assert Timeline().series("wallet") == []
