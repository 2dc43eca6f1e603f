"""The rollback rules 1-7 of docs/PROTOCOL.md, on a hand-built book.

Each test places its history in one book and decides the rollback in the next one
(`next_batch`), so `book.decided` and `book.moves` hold only what the rollback did.
"""

import pytest

from casino.vocabulary import Outcome, TransactionType
from casino.wallet.book import Book
from casino.wallet.errors import TransactionNotFoundError
from contracts.errors import ErrorCode
from contracts.wallet import DebitRequest
from tests.unit.casino.books import (
    OTHER_PROVIDER,
    balance,
    bet,
    cancel,
    end_session,
    moved,
    next_batch,
    open_another_session,
    open_session,
    payout,
    play,
    refusal,
    result,
)


def placed_bet(book: Book, token: str, amount: int, round_id: str = "round-1") -> DebitRequest:
    placed = bet(token, amount, round_id=round_id)
    result(play(book, placed))
    return placed


@pytest.mark.parametrize("named", ["payout", "rollback"])
def test_rule_1_only_bets_roll_back(named: str) -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 100)
    refund = cancel(token, placed.transaction_id)
    play(book, refund)
    win = payout(token, 300)
    play(book, win)
    target = win.transaction_id if named == "payout" else refund.transaction_id
    book = next_batch(book)
    rollback = cancel(token, target)

    reply = play(book, rollback)

    assert refusal(reply) == ErrorCode.CANNOT_ROLLBACK_PAYOUT
    assert balance(book, token) == 1_300
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.error_code, row.amount) == (
        Outcome.REJECTED,
        ErrorCode.CANNOT_ROLLBACK_PAYOUT,
        0,
    )
    assert play(next_batch(book), rollback) == reply


@pytest.mark.parametrize("win", [0, 500])
def test_rule_2_a_bet_whose_round_paid_out_is_not_rolled_back(win: int) -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300, round_id="paid-round")
    play(book, payout(token, win, round_id="paid-round"))
    book = next_batch(book)

    reply = play(book, cancel(token, placed.transaction_id))

    assert refusal(reply) == ErrorCode.ROLLBACK_NOT_ALLOWED
    assert balance(book, token) == 700 + win
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.amount, row.round_id) == (Outcome.REJECTED, 0, "paid-round")


def test_rule_2_a_payout_in_another_round_does_not_stop_the_rollback() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300, round_id="round-1")
    play(book, payout(token, 0, round_id="round-2"))
    book = next_batch(book)

    reply = play(book, cancel(token, placed.transaction_id))

    assert result(reply)["rolledBack"] is True
    assert balance(book, token) == 1_000


def test_rule_3_a_rollback_returns_the_bet() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300)
    book = next_batch(book)
    rollback = cancel(token, placed.transaction_id)

    reply = play(book, rollback)

    assert result(reply) == {
        "success": True,
        "transactionId": rollback.transaction_id,
        "rolledBack": True,
        "balance": 1_000,
        "currency": "USD",
    }
    assert moved(book, token) == 300
    [row] = book.decided
    assert (row.type, row.outcome, row.amount, row.round_id) == (
        TransactionType.ROLLBACK,
        Outcome.ACCEPTED,
        300,
        "round-1",
    )
    assert row.original_id == book.entries[(row.provider_id, placed.transaction_id)].id


def test_rule_3_a_retried_rollback_refunds_once() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300)
    rollback = cancel(token, placed.transaction_id)
    first = play(book, rollback)
    book = next_batch(book)

    assert play(book, rollback) == first
    assert balance(book, token) == 1_000
    assert book.decided == []


def test_rule_3_a_rollback_is_accepted_after_the_session_ended() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300)
    book = next_batch(book)
    end_session(book, token)

    reply = play(book, cancel(token, placed.transaction_id))

    assert result(reply)["rolledBack"] is True
    assert balance(book, token) == 1_000


def test_rule_4_a_bet_refunded_by_another_rollback_id_is_not_refunded_twice() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300)
    first = cancel(token, placed.transaction_id)
    play(book, first)
    book = next_batch(book)

    reply = play(book, cancel(token, placed.transaction_id))

    body = result(reply)
    assert (body["rolledBack"], body["balance"]) == (True, 1_000)
    assert first.transaction_id in body["message"]
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.amount) == (Outcome.ACCEPTED, 0)


def test_rule_4_a_rejected_bet_has_nothing_to_refund() -> None:
    book = Book()
    token = open_session(book, 100)
    refused = bet(token, 500)
    play(book, refused)
    book = next_batch(book)

    reply = play(book, cancel(token, refused.transaction_id))

    body = result(reply)
    assert (body["rolledBack"], body["balance"]) == (False, 100)
    assert "nothing to refund" in body["message"]
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.amount) == (Outcome.ACCEPTED, 0)


def test_rule_5_a_rollback_of_an_unknown_bet_leaves_a_tombstone() -> None:
    book = Book()
    token = open_session(book, 1_000)

    reply = play(book, cancel(token, "bet-never-seen"))

    body = result(reply)
    assert (body["rolledBack"], body["balance"]) == (True, 1_000)
    assert "Tombstone" in body["message"]
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.is_tombstone, row.amount) == (Outcome.ACCEPTED, True, 0)
    assert row.original_transaction_id == "bet-never-seen"


def test_rule_5_a_bet_id_is_unknown_to_another_provider() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = placed_bet(book, token, 300)
    elsewhere = open_another_session(book, token, provider_id=OTHER_PROVIDER)
    book = next_batch(book)

    reply = play(book, cancel(elsewhere, placed.transaction_id))

    assert result(reply)["balance"] == 700
    [row] = book.decided
    assert row.is_tombstone


def test_rule_6_another_players_bet_is_not_found_and_nothing_is_recorded() -> None:
    book = Book()
    theirs = open_session(book, 1_000)
    mine = open_session(book, 1_000)
    their_bet = placed_bet(book, theirs, 300)
    book = next_batch(book)

    with pytest.raises(TransactionNotFoundError):
        play(book, cancel(mine, their_bet.transaction_id))

    assert book.decided == []
    assert (balance(book, theirs), balance(book, mine)) == (700, 1_000)


def test_rule_7_a_bet_after_its_tombstone_is_refused_and_moves_nothing() -> None:
    book = Book()
    token = open_session(book, 1_000)
    play(book, cancel(token, "bet-late"))
    book = next_batch(book)
    late = bet(token, 300, transaction_id="bet-late")

    reply = play(book, late)

    assert refusal(reply) == ErrorCode.TRANSACTION_ROLLED_BACK
    assert balance(book, token) == 1_000
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.type, row.outcome, row.error_code) == (
        TransactionType.DEBIT,
        Outcome.REJECTED,
        ErrorCode.TRANSACTION_ROLLED_BACK,
    )
    assert play(next_batch(book), late) == reply
