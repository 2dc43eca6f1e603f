"""Player protection at the bet: exclusion, session time, bet and loss limits. Payouts and
refunds are always paid."""

import datetime as dt

from casino.wallet.book import Book
from casino.wallet.protection import Losses, Periods
from contracts.errors import ErrorCode
from tests.unit.casino.books import (
    balance,
    bet,
    cancel,
    end_session,
    exclude,
    next_batch,
    open_session,
    payout,
    play,
    refusal,
    result,
    session_age,
    set_limits,
)

TODAY = dt.date(2026, 12, 1)  # a Tuesday


def _book() -> Book:
    return Book(
        now=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
        periods=Periods(TODAY, dt.date(2026, 11, 30), dt.date(2026, 12, 1)),
    )


def test_a_bet_above_the_bet_limit_is_refused_recorded_and_replayed() -> None:
    book = _book()
    token = open_session(book)
    set_limits(book, token, max_bet=50)
    big = bet(token, 51)

    assert refusal(play(book, big)) == ErrorCode.BET_LIMIT_EXCEEDED
    assert refusal(play(next_batch(book), big)) == ErrorCode.BET_LIMIT_EXCEEDED
    assert result(play(book, bet(token, 50, round_id="r2")))["balance"] == 950


def test_the_daily_loss_limit_counts_bets_less_wins_and_refunds() -> None:
    book = _book()
    token = open_session(book)
    set_limits(book, token, daily_loss=100)
    result(play(book, bet(token, 60)))
    assert refusal(play(book, bet(token, 50, round_id="r2"))) == ErrorCode.LOSS_LIMIT_EXCEEDED

    result(play(book, payout(token, 20)))  # a win: the loss is 40, room for 60
    refunded = bet(token, 60, round_id="r3")
    result(play(book, refunded))
    assert refusal(play(book, bet(token, 1, round_id="r4"))) == ErrorCode.LOSS_LIMIT_EXCEEDED
    result(play(book, cancel(token, refunded.transaction_id)))  # a refund: room again
    assert result(play(book, bet(token, 60, round_id="r5")))["balance"] == 900


def test_losses_of_an_earlier_day_do_not_count_today_but_still_count_this_week() -> None:
    book = _book()
    token = open_session(book)
    wallet_id = book.session_wallets[token].wallet_id
    yesterday = dt.date(2026, 11, 30)
    book.losses[wallet_id] = Losses(yesterday, 90, yesterday, 90, dt.date(2026, 11, 1), 90)
    set_limits(book, token, daily_loss=100, weekly_loss=150)

    assert result(play(book, bet(token, 60)))["balance"] == 940  # today 60, week 150
    assert refusal(play(book, bet(token, 1, round_id="r2"))) == ErrorCode.LOSS_LIMIT_EXCEEDED
    losses = book.losses[wallet_id]
    assert (losses.day_start, losses.day, losses.week, losses.month) == (TODAY, 60, 150, 60)


def test_a_session_past_its_time_limit_takes_no_bet_but_pays_and_refunds() -> None:
    book = _book()
    token = open_session(book)
    placed = bet(token, 100)
    result(play(book, placed))
    set_limits(book, token, session_minutes=30)
    session_age(book, token, dt.timedelta(minutes=31))

    assert refusal(play(book, bet(token, 10, round_id="r2"))) == ErrorCode.SESSION_TIME_EXCEEDED
    assert result(play(book, cancel(token, placed.transaction_id)))["balance"] == 1_000
    assert result(play(book, payout(token, 5, round_id="r3")))["balance"] == 1_005


def test_an_excluded_player_bets_nothing_but_is_paid_and_refunded() -> None:
    book = _book()
    token = open_session(book)
    placed = bet(token, 100)
    result(play(book, placed))
    exclude(book, token)

    assert refusal(play(book, bet(token, 10, round_id="r2"))) == ErrorCode.PLAYER_EXCLUDED
    assert result(play(book, payout(token, 30, related=placed.transaction_id)))
    assert balance(book, token) == 930


def test_a_limit_never_refuses_a_payout_on_an_ended_session() -> None:
    book = _book()
    token = open_session(book)
    set_limits(book, token, max_bet=1, daily_loss=0, session_minutes=0)
    end_session(book, token)
    exclude(book, token)

    assert result(play(book, payout(token, 500)))["balance"] == 1_500
