"""A provider acts only on sessions of its own games (docs/PROTOCOL.md, "Many
providers"): the rule on a hand-built book, whatever the command."""

import dataclasses
import uuid

import pytest

from casino.wallet.book import Book
from casino.wallet.errors import InvalidSessionError, ProviderDisabledError
from casino.wallet.rules import decide
from contracts.rpc import RpcReply
from tests.unit.casino.books import (
    WalletRequest,
    balance,
    balance_check,
    bet,
    cancel,
    command_for,
    new_id,
    open_session,
    payout,
    result,
)


def _as(book: Book, provider_code: str | None, request: WalletRequest) -> RpcReply:
    """`request` decided as the command the gateway sends for `provider_code`."""
    command = command_for(request).model_copy(update={"provider": provider_code})
    return decide(book, command)


def _code_of(book: Book, token: str) -> str:
    return book.session_wallets[token].provider_code


@pytest.mark.parametrize("kind", ["getBalance", "debit", "credit", "rollback"])
def test_another_providers_session_is_refused_as_an_unknown_one(kind: str) -> None:
    book = Book()
    ours = open_session(book, 1_000, provider_id=uuid.uuid4())
    theirs = open_session(book, 1_000, provider_id=uuid.uuid4())
    requests: dict[str, WalletRequest] = {
        "getBalance": balance_check(theirs),
        "debit": bet(theirs, 10),
        "credit": payout(theirs, 10),
        "rollback": cancel(theirs, new_id("bet")),
    }

    with pytest.raises(InvalidSessionError) as refused:
        _as(book, _code_of(book, ours), requests[kind])
    with pytest.raises(InvalidSessionError) as unknown:
        _as(book, _code_of(book, ours), balance_check("no-such-token"))

    assert refused.value.body() == unknown.value.body()
    assert (book.decided, balance(book, theirs)) == ([], 1_000)


def test_a_provider_moves_money_on_its_own_sessions() -> None:
    book = Book()
    ours = open_session(book, 1_000, provider_id=uuid.uuid4())

    reply = _as(book, _code_of(book, ours), bet(ours, 10))

    assert result(reply)["balance"] == 990


def test_a_disabled_provider_moves_nothing() -> None:
    book = Book()
    ours = open_session(book, 1_000, provider_id=uuid.uuid4())
    session = book.session_wallets[ours]
    book.session_wallets[ours] = dataclasses.replace(session, provider_enabled=False)

    with pytest.raises(ProviderDisabledError):
        _as(book, session.provider_code, payout(ours, 10))

    assert (book.decided, balance(book, ours)) == ([], 1_000)


def test_a_command_from_inside_the_casino_names_no_provider() -> None:
    book = Book()
    theirs = open_session(book, 1_000, provider_id=uuid.uuid4())

    reply = _as(book, None, bet(theirs, 10))

    assert result(reply)["balance"] == 990
