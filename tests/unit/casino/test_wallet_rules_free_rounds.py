"""Free rounds as the wallet rules decide them: a free bet costs nothing, counts one round
of its campaign, and is refused past the rounds granted or after expiry."""

import datetime as dt

import pytest

from casino.wallet.book import Book
from casino.wallet.errors import FreeRoundAmountError, FreeRoundsNotFoundError
from contracts.errors import ErrorCode
from contracts.wallet import CreditKind
from tests.unit.casino.books import (
    balance,
    bet,
    cancel,
    grant,
    next_batch,
    open_session,
    payout,
    play,
    refusal,
    result,
    set_limits,
)


def test_free_bets_cost_nothing_and_stop_at_the_rounds_granted() -> None:
    book = Book()
    token = open_session(book, 0)
    campaign = grant(book, token, rounds=3, bet_amount=20)

    for round_number in range(3):
        free = bet(token, 20, round_id=f"free-{round_number}", campaign=campaign)
        assert result(play(book, free))["balance"] == 0
    fourth = bet(token, 20, round_id="free-3", campaign=campaign)

    assert refusal(play(book, fourth)) == ErrorCode.FREE_ROUNDS_EXHAUSTED
    assert refusal(play(next_batch(book), fourth)) == ErrorCode.FREE_ROUNDS_EXHAUSTED
    assert balance(book, token) == 0
    [(campaign_id, used)] = book.campaign_uses.items()
    assert str(campaign_id) == campaign
    assert used == 3


def test_a_free_rounds_win_is_a_bonus_paid_like_any_win() -> None:
    book = Book()
    token = open_session(book, 0)
    campaign = grant(book, token, rounds=1, bet_amount=20)
    result(play(book, bet(token, 20, campaign=campaign)))

    won = payout(token, 75, kind=CreditKind.BONUS, campaign=campaign)
    assert result(play(book, won))["balance"] == 75
    assert book.decided[-1].kind == "bonus"
    assert str(book.decided[-1].campaign_id) == campaign


def test_an_expired_or_cancelled_campaign_refuses_its_rounds() -> None:
    book = Book()
    token = open_session(book)
    expired = grant(book, token, rounds=5, bet_amount=20, expires_in=dt.timedelta(seconds=-1))
    cancelled = grant(book, token, rounds=5, bet_amount=20, cancelled=True)

    assert refusal(play(book, bet(token, 20, campaign=expired))) == ErrorCode.FREE_ROUNDS_EXPIRED
    assert refusal(play(book, bet(token, 20, round_id="r2", campaign=cancelled))) == (
        ErrorCode.FREE_ROUNDS_EXPIRED
    )
    assert balance(book, token) == 1_000


def test_a_campaign_of_another_player_or_unknown_is_not_found_and_not_recorded() -> None:
    book = Book()
    ours, theirs = open_session(book), open_session(book)
    campaign = grant(book, theirs, rounds=5, bet_amount=20)

    with pytest.raises(FreeRoundsNotFoundError):
        play(book, bet(ours, 20, campaign=campaign))
    with pytest.raises(FreeRoundsNotFoundError):
        play(book, bet(ours, 20, campaign="not-a-campaign"))
    assert book.decided == []


def test_a_free_round_bets_exactly_the_campaigns_amount() -> None:
    book = Book()
    token = open_session(book)
    campaign = grant(book, token, rounds=5, bet_amount=20)

    with pytest.raises(FreeRoundAmountError):
        play(book, bet(token, 25, campaign=campaign))


def test_a_refunded_free_bet_returns_nothing_and_gives_its_round_back() -> None:
    book = Book()
    token = open_session(book, 0)
    campaign = grant(book, token, rounds=1, bet_amount=20)
    free = bet(token, 20, campaign=campaign)
    result(play(book, free))

    assert result(play(book, cancel(token, free.transaction_id)))["balance"] == 0
    assert result(play(book, bet(token, 20, round_id="again", campaign=campaign)))
    assert sum(book.campaign_uses.values()) == 1


def test_free_bets_pass_the_players_limits_they_cost_nothing() -> None:
    book = Book()
    token = open_session(book, 0)
    set_limits(book, token, max_bet=5, daily_loss=0)
    campaign = grant(book, token, rounds=1, bet_amount=20)

    assert result(play(book, bet(token, 20, campaign=campaign)))["balance"] == 0
