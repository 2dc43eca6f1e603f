"""The wallet rules: getBalance, debit (bet), credit (payout) and rollback, as SPEC says.

Each command is one database transaction that locks the session's wallet row first, so
commands on one wallet run one after another while other wallets go on in parallel. Under
that lock the idempotency key is checked: the first request with a transactionId decides
for ever, a retry gets the stored reply, the same key with another payload is 409.

Decisions (acceptances and the business rejections SPEC lists) are recorded and come back
as reply values; refusals that are not decisions (unknown session, reused key, another
player's transaction) raise a `WalletError` and record nothing. If an insert loses a race
to the idempotency key or the one-refund-per-bet index (the same key through another
wallet), the command runs once more and is answered from the winner's row.
"""

from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casino import ledger
from casino.database import SessionFactory
from casino.errors import (
    CannotRollbackPayoutError,
    InsufficientFundsError,
    InvalidSessionError,
    RollbackNotAllowedError,
    TransactionNotFoundError,
    TransactionRolledBackError,
    WalletError,
)
from casino.kinds import Outcome, TransactionType
from casino.ledger import Request, Seat
from casino.models import Transaction
from contracts.rpc import RpcReply
from contracts.wallet import (
    BalanceReply,
    CreditRequest,
    DebitRequest,
    GetBalanceRequest,
    RollbackReply,
    RollbackRequest,
    TransactionReply,
)

Decide = Callable[[AsyncSession, Seat], Awaitable[RpcReply]]


async def get_balance(sessions: SessionFactory, request: GetBalanceRequest) -> RpcReply:
    """Any known session may read its balance, ended or not: a provider settling a round
    after the player left still needs it."""
    async with sessions() as db:
        seat = await ledger.seat_of(db, request.session_token, lock=False)
    return RpcReply(result=BalanceReply(balance=seat.balance, currency=seat.currency).to_wire())


async def debit(sessions: SessionFactory, request: DebitRequest) -> RpcReply:
    """A bet: needs an active session, a balance that covers it, and no tombstone."""
    key = Request(TransactionType.DEBIT, request.transaction_id, request.amount, request.round_id)

    async def decide(db: AsyncSession, seat: Seat) -> RpcReply:
        if not seat.active:
            raise InvalidSessionError("The session has ended; bets need an active session")
        await ledger.lock_bet_id(db, seat.provider_id, request.transaction_id)
        if await ledger.has_tombstone(db, seat.provider_id, request.transaction_id):
            refused = TransactionRolledBackError(
                f"Bet {request.transaction_id!r} was already cancelled by a rollback"
            )
            return await _reject(db, seat, key, refused)
        balance = await ledger.take(db, seat, request.amount)
        if balance is None:
            return await _reject(db, seat, key, InsufficientFundsError())
        reply = _transaction_reply(request.transaction_id, balance, seat)
        return await ledger.record(db, seat, key, reply, balance_after=balance)

    return await _decided_once(sessions, request.session_token, key, decide)


async def credit(sessions: SessionFactory, request: CreditRequest) -> RpcReply:
    """A payout (0 closes a losing round); accepted on an ended session too."""
    key = Request(TransactionType.CREDIT, request.transaction_id, request.amount, request.round_id)
    related_id = request.related_transaction_id

    async def decide(db: AsyncSession, seat: Seat) -> RpcReply:
        if related_id is not None:
            related = await ledger.find(db, seat.provider_id, related_id)
            if related is not None and related.wallet_id != seat.wallet_id:
                raise _not_this_players(related_id)
        balance = await ledger.give(db, seat, request.amount)
        reply = _transaction_reply(request.transaction_id, balance, seat)
        return await ledger.record(
            db, seat, key, reply, balance_after=balance, related_transaction_id=related_id
        )

    return await _decided_once(sessions, request.session_token, key, decide)


async def rollback(sessions: SessionFactory, request: RollbackRequest) -> RpcReply:
    """Cancel a bet (SPEC rollback rules 1-7); accepted on an ended session too."""
    bet_id = request.original_transaction_id
    key = Request(TransactionType.ROLLBACK, request.transaction_id, original_transaction_id=bet_id)

    async def decide(db: AsyncSession, seat: Seat) -> RpcReply:
        await ledger.lock_bet_id(db, seat.provider_id, bet_id)
        bet = await ledger.find(db, seat.provider_id, bet_id)
        if bet is None:
            message = f"Tombstone: bet {bet_id!r} is unknown; it can no longer be placed"
            reply = _rollback_reply(request, True, seat.balance, seat, message)
            return await ledger.record(
                db, seat, key, reply, balance_after=seat.balance, amount=0, is_tombstone=True
            )
        if bet.wallet_id != seat.wallet_id:
            raise _not_this_players(bet_id)
        if bet.type != TransactionType.DEBIT:
            return await _reject(db, seat, key, CannotRollbackPayoutError(), bet)
        if bet.outcome == Outcome.REJECTED:
            message = f"Bet {bet_id!r} was rejected; there is nothing to refund"
            reply = _rollback_reply(request, False, seat.balance, seat, message)
            return await _no_refund(db, seat, key, bet, reply)
        refund = await ledger.refund_of(db, bet)
        if refund is not None:
            message = f"Bet {bet_id!r} was already rolled back by {refund.transaction_id!r}"
            reply = _rollback_reply(request, True, seat.balance, seat, message)
            return await _no_refund(db, seat, key, bet, reply)
        if await ledger.round_has_payout(db, bet):
            return await _reject(db, seat, key, RollbackNotAllowedError(), bet)
        balance = await ledger.give(db, seat, bet.amount)
        reply = _rollback_reply(request, True, balance, seat)
        return await ledger.record(
            db,
            seat,
            key,
            reply,
            balance_after=balance,
            amount=bet.amount,
            bet=bet,
            round_id=bet.round_id,
        )

    return await _decided_once(sessions, request.session_token, key, decide)


async def _decided_once(
    sessions: SessionFactory, token: str, key: Request, decide: Decide
) -> RpcReply:
    """Run `decide` in one transaction under the wallet lock, unless `key` is decided."""
    for attempt in (1, 2):
        try:
            async with sessions.begin() as db:
                seat = await ledger.seat_of(db, token, lock=True)
                decided = await ledger.find(db, seat.provider_id, key.transaction_id)
                if decided is not None:
                    return ledger.replay(decided, key, seat)
                return await decide(db, seat)
        except IntegrityError as error:
            if attempt == 2 or not ledger.is_decided_concurrently(error):
                raise
    raise AssertionError("unreachable: the second attempt returns or raises")


async def _reject(
    db: AsyncSession, seat: Seat, key: Request, error: WalletError, bet: Transaction | None = None
) -> RpcReply:
    """Record a business rejection: it is a decision, and a retry gets it again. A refused
    rollback moves nothing, so its row's amount is 0."""
    return await ledger.record(
        db,
        seat,
        key,
        RpcReply(error=error.body()),
        balance_after=seat.balance,
        amount=0 if key.type == TransactionType.ROLLBACK else None,
        bet=bet,
        round_id=bet.round_id if bet else None,
    )


async def _no_refund(
    db: AsyncSession, seat: Seat, key: Request, bet: Transaction, reply: RpcReply
) -> RpcReply:
    """Record a rollback that succeeds without moving money (rule 4)."""
    return await ledger.record(
        db, seat, key, reply, balance_after=seat.balance, amount=0, bet=bet, round_id=bet.round_id
    )


def _not_this_players(transaction_id: str) -> TransactionNotFoundError:
    return TransactionNotFoundError(
        f"Transaction {transaction_id!r} does not belong to this session's player"
    )


def _transaction_reply(transaction_id: str, balance: int, seat: Seat) -> RpcReply:
    body = TransactionReply(transaction_id=transaction_id, balance=balance, currency=seat.currency)
    return RpcReply(result=body.to_wire())


def _rollback_reply(
    request: RollbackRequest,
    rolled_back: bool,
    balance: int,
    seat: Seat,
    message: str | None = None,
) -> RpcReply:
    body = RollbackReply(
        transaction_id=request.transaction_id,
        rolled_back=rolled_back,
        balance=balance,
        currency=seat.currency,
        message=message,
    )
    return RpcReply(result=body.to_wire())
