"""The balance ceiling (docs/PROTOCOL.md, Money): no balance above `MAX_BALANCE`, on a
hand-built book. A payout or refund past it is a recorded rejection that moves nothing,
and no decision, however many come in a row, leaves a balance above it."""

import pytest

from casino.vocabulary import Outcome, TransactionType
from casino.wallet.book import Book, RequestIdentity
from contracts.errors import CATALOGUE, ErrorCode
from contracts.money import MAX_AMOUNT, MAX_BALANCE
from contracts.rpc import RpcReply
from tests.unit.casino.books import (
    balance,
    bet,
    cancel,
    moved,
    next_batch,
    open_session,
    payout,
    play,
    refusal,
    result,
)


def test_a_payout_up_to_the_ceiling_is_accepted() -> None:
    book = Book()
    token = open_session(book, MAX_BALANCE - 500)

    reply = play(book, payout(token, 500))

    assert result(reply)["balance"] == MAX_BALANCE
    assert balance(book, token) == MAX_BALANCE


def test_a_payout_of_zero_at_the_ceiling_closes_its_round() -> None:
    book = Book()
    token = open_session(book, MAX_BALANCE)

    reply = play(book, payout(token, 0))

    assert result(reply)["balance"] == MAX_BALANCE


def test_a_payout_past_the_ceiling_is_a_recorded_rejection_that_moves_nothing() -> None:
    book = Book()
    token = open_session(book, MAX_BALANCE - 499)

    reply = play(book, payout(token, 500))

    assert refusal(reply) == ErrorCode.BALANCE_LIMIT_EXCEEDED
    assert reply.error is not None
    assert reply.error.retryable is False
    assert CATALOGUE[ErrorCode.BALANCE_LIMIT_EXCEEDED].status == 409
    assert balance(book, token) == MAX_BALANCE - 499
    assert moved(book, token) == 0
    [row] = book.decided
    assert (row.outcome, row.error_code, row.amount) == (
        Outcome.REJECTED,
        ErrorCode.BALANCE_LIMIT_EXCEEDED,
        500,
    )
    assert row.balance_before == row.balance_after == MAX_BALANCE - 499


def test_a_retry_of_a_refused_payout_is_refused_again_once_it_would_fit() -> None:
    book = Book()
    token = open_session(book, MAX_BALANCE)
    win = payout(token, 1_000, round_id="rich")
    first = play(book, win)
    play(book, bet(token, 5_000, round_id="later"))
    book = next_batch(book)

    retry = play(book, win)

    assert retry == first
    assert refusal(retry) == ErrorCode.BALANCE_LIMIT_EXCEEDED
    assert balance(book, token) == MAX_BALANCE - 5_000
    assert book.decided == []


def test_a_refused_payout_does_not_settle_its_round() -> None:
    """Rule 2 goes by accepted payouts: the round's bet can still be rolled back."""
    book = Book()
    token = open_session(book, MAX_BALANCE)
    placed = bet(token, 1_000, round_id="r")
    play(book, placed)
    refusal(play(book, payout(token, 2_000, round_id="r")))
    book = next_batch(book)

    reply = play(book, cancel(token, placed.transaction_id))

    assert result(reply)["rolledBack"] is True
    assert balance(book, token) == MAX_BALANCE


def test_a_refund_past_the_ceiling_is_refused_and_the_bet_stays_refundable() -> None:
    book = Book()
    token = open_session(book, MAX_BALANCE)
    placed = bet(token, 1_000, round_id="cancelled")
    play(book, placed)
    play(book, payout(token, 600, round_id="other"))
    book = next_batch(book)
    refund = cancel(token, placed.transaction_id)

    reply = play(book, refund)

    assert refusal(reply) == ErrorCode.BALANCE_LIMIT_EXCEEDED
    assert balance(book, token) == MAX_BALANCE - 400
    [row] = book.decided
    assert (row.outcome, row.amount, row.original_transaction_id) == (
        Outcome.REJECTED,
        0,
        placed.transaction_id,
    )
    # Its retry gets the same refusal; once the balance has room, another rollback of the
    # same bet returns it.
    book = next_batch(book)
    assert play(book, refund) == reply
    play(book, bet(token, 700, round_id="spent"))
    later = play(book, cancel(token, placed.transaction_id))
    assert result(later)["rolledBack"] is True
    assert balance(book, token) == MAX_BALANCE - 400 - 700 + 1_000


def test_many_refunds_in_a_row_never_decide_a_balance_above_the_ceiling() -> None:
    """Bets whose rounds were never paid can add up to more than any room the ceiling
    leaves; each refund is checked against the balance it would make."""
    book = Book()
    token = open_session(book, MAX_BALANCE)
    bets = [bet(token, MAX_AMOUNT, round_id=f"unpaid-{n}") for n in range(5)]
    for placed in bets:
        result(play(book, placed))
        result(play(book, payout(token, MAX_AMOUNT, round_id=f"paid-{placed.transaction_id}")))
    book = next_batch(book)

    replies = [play(book, cancel(token, placed.transaction_id)) for placed in bets]

    assert {refusal(reply) for reply in replies} == {ErrorCode.BALANCE_LIMIT_EXCEEDED}
    assert balance(book, token) == MAX_BALANCE
    assert max(row.balance_after for row in book.decided) == MAX_BALANCE


def test_a_batch_mixing_refunds_and_bets_stays_within_the_ceiling() -> None:
    """In one book, a bet makes room and the refund after it fits; the next does not."""
    book = Book()
    token = open_session(book, MAX_BALANCE)
    first, second = bet(token, 300, round_id="a"), bet(token, 300, round_id="b")
    play(book, first)
    play(book, second)
    play(book, payout(token, 600, round_id="c"))
    book = next_batch(book)

    made_room = play(book, bet(token, 300, round_id="d"))
    fits = play(book, cancel(token, first.transaction_id))
    refused = play(book, cancel(token, second.transaction_id))

    assert result(made_room)["balance"] == MAX_BALANCE - 300
    assert result(fits)["balance"] == MAX_BALANCE
    assert refusal(refused) == ErrorCode.BALANCE_LIMIT_EXCEEDED
    assert all(row.balance_after <= MAX_BALANCE for row in book.decided)


def test_the_book_itself_refuses_to_record_a_balance_above_the_ceiling() -> None:
    """The last guard before the database's CHECK: even a rule that forgot the ceiling
    could not write past it."""
    book = Book()
    token = open_session(book, MAX_BALANCE)
    session = book.session_wallets[token]
    request = payout(token, 1)
    key = RequestIdentity(TransactionType.CREDIT, request.transaction_id, 1, request.round_id)

    with pytest.raises(AssertionError, match="ceiling"):
        book.record(session, key, RpcReply(result={"success": True}), move=1)

    assert book.decided == []
    assert balance(book, token) == MAX_BALANCE
