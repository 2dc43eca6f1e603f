"""Hand-built books for the wallet rules' unit tests: session wallets as `open_book` would
have locked them, the requests a provider sends, and what the rules answered.

Every request goes through `casino.wallet.rules.decide` as the command that carries it,
the way the worker decides a batch, so no database or broker is needed.
"""

import dataclasses
import datetime as dt
import uuid
from typing import Any

from casino.wallet.book import Book, SessionWallet
from casino.wallet.free_rounds import Campaign
from casino.wallet.protection import Limits
from casino.wallet.rules import decide
from contracts.errors import ErrorCode
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    EndRoundCommand,
    GetBalanceCommand,
    RollbackCommand,
    RpcReply,
)
from contracts.wallet import (
    CreditKind,
    CreditRequest,
    DebitRequest,
    EndRoundRequest,
    GetBalanceRequest,
    RollbackRequest,
)

WalletRequest = GetBalanceRequest | DebitRequest | CreditRequest | RollbackRequest | EndRoundRequest

PROVIDER = uuid.UUID("00000000-0000-4000-8000-00000000000a")
OTHER_PROVIDER = uuid.UUID("00000000-0000-4000-8000-00000000000b")


def open_session(
    book: Book,
    balance: int = 1_000,
    *,
    active: bool = True,
    currency: str = "USD",
    provider_id: uuid.UUID = PROVIDER,
) -> str:
    """A session on a new wallet holding `balance`, with no ledger rows yet; its token."""
    wallet_id = uuid.uuid4()
    book.balances[wallet_id] = balance
    book.newest[wallet_id] = None
    return _add_session(book, wallet_id, active, currency, provider_id)


def open_another_session(book: Book, token: str, *, provider_id: uuid.UUID | None = None) -> str:
    """Another active session on the wallet of `token` (the player launched a game again,
    possibly of another provider); its token."""
    session = book.session_wallets[token]
    return _add_session(
        book, session.wallet_id, True, session.currency, provider_id or session.provider_id
    )


def end_session(book: Book, token: str) -> None:
    book.session_wallets[token] = dataclasses.replace(book.session_wallets[token], active=False)


def next_batch(book: Book) -> Book:
    """The book the next batch reads: the same sessions, balances and newest rows, every
    row decided so far known as read from the ledger, and nothing decided yet."""
    later = Book(
        session_wallets=dict(book.session_wallets),
        balances=dict(book.balances),
        newest=dict(book.newest),
        now=book.now,
        periods=book.periods,
        losses=dict(book.losses),
        rounds=dict(book.rounds),
        campaigns=dict(book.campaigns),
    )
    for entry in book.entries.values():
        later.know(entry)
    return later


def new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def balance_check(token: str) -> GetBalanceRequest:
    return GetBalanceRequest(session_token=token)


def bet(
    token: str,
    amount: int,
    *,
    transaction_id: str | None = None,
    round_id: str = "round-1",
    description: str | None = None,
    closes: bool = False,
    jackpot_contribution: int | None = None,
    campaign: str | None = None,
) -> DebitRequest:
    return DebitRequest(
        session_token=token,
        transaction_id=transaction_id or new_id("bet"),
        round_id=round_id,
        amount=amount,
        description=description,
        round_closed=closes,
        jackpot_contribution=jackpot_contribution,
        free_rounds_campaign_id=campaign,
    )


def payout(
    token: str,
    amount: int,
    *,
    transaction_id: str | None = None,
    round_id: str = "round-1",
    related: str | None = None,
    description: str | None = None,
    closes: bool = False,
    kind: CreditKind = CreditKind.WIN,
    campaign: str | None = None,
) -> CreditRequest:
    return CreditRequest(
        session_token=token,
        transaction_id=transaction_id or new_id("win"),
        round_id=round_id,
        amount=amount,
        related_transaction_id=related,
        description=description,
        round_closed=closes,
        kind=kind,
        free_rounds_campaign_id=campaign,
    )


def end_of_round(
    token: str, round_id: str = "round-1", *, transaction_id: str | None = None
) -> EndRoundRequest:
    return EndRoundRequest(
        session_token=token, transaction_id=transaction_id or new_id("end"), round_id=round_id
    )


def cancel(
    token: str, bet_id: str, *, transaction_id: str | None = None, reason: str | None = None
) -> RollbackRequest:
    return RollbackRequest(
        session_token=token,
        transaction_id=transaction_id or new_id("rb"),
        original_transaction_id=bet_id,
        reason=reason,
    )


def play(book: Book, request: WalletRequest) -> RpcReply:
    """Decide `request` against `book` as the worker does: as the command carrying it."""
    reply: RpcReply = decide(book, command_for(request))
    return reply


def command_for(request: WalletRequest) -> AnyWalletCommand:
    match request:
        case GetBalanceRequest():
            return GetBalanceCommand(request=request)
        case DebitRequest():
            return DebitCommand(request=request)
        case CreditRequest():
            return CreditCommand(request=request)
        case RollbackRequest():
            return RollbackCommand(request=request)
        case EndRoundRequest():
            return EndRoundCommand(request=request)


def result(reply: RpcReply) -> dict[str, Any]:
    """The success body of `reply`; fails the test if it is an error."""
    assert reply.error is None, reply.error
    assert reply.result is not None
    return reply.result


def refusal(reply: RpcReply) -> ErrorCode:
    """The error code of a recorded rejection; fails the test if `reply` is a success."""
    assert reply.error is not None, reply.result
    return reply.error.code


def balance(book: Book, token: str) -> int:
    held: int = book.balances[book.session_wallets[token].wallet_id]
    return held


def moved(book: Book, token: str) -> int:
    """The net change the book would write to the wallet of `token`."""
    net: int = book.moves.get(book.session_wallets[token].wallet_id, 0)
    return net


def set_limits(book: Book, token: str, **limits: int) -> None:
    """The player of `token` now has `limits` in force (as open_book would read them)."""
    session = book.session_wallets[token]
    book.session_wallets[token] = dataclasses.replace(session, limits=Limits(**limits))


def exclude(book: Book, token: str) -> None:
    session = book.session_wallets[token]
    book.session_wallets[token] = dataclasses.replace(session, excluded=True)


def session_age(book: Book, token: str, age: dt.timedelta) -> None:
    """The session of `token` began `age` before the book's now."""
    session = book.session_wallets[token]
    book.session_wallets[token] = dataclasses.replace(session, started_at=book.now - age)


def grant(
    book: Book,
    token: str,
    rounds: int,
    bet_amount: int,
    *,
    expires_in: dt.timedelta = dt.timedelta(days=1),
    cancelled: bool = False,
) -> str:
    """A campaign of free rounds for the player and game of `token`; its id as sent."""
    session = book.session_wallets[token]
    assert session.game_id is not None
    campaign = Campaign(
        uuid.uuid4(),
        session.wallet_id,
        session.game_id,
        rounds,
        0,
        bet_amount,
        book.now + expires_in,
        book.now if cancelled else None,
    )
    book.campaigns[campaign.id] = campaign
    return str(campaign.id)


def _add_session(
    book: Book, wallet_id: uuid.UUID, active: bool, currency: str, provider_id: uuid.UUID
) -> str:
    token = new_id("token")
    book.session_wallets[token] = SessionWallet(
        uuid.uuid4(),
        wallet_id,
        provider_id,
        active,
        currency,
        provider_code=f"provider-{provider_id.hex[:8]}",
        provider_enabled=True,
        game_id=uuid.uuid5(provider_id, "game"),
        started_at=book.now,
    )
    return token
