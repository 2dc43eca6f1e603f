"""Decisions on a hand-built book: the first request with a transactionId decides for ever
(docs/PROTOCOL.md: Idempotency), later commands of a batch see the earlier ones, and each
decided row is chained to the one before it on its wallet."""

from collections.abc import Callable

import pytest

from casino.wallet.book import Book
from casino.wallet.errors import DuplicateTransactionError
from contracts.errors import ErrorCode
from tests.unit.casino.books import (
    OTHER_PROVIDER,
    WalletRequest,
    balance,
    balance_check,
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


def test_a_retry_gets_the_first_reply_byte_for_byte_even_after_later_moves() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = bet(token, 100, transaction_id="bet-1")
    first = play(book, placed)
    play(book, bet(token, 200))
    book = next_batch(book)

    retry = play(book, placed)

    assert retry.model_dump_json() == first.model_dump_json()
    assert result(retry)["balance"] == 900
    assert balance(book, token) == 700
    assert book.decided == []


def test_a_retried_bet_gets_its_first_reply_after_the_session_ended() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = bet(token, 100)
    first = play(book, placed)
    book = next_batch(book)
    end_session(book, token)

    assert play(book, placed) == first
    assert book.decided == []


SAME_ID = "tx-1"
Variant = Callable[[str, str], WalletRequest]
"""A request reusing SAME_ID, made from the first session's token and another session's
token on the same wallet."""


@pytest.mark.parametrize(
    "reused",
    [
        pytest.param(lambda token, _: bet(token, 200, transaction_id=SAME_ID), id="amount"),
        pytest.param(
            lambda token, _: bet(token, 100, transaction_id=SAME_ID, round_id="round-2"),
            id="round",
        ),
        pytest.param(lambda _, other: bet(other, 100, transaction_id=SAME_ID), id="session"),
        pytest.param(lambda token, _: payout(token, 100, transaction_id=SAME_ID), id="credit"),
        pytest.param(
            lambda token, _: cancel(token, "bet-0", transaction_id=SAME_ID), id="rollback"
        ),
    ],
)
def test_a_reused_transaction_id_with_another_payload_is_refused(reused: Variant) -> None:
    book = Book()
    token = open_session(book, 1_000)
    other = open_another_session(book, token)
    first = play(book, bet(token, 100, transaction_id=SAME_ID))
    book = next_batch(book)

    with pytest.raises(DuplicateTransactionError):
        play(book, reused(token, other))

    assert book.decided == []
    assert balance(book, token) == 900
    assert play(book, bet(token, 100, transaction_id=SAME_ID)) == first


@pytest.mark.parametrize(
    ("original", "retry"),
    [
        pytest.param(
            lambda token: bet(token, 100, transaction_id=SAME_ID, description="spin"),
            lambda token: bet(token, 100, transaction_id=SAME_ID, description="spin again"),
            id="description",
        ),
        pytest.param(
            lambda token: payout(token, 100, transaction_id=SAME_ID, related="bet-1"),
            lambda token: payout(token, 100, transaction_id=SAME_ID, related="bet-2"),
            id="relatedTransactionId",
        ),
        pytest.param(
            lambda token: cancel(token, "bet-1", transaction_id=SAME_ID, reason="timeout"),
            lambda token: cancel(token, "bet-1", transaction_id=SAME_ID),
            id="reason",
        ),
    ],
)
def test_fields_outside_the_identity_do_not_make_a_request_different(
    original: Callable[[str], WalletRequest], retry: Callable[[str], WalletRequest]
) -> None:
    book = Book()
    token = open_session(book, 1_000)
    first = play(book, original(token))
    book = next_batch(book)

    assert play(book, retry(token)) == first
    assert book.decided == []


def test_a_transaction_id_is_scoped_by_provider() -> None:
    book = Book()
    token = open_session(book, 1_000)
    elsewhere = open_another_session(book, token, provider_id=OTHER_PROVIDER)

    play(book, bet(token, 100, transaction_id=SAME_ID))
    reply = play(book, bet(elsewhere, 200, transaction_id=SAME_ID))

    assert result(reply)["balance"] == 700
    assert moved(book, token) == -300
    assert len(book.decided) == 2


def test_a_later_command_sees_a_bet_decided_earlier_in_the_same_book() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = bet(token, 300)

    play(book, placed)
    reply = play(book, cancel(token, placed.transaction_id))

    assert result(reply)["balance"] == 1_000
    assert moved(book, token) == 0
    assert [row.amount for row in book.decided] == [300, 300]


def test_a_retry_decided_three_commands_earlier_is_answered_from_that_decision() -> None:
    book = Book()
    token = open_session(book, 1_000)
    placed = bet(token, 100)

    first = play(book, placed)
    play(book, bet(token, 200))
    play(book, payout(token, 50))
    play(book, balance_check(token))
    retry = play(book, placed)

    assert retry == first
    assert result(retry)["balance"] == 900
    assert balance(book, token) == 750
    assert len(book.decided) == 3


def test_a_bet_after_its_tombstone_in_the_same_book_is_refused() -> None:
    book = Book()
    token = open_session(book, 1_000)
    play(book, cancel(token, "bet-late"))

    reply = play(book, bet(token, 300, transaction_id="bet-late"))

    assert refusal(reply) == ErrorCode.TRANSACTION_ROLLED_BACK
    assert balance(book, token) == 1_000


def round_of(token: str) -> list[WalletRequest]:
    """Bets of 1000 and 500, a win of 2500, the second bet rolled back, retries, a bet
    too large, a tombstone and the bet it stops: a round that uses every rule."""
    return [
        bet(token, 1_000, transaction_id="bet-0"),
        bet(token, 500, transaction_id="bet-1", round_id="round-2"),
        bet(token, 1_000, transaction_id="bet-0"),
        cancel(token, "bet-1", transaction_id="rb-1"),
        payout(token, 2_500, transaction_id="win-0", related="bet-0"),
        cancel(token, "bet-0", transaction_id="rb-0"),
        bet(token, 99_999, transaction_id="bet-2"),
        cancel(token, "bet-3", transaction_id="rb-3"),
        bet(token, 10, transaction_id="bet-3"),
        balance_check(token),
    ]


def test_a_batch_decides_as_if_each_command_were_alone() -> None:
    together = Book()
    token = open_session(together, 10_000)
    alone = next_batch(together)

    in_one_book = [play(together, request) for request in round_of(token)]
    one_by_one = []
    for request in round_of(token):
        one_by_one.append(play(alone, request))
        alone = next_batch(alone)

    assert in_one_book == one_by_one
    assert [reply.error.code for reply in in_one_book if reply.error] == [
        ErrorCode.ROLLBACK_NOT_ALLOWED,
        ErrorCode.INSUFFICIENT_FUNDS,
        ErrorCode.TRANSACTION_ROLLED_BACK,
    ]
    assert balance(together, token) == balance(alone, token) == 11_500


def test_each_decided_row_is_chained_to_the_one_before_it_on_its_wallet() -> None:
    book = Book()
    mine = open_session(book, 1_000)
    theirs = open_session(book, 2_000)
    play(book, bet(mine, 100))
    book = next_batch(book)
    [newest] = book.entries.values()

    batch: list[WalletRequest] = [
        bet(mine, 200),
        payout(theirs, 50),
        bet(mine, 5_000),
        payout(mine, 10),
    ]
    for request in batch:
        play(book, request)

    my_rows = [row for row in book.decided if row.session_id == newest.session_id]
    assert [row.previous_id for row in my_rows] == [newest.id] + [row.id for row in my_rows[:-1]]
    assert [row.balance_before for row in my_rows] == [900] + [
        row.balance_after for row in my_rows[:-1]
    ]
    [their_row] = [row for row in book.decided if row.session_id != newest.session_id]
    assert (their_row.previous_id, their_row.balance_before) == (None, 2_000)
    assert (moved(book, mine), moved(book, theirs)) == (-190, 50)
    assert (balance(book, mine), balance(book, theirs)) == (710, 2_050)
