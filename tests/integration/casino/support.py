"""Helpers for the casino integration tests: players in game sessions, requests, and what the
database holds (read with plain SQL, not through the code under test)."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import text

from casino.database import Database
from casino.sessions import OpenedSession
from casino.tools.seed import FundedPlayer
from contracts.errors import ErrorCode
from contracts.rpc import RpcReply
from contracts.wallet import CreditRequest, DebitRequest, RollbackRequest


@dataclass(frozen=True)
class PlayerSession:
    """A new player in a game session at the demo game: their funded wallet and the open
    session."""

    player: FundedPlayer
    opened: OpenedSession

    @property
    def token(self) -> str:
        return self.opened.token


NewSession = Callable[..., Awaitable[PlayerSession]]
"""The `new_session` fixture: `await new_session(balance=1_000, currency="USD")`."""


def new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex}"


def bet(
    session: PlayerSession, amount: int, tx: str | None = None, round_id: str = "round-1"
) -> DebitRequest:
    return DebitRequest(
        session_token=session.token,
        transaction_id=tx or new_id("bet"),
        round_id=round_id,
        amount=amount,
    )


def payout(
    session: PlayerSession,
    amount: int,
    tx: str | None = None,
    round_id: str = "round-1",
    related: str | None = None,
) -> CreditRequest:
    return CreditRequest(
        session_token=session.token,
        transaction_id=tx or new_id("win"),
        round_id=round_id,
        amount=amount,
        related_transaction_id=related,
    )


def cancel(session: PlayerSession, original: str, tx: str | None = None) -> RollbackRequest:
    return RollbackRequest(
        session_token=session.token,
        transaction_id=tx or new_id("rb"),
        original_transaction_id=original,
    )


async def balance_of(database: Database, player: FundedPlayer) -> int:
    """The balance as stored, read with plain SQL."""
    async with database() as db:
        query = text("SELECT balance FROM casino_wallets WHERE id = :id")
        return int((await db.execute(query, {"id": player.wallet_id})).scalar_one())


async def ledger_rows(database: Database, transaction_id: str) -> list[dict[str, object]]:
    async with database() as db:
        query = text(
            "SELECT type, outcome, error_code, amount, balance_after, is_tombstone"
            " FROM casino_transactions WHERE transaction_id = :id"
        )
        return [dict(row) for row in (await db.execute(query, {"id": transaction_id})).mappings()]


def accepted(reply: RpcReply) -> dict[str, object]:
    """The success body of `reply`, failing the test if it is a refusal."""
    assert reply.result is not None, reply.error
    return reply.result


def balance_in(reply: RpcReply) -> int:
    return int(str(accepted(reply)["balance"]))


def refusal(reply: RpcReply) -> ErrorCode:
    """The error code of `reply`, failing the test if it was accepted."""
    assert reply.error is not None, reply.result
    return reply.error.code
