"""The wallet rules for getBalance, debit (a bet) and credit (a payout), on a hand-built
book (docs/PROTOCOL.md: Money, Sessions and rounds)."""

from collections.abc import Callable

import pytest

from casino.vocabulary import Outcome, TransactionType
from casino.wallet.book import Book
from casino.wallet.errors import InvalidSessionError, TransactionNotFoundError
from contracts.errors import ErrorCode
from tests.unit.casino.books import (
    WalletRequest,
    balance,
    balance_check,
    bet,
    cancel,
    end_session,
    moved,
    next_batch,
    open_session,
    payout,
    play,
    refusal,
    result,
)


@pytest.mark.parametrize("active", [True, False], ids=["active", "ended"])
def test_get_balance_answers_any_known_session(active: bool) -> None:
    book = Book()
    token = open_session(book, 2_500, active=active, currency="EUR")

    reply = play(book, balance_check(token))

    assert result(reply) == {"success": True, "balance": 2_500, "currency": "EUR"}
    assert book.decided == []


@pytest.mark.parametrize(
    "request_for",
    [
        balance_check,
        lambda token: bet(token, 100),
        lambda token: payout(token, 100),
        lambda token: cancel(token, "bet-1"),
    ],
    ids=["getBalance", "debit", "credit", "rollback"],
)
def test_an_unknown_token_is_refused_and_nothing_is_recorded(
    request_for: Callable[[str], WalletRequest],
) -> None:
    book = Book()
    token = open_session(book, 1_000)

    with pytest.raises(InvalidSessionError):
        play(book, request_for("no-such-token"))

    assert book.decided == []
    assert balance(book, token) == 1_000


def test_a_bet_takes_its_amount_from_the_wallet() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = bet(token, 300)

    reply = play(book, placed)

    assert result(reply) == {
        "success": True,
        "transactionId": placed.transaction_id,
        "balance": 700,
        "currency": "USD",
    }
    assert balance(book, token) == 700
    assert moved(book, token) == -300
    [row] = book.decided
    assert (row.type, row.outcome, row.error_code) == (
        TransactionType.DEBIT,
        Outcome.ACCEPTED,
        None,
    )
    assert (row.amount, row.balance_before, row.balance_after) == (300, 1_000, 700)
    assert row.round_id == "round-1"


def test_a_bet_of_the_whole_balance_is_accepted() -> None:
    book = Book()
    token = open_session(book, 500)

    reply = play(book, bet(token, 500))

    assert result(reply)["balance"] == 0
    assert balance(book, token) == 0


def test_a_bet_above_the_balance_is_a_recorded_rejection_that_moves_nothing() -> None:
    book = Book()
    token = open_session(book, 500)

    reply = play(book, bet(token, 501))

    assert refusal(reply) == ErrorCode.INSUFFICIENT_FUNDS
    assert balance(book, token) == 500
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.error_code) == (Outcome.REJECTED, ErrorCode.INSUFFICIENT_FUNDS)
    assert (row.amount, row.balance_before, row.balance_after) == (501, 500, 500)


def test_a_retry_of_a_bet_refused_for_funds_is_refused_again_once_it_would_fit() -> None:
    book = Book()
    token = open_session(book, 500)
    placed = bet(token, 800)
    first = play(book, placed)
    play(book, payout(token, 1_000))
    book = next_batch(book)

    retry = play(book, placed)

    assert retry == first
    assert refusal(retry) == ErrorCode.INSUFFICIENT_FUNDS
    assert balance(book, token) == 1_500
    assert book.decided == []


def test_a_bet_on_an_ended_session_is_refused_and_nothing_is_recorded() -> None:
    book = Book()
    token = open_session(book, 1_000, active=False)

    with pytest.raises(InvalidSessionError):
        play(book, bet(token, 100))

    assert book.decided == []
    assert balance(book, token) == 1_000


@pytest.mark.parametrize("amount", [0, 250])
def test_a_payout_adds_its_amount_to_the_wallet(amount: int) -> None:
    book = Book()
    token = open_session(book, 1_000)
    win = payout(token, amount)

    reply = play(book, win)

    assert result(reply) == {
        "success": True,
        "transactionId": win.transaction_id,
        "balance": 1_000 + amount,
        "currency": "USD",
    }
    assert moved(book, token) == amount
    [row] = book.decided
    assert (row.type, row.outcome, row.amount) == (
        TransactionType.CREDIT,
        Outcome.ACCEPTED,
        amount,
    )
    assert (row.balance_before, row.balance_after) == (1_000, 1_000 + amount)


def test_a_payout_is_accepted_after_the_session_ended() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = bet(token, 100)
    play(book, placed)
    book = next_batch(book)
    end_session(book, token)

    reply = play(book, payout(token, 400, related=placed.transaction_id))

    assert result(reply)["balance"] == 1_300
    assert balance(book, token) == 1_300


def test_a_payout_naming_another_wallets_bet_is_refused_and_nothing_is_recorded() -> None:
    book = Book()
    theirs = open_session(book, 1_000)
    mine = open_session(book, 1_000)
    their_bet = bet(theirs, 100)
    play(book, their_bet)
    book = next_batch(book)

    with pytest.raises(TransactionNotFoundError):
        play(book, payout(mine, 500, related=their_bet.transaction_id))

    assert book.decided == []
    assert (balance(book, mine), balance(book, theirs)) == (1_000, 900)


def test_a_payout_naming_an_unknown_bet_is_accepted() -> None:
    book = Book()
    token = open_session(book, 1_000)
    win = payout(token, 500, related="bet-nobody-placed")

    reply = play(book, win)

    assert result(reply)["balance"] == 1_500
    [row] = book.decided
    assert row.related_transaction_id == "bet-nobody-placed"
