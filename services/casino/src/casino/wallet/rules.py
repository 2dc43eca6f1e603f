"""The wallet rules: getBalance, debit (bet), credit (payout) and rollback, as
docs/PROTOCOL.md says, each decided on its own against the batch's `Book` (no I/O here).

The idempotency key is checked first: the first request with a transactionId decides for
ever, a retry gets the stored reply, the same key with another payload is 409.

Decisions (acceptances and the business rejections the protocol lists) are recorded in the book
and come back as reply values; refusals that are not decisions (unknown session, reused
key, another player's transaction) raise a `WalletError` and record nothing.

No balance passes `MAX_BALANCE`: a payout or a refund that would take it there is a
recorded rejection (BALANCE_LIMIT_EXCEEDED). A refused refund leaves its bet refundable:
a later rollback, under another transactionId, returns it once the balance has room.

Rounds close (`roundClosed`, `endRound`) and expire: nothing is bet into a closed or
expired round and nothing paid into a closed one (ROUND_CLOSED), but a rollback follows
its rules whatever the round. A payout naming a cancelled bet is TRANSACTION_ROLLED_BACK.
A bet naming a free-round campaign is a free bet (`casino.wallet.free_rounds`); any other
bet is judged by the player's exclusion and limits (`casino.wallet.protection`). Payouts
and refunds are never refused for a limit or an exclusion.
"""

from casino.vocabulary import Outcome, RoundStatus, TransactionType
from casino.wallet import free_rounds, protection
from casino.wallet.book import Book, Entry, RequestIdentity, SessionWallet
from casino.wallet.errors import (
    BalanceLimitExceededError,
    CannotRollbackPayoutError,
    DuplicateTransactionError,
    InsufficientFundsError,
    InvalidSessionError,
    PlayerExcludedError,
    ProviderDisabledError,
    RollbackNotAllowedError,
    RoundClosedError,
    TransactionNotFoundError,
    TransactionRolledBackError,
    WalletError,
)
from contracts.money import MAX_BALANCE
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
    BalanceReply,
    CreditRequest,
    DebitRequest,
    EndRoundReply,
    EndRoundRequest,
    GetBalanceRequest,
    RollbackReply,
    RollbackRequest,
    TransactionReply,
)


def decide(book: Book, command: AnyWalletCommand) -> RpcReply:
    """The reply to `command`, recorded in `book` if it is a decision; raises the refusals."""
    if command.provider is not None:
        _check_caller(book, command.provider, command.request.session_token)
    match command:
        case GetBalanceCommand(request=request):
            return get_balance(book, request)
        case DebitCommand(request=request):
            return debit(book, request)
        case CreditCommand(request=request):
            return credit(book, request)
        case RollbackCommand(request=request):
            return rollback(book, request)
        case EndRoundCommand(request=request):
            return end_round(book, request)


def get_balance(book: Book, request: GetBalanceRequest) -> RpcReply:
    """Any known session may read its balance, ended or not: a provider settling a round
    after the player left still needs it."""
    session = session_wallet_of(book, request.session_token)
    reply = BalanceReply(balance=book.balance(session), currency=session.currency)
    return RpcReply(result=reply.to_wire())


def debit(book: Book, request: DebitRequest) -> RpcReply:
    """A bet: needs an active session, no tombstone, a round still open, and then either
    a campaign round left (a free bet) or a player within limits and a balance that
    covers it."""
    session = session_wallet_of(book, request.session_token)
    key = RequestIdentity(
        TransactionType.DEBIT,
        request.transaction_id,
        request.amount,
        request.round_id,
        jackpot_contribution=request.jackpot_contribution,
        campaign=request.free_rounds_campaign_id,
        closes_round=request.round_closed,
    )
    if (decided := book.find(session.provider_id, key.transaction_id)) is not None:
        return replay(decided, key, session)
    if not session.active:
        raise InvalidSessionError("The session has ended; bets need an active session")
    if session.excluded:
        return _reject(book, session, key, PlayerExcludedError())
    if book.has_tombstone(session, request.transaction_id):
        refused = TransactionRolledBackError(
            f"Bet {request.transaction_id!r} was already cancelled by a rollback"
        )
        return _reject(book, session, key, refused)
    if (status := book.round_status(session, request.round_id)) in _NO_MORE_BETS:
        return _reject(book, session, key, _round_closed(request.round_id, status))
    if request.free_rounds_campaign_id is not None:
        return _free_bet(book, session, key, request.free_rounds_campaign_id)
    if session.started_at is not None and (
        beyond_limits := protection.bet_refusal(
            session.limits, book.losses_of(session), request.amount, session.started_at, book.now
        )
    ):
        return _reject(book, session, key, beyond_limits)
    if book.balance(session) < request.amount:
        return _reject(book, session, key, InsufficientFundsError())
    balance = book.balance(session) - request.amount
    reply = _transaction_reply(request.transaction_id, balance, session)
    book.play_in_round(session, request.round_id, closes=request.round_closed)
    return book.record(session, key, reply, move=-request.amount)


def _free_bet(book: Book, session: SessionWallet, key: RequestIdentity, sent: str) -> RpcReply:
    """A bet of a free-round campaign: costs nothing, counts one of its rounds."""
    campaign_id = free_rounds.campaign_id_of(sent)
    campaign = book.campaign(campaign_id) if campaign_id is not None else None
    if campaign is None or (campaign.wallet_id, campaign.game_id) != (
        session.wallet_id,
        session.game_id,
    ):
        raise free_rounds.not_found(sent)
    amount = key.amount or 0
    if amount != campaign.bet_amount:
        raise free_rounds.wrong_amount(campaign, amount)
    if (refused := campaign.refusal(book.now)) is not None:
        return _reject(book, session, key, refused)
    reply = _transaction_reply(key.transaction_id, book.balance(session), session)
    book.play_in_round(session, key.round_id or "", closes=key.closes_round)
    book.count_free_round(campaign.id, +1)
    return book.record(session, key, reply, campaign_id=campaign.id)


def credit(book: Book, request: CreditRequest) -> RpcReply:
    """A payout (0 closes a losing round); accepted on an ended session too, and whatever
    the player's limits. Not into a closed round, nor for a cancelled bet."""
    session = session_wallet_of(book, request.session_token)
    key = RequestIdentity(
        TransactionType.CREDIT,
        request.transaction_id,
        request.amount,
        request.round_id,
        kind=request.kind.value,
        campaign=request.free_rounds_campaign_id,
        closes_round=request.round_closed,
    )
    if (decided := book.find(session.provider_id, key.transaction_id)) is not None:
        return replay(decided, key, session)
    related_id = request.related_transaction_id
    if related_id is not None:
        related = book.find(session.provider_id, related_id)
        if related is not None and related.wallet_id != session.wallet_id:
            raise _not_this_players(related_id)
        if book.has_tombstone(session, related_id) or (
            related is not None and book.refund_of(related) is not None
        ):
            refused = TransactionRolledBackError(
                f"Bet {related_id!r} was rolled back; a cancelled bet cannot win"
            )
            return _reject(book, session, key, refused, related_transaction_id=related_id)
    if (status := book.round_status(session, request.round_id)) == RoundStatus.CLOSED:
        refused_round = _round_closed(request.round_id, status)
        return _reject(book, session, key, refused_round, related_transaction_id=related_id)
    campaign_id = None
    if request.free_rounds_campaign_id is not None:
        campaign_id = free_rounds.campaign_id_of(request.free_rounds_campaign_id)
        campaign = book.campaign(campaign_id) if campaign_id is not None else None
        if campaign is None or campaign.wallet_id != session.wallet_id:
            raise free_rounds.not_found(request.free_rounds_campaign_id)
    balance = book.balance(session) + request.amount
    if balance > MAX_BALANCE:
        return _reject(book, session, key, BalanceLimitExceededError())
    reply = _transaction_reply(request.transaction_id, balance, session)
    book.play_in_round(session, request.round_id, closes=request.round_closed)
    return book.record(
        session,
        key,
        reply,
        move=request.amount,
        related_transaction_id=related_id,
        campaign_id=campaign_id,
    )


def end_round(book: Book, request: EndRoundRequest) -> RpcReply:
    """Close a round, known or not (nothing is bet or paid into it afterwards); accepted
    on an ended session too, and again for a round already closed."""
    session = session_wallet_of(book, request.session_token)
    key = RequestIdentity(
        TransactionType.END_ROUND, request.transaction_id, 0, request.round_id, closes_round=True
    )
    if (decided := book.find(session.provider_id, key.transaction_id)) is not None:
        return replay(decided, key, session)
    body = EndRoundReply(
        transaction_id=request.transaction_id,
        round_id=request.round_id,
        balance=book.balance(session),
        currency=session.currency,
    )
    book.end_round(session, request.round_id)
    return book.record(session, key, RpcReply(result=body.to_wire()))


def rollback(book: Book, request: RollbackRequest) -> RpcReply:
    """Cancel a bet (rollback rules 1-7 of docs/PROTOCOL.md); accepted on an ended session too."""
    session = session_wallet_of(book, request.session_token)
    bet_id = request.original_transaction_id
    key = RequestIdentity(
        TransactionType.ROLLBACK, request.transaction_id, original_transaction_id=bet_id
    )
    if (decided := book.find(session.provider_id, key.transaction_id)) is not None:
        return replay(decided, key, session)
    balance = book.balance(session)
    bet = book.find(session.provider_id, bet_id)
    if bet is None:
        message = f"Tombstone: bet {bet_id!r} is unknown; it can no longer be placed"
        reply = _rollback_reply(request, True, balance, session, message)
        return book.record(session, key, reply, amount=0, is_tombstone=True)
    if bet.wallet_id != session.wallet_id:
        raise _not_this_players(bet_id)
    if bet.type != TransactionType.DEBIT:
        return _reject(book, session, key, CannotRollbackPayoutError(), bet)
    if bet.outcome == Outcome.REJECTED:
        message = f"Bet {bet_id!r} was rejected; there is nothing to refund"
        reply = _rollback_reply(request, False, balance, session, message)
        return book.record(session, key, reply, amount=0, bet=bet, round_id=bet.round_id)
    if (refund := book.refund_of(bet)) is not None:
        message = f"Bet {bet_id!r} was already rolled back by {refund!r}"
        reply = _rollback_reply(request, True, balance, session, message)
        return book.record(session, key, reply, amount=0, bet=bet, round_id=bet.round_id)
    if book.round_has_payout(bet):
        return _reject(book, session, key, RollbackNotAllowedError(), bet)
    if bet.campaign_id is not None:
        # A free bet cost nothing: its refund returns nothing, but gives its round back.
        reply = _rollback_reply(request, True, balance, session)
        book.count_free_round(bet.campaign_id, -1)
        return book.record(
            session,
            key,
            reply,
            amount=bet.amount,
            bet=bet,
            round_id=bet.round_id,
            campaign_id=bet.campaign_id,
        )
    if balance + bet.amount > MAX_BALANCE:
        return _reject(book, session, key, BalanceLimitExceededError(), bet)
    reply = _rollback_reply(request, True, balance + bet.amount, session)
    return book.record(
        session, key, reply, move=bet.amount, amount=bet.amount, bet=bet, round_id=bet.round_id
    )


def _check_caller(book: Book, provider_code: str, token: str) -> None:
    """A provider acts only on sessions of its own games: another provider's session is
    answered exactly like an unknown one, so a provider learns nothing of the others'. And a
    provider disabled since the gateway last read the registry moves nothing. (A command
    without a provider comes from inside the casino: its tools and tests.)"""
    session = session_wallet_of(book, token)
    if session.provider_code != provider_code:
        raise InvalidSessionError("The session token is unknown")
    if not session.provider_enabled:
        raise ProviderDisabledError()


def session_wallet_of(book: Book, token: str) -> SessionWallet:
    session = book.session_wallets.get(token)
    if session is None:
        raise InvalidSessionError("The session token is unknown")
    return session


def replay(decided: Entry, request: RequestIdentity, session: SessionWallet) -> RpcReply:
    """The first reply again for a true retry; 409 for a reused key (nothing recorded)."""
    if decided.fingerprint != request.fingerprint(session):
        raise DuplicateTransactionError(
            f"transactionId {request.transaction_id!r} was already used with another payload"
        )
    return RpcReply.model_validate(decided.reply)


def _reject(
    book: Book,
    session: SessionWallet,
    key: RequestIdentity,
    error: WalletError,
    bet: Entry | None = None,
    related_transaction_id: str | None = None,
) -> RpcReply:
    """Record a business rejection: it is a decision, and a retry gets it again. A refused
    rollback moves nothing, so its row's amount is 0."""
    return book.record(
        session,
        key,
        RpcReply(error=error.body()),
        amount=0 if key.type == TransactionType.ROLLBACK else None,
        bet=bet,
        round_id=bet.round_id if bet else None,
        related_transaction_id=related_transaction_id,
    )


# A bet goes only into an open round (or a new one); a payout into any but a closed one.
_NO_MORE_BETS = (RoundStatus.CLOSED, RoundStatus.EXPIRED)


def _round_closed(round_id: str, status: RoundStatus | None) -> RoundClosedError:
    return RoundClosedError(f"Round {round_id!r} is {status}; nothing more goes into it")


def _not_this_players(transaction_id: str) -> TransactionNotFoundError:
    return TransactionNotFoundError(
        f"Transaction {transaction_id!r} does not belong to this session's player"
    )


def _transaction_reply(transaction_id: str, balance: int, session: SessionWallet) -> RpcReply:
    body = TransactionReply(
        transaction_id=transaction_id, balance=balance, currency=session.currency
    )
    return RpcReply(result=body.to_wire())


def _rollback_reply(
    request: RollbackRequest,
    rolled_back: bool,
    balance: int,
    session: SessionWallet,
    message: str | None = None,
) -> RpcReply:
    body = RollbackReply(
        transaction_id=request.transaction_id,
        rolled_back=rolled_back,
        balance=balance,
        currency=session.currency,
        message=message,
    )
    return RpcReply(result=body.to_wire())
