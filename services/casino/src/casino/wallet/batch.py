"""The wallet: applies batches of wallet commands, each batch in one database transaction
(group commit), each command decided on its own by `casino.wallet.rules`.

A batch first locks the bet ids it places or cancels and the wallets of its sessions
(`casino.wallet.ledger.open_book`), so commands on one wallet run one after another while other
wallets go on in parallel; it is answered only after its commit. One commit for many
commands is what lets the wallet go faster than one fsync per operation.

A command's outcome is its reply, or the `WalletError` that refused it (a refusal
records nothing). If the batch loses a race that the database settles (the same
transactionId through another wallet at the same moment, the one-refund-per-bet index, a
deadlock), its transaction is rolled back and the batch runs again: the second time the
winner's rows are there and the commands are answered from them. If it loses again, each
command runs alone, so one contested command cannot hold up the rest.

If the connection fails, the batch runs once more on a fresh one. That is safe even when
the commit may have happened: the second run finds the rows and answers from them. (It
is also what replaces a pre-ping: a connection the database dropped while idle, say at a
restart, costs one retry instead of a failed batch.)

If the batch fails for one command's sake (a value the database refuses, an unexpected
error while deciding it), that command is answered COMMAND_NOT_APPLICABLE and the others
are decided without it (`casino.wallet.isolation`); only a failure of the database
itself fails the whole batch.
"""

from collections.abc import Sequence

import asyncpg

from casino.database import LedgerPool
from casino.wallet import ledger, rules
from casino.wallet.book import Book
from casino.wallet.errors import WalletError
from casino.wallet.isolation import CommandFailedError, apply_isolated
from casino.wallet.isolation import Outcome as Outcome  # what `apply` returns per command
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
    RpcReply,
)
from contracts.wallet import CreditRequest, DebitRequest, GetBalanceRequest, RollbackRequest

# A batch that loses a race runs again once as a whole before its commands run alone.
_ATTEMPTS_AS_A_BATCH = 2
CONNECTION_FAILURES = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)


async def apply(pool: LedgerPool, commands: Sequence[AnyWalletCommand]) -> list[Outcome]:
    """Decide `commands` in order, commit once, and return their outcomes in order (a
    command that fails on its own is COMMAND_NOT_APPLICABLE, the others commit without it).

    Raises what the database raises when it fails as a whole (unreachable, shutting
    down, out of resources): then the commands may or may not have been committed, and
    every one of them may be retried.
    """
    return await apply_isolated(lambda batch: _apply_racing(pool, batch), commands)


async def _apply_racing(pool: LedgerPool, commands: Sequence[AnyWalletCommand]) -> list[Outcome]:
    """`commands` applied as a batch; again if it lost a race, then each on its own."""
    for _ in range(_ATTEMPTS_AS_A_BATCH):
        try:
            return await _apply_on_a_fresh_connection_if_need_be(pool, commands)
        except asyncpg.PostgresError as error:
            if not ledger.is_decided_concurrently(error):
                raise
    if len(commands) == 1:
        return await _apply_once(pool, commands)
    return [outcome for command in commands for outcome in await apply(pool, [command])]


async def _apply_on_a_fresh_connection_if_need_be(
    pool: LedgerPool, commands: Sequence[AnyWalletCommand]
) -> list[Outcome]:
    try:
        return await _apply_once(pool, commands)
    except CONNECTION_FAILURES:
        return await _apply_once(pool, commands)


async def _apply_once(pool: LedgerPool, commands: Sequence[AnyWalletCommand]) -> list[Outcome]:
    async with pool.acquire() as db, db.transaction():
        book = await ledger.open_book(db, commands)
        outcomes = [_decide(book, position, command) for position, command in enumerate(commands)]
        await ledger.write_book(db, book)
    return outcomes


def _decide(book: Book, position: int, command: AnyWalletCommand) -> Outcome:
    try:
        return rules.decide(book, command)
    except WalletError as refused:
        return refused
    except Exception as error:  # one command's failure: the batch runs again without it
        raise CommandFailedError(position, error) from error


async def get_balance(pool: LedgerPool, request: GetBalanceRequest) -> RpcReply:
    """One command as a batch of one; raises its refusal (for callers outside the worker)."""
    return _reply(await apply(pool, [GetBalanceCommand(request=request)]))


async def debit(pool: LedgerPool, request: DebitRequest) -> RpcReply:
    return _reply(await apply(pool, [DebitCommand(request=request)]))


async def credit(pool: LedgerPool, request: CreditRequest) -> RpcReply:
    return _reply(await apply(pool, [CreditCommand(request=request)]))


async def rollback(pool: LedgerPool, request: RollbackRequest) -> RpcReply:
    return _reply(await apply(pool, [RollbackCommand(request=request)]))


def _reply(outcomes: list[Outcome]) -> RpcReply:
    [outcome] = outcomes
    if isinstance(outcome, WalletError):
        raise outcome
    return outcome
