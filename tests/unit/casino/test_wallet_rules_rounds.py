"""Rounds that close, and the payouts real games make, as the wallet rules decide them
(docs/PROTOCOL.md, "Rounds, payouts and free rounds")."""

import pytest

from casino.vocabulary import RoundStatus
from casino.wallet.book import Book
from casino.wallet.errors import DuplicateTransactionError
from contracts.errors import ErrorCode
from contracts.wallet import CreditKind
from tests.unit.casino.books import (
    balance,
    bet,
    cancel,
    end_of_round,
    end_session,
    moved,
    next_batch,
    open_session,
    payout,
    play,
    refusal,
    result,
)


def test_a_bet_that_closes_its_round_leaves_no_room_for_another_bet_or_a_win() -> None:
    book = Book()
    token = open_session(book)
    result(play(book, bet(token, 100, closes=True)))

    assert refusal(play(book, bet(token, 50))) == ErrorCode.ROUND_CLOSED
    assert refusal(play(book, payout(token, 300))) == ErrorCode.ROUND_CLOSED
    assert balance(book, token) == 900


def test_a_win_that_closes_its_round_is_paid_and_the_round_takes_nothing_more() -> None:
    book = Book()
    token = open_session(book)
    result(play(book, bet(token, 100)))
    assert result(play(book, payout(token, 250, closes=True)))["balance"] == 1_150

    assert refusal(play(book, payout(token, 10))) == ErrorCode.ROUND_CLOSED
    assert refusal(play(book, bet(token, 10))) == ErrorCode.ROUND_CLOSED
    assert balance(book, token) == 1_150


def test_a_refusal_for_a_closed_round_is_recorded_and_replayed_moving_nothing() -> None:
    book = Book()
    token = open_session(book)
    result(play(book, end_of_round(token)))
    late = bet(token, 100)

    assert refusal(play(book, late)) == ErrorCode.ROUND_CLOSED
    later = next_batch(book)
    assert refusal(play(later, late)) == ErrorCode.ROUND_CLOSED
    assert moved(later, token) == 0


def test_ending_a_round_never_seen_answers_success_and_closes_it_for_later_bets() -> None:
    book = Book()
    token = open_session(book)
    ended = result(play(book, end_of_round(token, "unseen")))

    assert ended == {
        "success": True,
        "transactionId": ended["transactionId"],
        "roundId": "unseen",
        "balance": 1_000,
        "currency": "USD",
    }
    assert refusal(play(next_batch(book), bet(token, 10, round_id="unseen"))) == (
        ErrorCode.ROUND_CLOSED
    )


def test_end_round_is_idempotent_and_accepted_on_an_ended_session() -> None:
    book = Book()
    token = open_session(book)
    result(play(book, bet(token, 100)))
    end_session(book, token)
    ending = end_of_round(token)

    first = result(play(book, ending))
    assert result(play(next_batch(book), ending)) == first
    assert result(play(book, end_of_round(token)))["balance"] == 900  # ended again: fine


def test_a_lost_bet_in_a_closed_round_is_still_refunded() -> None:
    book = Book()
    token = open_session(book)
    lost = bet(token, 100)
    result(play(book, lost))
    result(play(book, end_of_round(token)))

    assert result(play(book, cancel(token, lost.transaction_id)))["balance"] == 1_000


def test_an_expired_round_takes_no_bet_but_is_still_settled() -> None:
    book = Book()
    token = open_session(book)
    placed = bet(token, 100)
    result(play(book, placed))
    later = next_batch(book)
    [key] = later.rounds
    later.rounds[key] = RoundStatus.EXPIRED

    assert refusal(play(later, bet(token, 10))) == ErrorCode.ROUND_CLOSED
    assert result(play(later, payout(token, 40)))["balance"] == 940
    assert balance(later, token) == 940


def test_a_win_naming_a_cancelled_bet_pays_nothing() -> None:
    book = Book()
    token = open_session(book)
    cancelled = bet(token, 10)
    result(play(book, cancelled))
    result(play(book, cancel(token, cancelled.transaction_id)))

    assert refusal(play(book, payout(token, 50, related=cancelled.transaction_id))) == (
        ErrorCode.TRANSACTION_ROLLED_BACK
    )
    assert balance(book, token) == 1_000


def test_a_win_naming_a_tombstoned_bet_pays_nothing() -> None:
    book = Book()
    token = open_session(book)
    result(play(book, cancel(token, "never-placed")))

    win = payout(token, 50, related="never-placed")
    assert refusal(play(book, win)) == ErrorCode.TRANSACTION_ROLLED_BACK
    assert refusal(play(next_batch(book), win)) == ErrorCode.TRANSACTION_ROLLED_BACK
    assert balance(book, token) == 1_000


def test_jackpot_and_promo_wins_need_no_bet_nor_an_active_session_and_keep_their_kind() -> None:
    book = Book()
    token = open_session(book)
    end_session(book, token)
    jackpot = payout(token, 5_000, round_id="jackpot-1", kind=CreditKind.JACKPOT)
    promo = payout(token, 700, round_id="tournament-9", kind=CreditKind.PROMO)

    result(play(book, jackpot))
    result(play(book, promo))

    assert balance(book, token) == 6_700
    assert [entry.kind for entry in book.decided] == ["jackpot", "promo"]
    assert result(play(next_batch(book), jackpot))["balance"] == 6_000  # a retry: replayed


def test_a_payout_resent_as_another_kind_is_a_reused_key() -> None:
    book = Book()
    token = open_session(book)
    win = payout(token, 100)
    result(play(book, win))

    resent = win.model_copy(update={"kind": CreditKind.PROMO})
    with pytest.raises(DuplicateTransactionError):
        play(book, resent)


def test_a_bet_keeps_its_jackpot_contribution_and_costs_its_amount() -> None:
    book = Book()
    token = open_session(book)
    result(play(book, bet(token, 100, jackpot_contribution=3)))

    assert balance(book, token) == 900
    assert book.decided[0].jackpot_contribution == 3
