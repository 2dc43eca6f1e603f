"""The ledger's reads and writes, used by the wallet rules inside one database transaction.

Nothing here decides anything: `casino.wallet` does. This module knows the SQL: which
rows to lock, how a request's fingerprint is made, how balance moves are done by the
database (`balance = balance - :amount WHERE balance >= :amount`), and how a decision is
appended with the reply it was answered with.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casino.errors import DuplicateTransactionError, InvalidSessionError
from casino.kinds import Outcome, SessionStatus, TransactionType
from casino.models import (
    IDEMPOTENCY_KEY,
    ONE_REFUND_PER_BET,
    Game,
    GameSession,
    Transaction,
    Wallet,
)
from contracts.rpc import RpcReply


@dataclass(frozen=True)
class Seat:
    """Who is playing: the session a token names, its wallet and the game's provider."""

    session_id: uuid.UUID
    wallet_id: uuid.UUID
    provider_id: uuid.UUID
    active: bool
    currency: str
    balance: int


@dataclass(frozen=True)
class Request:
    """The fields of a money-moving request that make up its identity (SPEC: type,
    session, amount, round, original); description and reason do not count."""

    type: TransactionType
    transaction_id: str
    amount: int | None = None
    round_id: str | None = None
    original_transaction_id: str | None = None

    def fingerprint(self, seat: Seat) -> str:
        canonical = json.dumps(
            {
                "type": self.type.value,
                "session": str(seat.session_id),
                "amount": self.amount,
                "round": self.round_id,
                "original": self.original_transaction_id,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


async def seat_of(db: AsyncSession, token: str, *, lock: bool) -> Seat:
    """The session behind `token`; with `lock`, its wallet row is locked until commit, so
    every command on one wallet runs one after another."""
    statement = (
        select(
            GameSession.id,
            GameSession.wallet_id,
            GameSession.status,
            Game.provider_id,
            Wallet.currency,
            Wallet.balance,
        )
        .join(Game, Game.id == GameSession.game_id)
        .join(Wallet, Wallet.id == GameSession.wallet_id)
        .where(GameSession.token == token)
    )
    if lock:
        statement = statement.with_for_update(of=Wallet)
    row = (await db.execute(statement)).one_or_none()
    if row is None:
        raise InvalidSessionError("The session token is unknown")
    session_id, wallet_id, status, provider_id, currency, balance = row
    return Seat(
        session_id, wallet_id, provider_id, status == SessionStatus.ACTIVE, currency, balance
    )


async def find(db: AsyncSession, provider_id: uuid.UUID, transaction_id: str) -> Transaction | None:
    return await db.scalar(
        select(Transaction).where(
            Transaction.provider_id == provider_id,
            Transaction.transaction_id == transaction_id,
        )
    )


def replay(decided: Transaction, request: Request, seat: Seat) -> RpcReply:
    """The first reply again for a true retry; 409 for a reused key (nothing recorded)."""
    if decided.fingerprint != request.fingerprint(seat):
        raise DuplicateTransactionError(
            f"transactionId {request.transaction_id!r} was already used with another payload"
        )
    return RpcReply.model_validate(decided.reply)


def is_decided_concurrently(error: IntegrityError) -> bool:
    """Whether an insert lost a race that the idempotency key or the one-refund-per-bet
    index settled: the command is then answered from the winner's row."""
    constraint = getattr(error.orig, "__cause__", None)
    name = getattr(constraint, "constraint_name", None)
    return name in {IDEMPOTENCY_KEY, ONE_REFUND_PER_BET}


async def lock_bet_id(db: AsyncSession, provider_id: uuid.UUID, bet_id: str) -> None:
    """Serialise a bet with any rollback naming it, even through another wallet, so a bet
    and its tombstone cannot both be accepted (rule 7). Released at commit."""
    key = func.hashtextextended(f"{provider_id}:{bet_id}", 0)
    await db.execute(select(func.pg_advisory_xact_lock(key)))


async def has_tombstone(db: AsyncSession, provider_id: uuid.UUID, bet_id: str) -> bool:
    tombstone = exists().where(
        Transaction.provider_id == provider_id,
        Transaction.original_transaction_id == bet_id,
        Transaction.is_tombstone,
    )
    return bool(await db.scalar(select(tombstone)))


async def refund_of(db: AsyncSession, bet: Transaction) -> Transaction | None:
    """The rollback that already returned this bet's amount, if any."""
    return await db.scalar(
        select(Transaction).where(
            Transaction.original_id == bet.id,
            Transaction.type == TransactionType.ROLLBACK,
            Transaction.outcome == Outcome.ACCEPTED,
            Transaction.amount > 0,
        )
    )


async def round_has_payout(db: AsyncSession, bet: Transaction) -> bool:
    payout = exists().where(
        Transaction.provider_id == bet.provider_id,
        Transaction.wallet_id == bet.wallet_id,
        Transaction.round_id == bet.round_id,
        Transaction.type == TransactionType.CREDIT,
        Transaction.outcome == Outcome.ACCEPTED,
    )
    return bool(await db.scalar(select(payout)))


async def take(db: AsyncSession, seat: Seat, amount: int) -> int | None:
    """Take `amount` if the balance covers it; the new balance, or None if it does not."""
    balance: int | None = await db.scalar(
        update(Wallet)
        .where(Wallet.id == seat.wallet_id, Wallet.balance >= amount)
        .values(balance=Wallet.balance - amount)
        .returning(Wallet.balance)
    )
    return balance


async def give(db: AsyncSession, seat: Seat, amount: int) -> int:
    added = await db.execute(
        update(Wallet)
        .where(Wallet.id == seat.wallet_id)
        .values(balance=Wallet.balance + amount)
        .returning(Wallet.balance)
    )
    return added.scalar_one()


async def record(
    db: AsyncSession,
    seat: Seat,
    request: Request,
    reply: RpcReply,
    *,
    balance_after: int,
    amount: int | None = None,
    round_id: str | None = None,
    bet: Transaction | None = None,
    related_transaction_id: str | None = None,
    is_tombstone: bool = False,
) -> RpcReply:
    """Append the decision with its reply; a retry will get exactly that reply."""
    db.add(
        Transaction(
            provider_id=seat.provider_id,
            transaction_id=request.transaction_id,
            type=request.type,
            outcome=Outcome.REJECTED if reply.error else Outcome.ACCEPTED,
            error_code=reply.error.code if reply.error else None,
            session_id=seat.session_id,
            wallet_id=seat.wallet_id,
            round_id=round_id or request.round_id,
            amount=request.amount if amount is None else amount,
            original_transaction_id=request.original_transaction_id,
            original_id=bet.id if bet else None,
            related_transaction_id=related_transaction_id,
            is_tombstone=is_tombstone,
            fingerprint=request.fingerprint(seat),
            reply=reply.model_dump(mode="json", exclude_none=True),
            balance_after=balance_after,
        )
    )
    await db.flush()
    return reply
