"""The ledger's SQL for one batch of wallet commands: lock and read a `Book`, write it back.

Nothing here decides anything (`casino.wallet.rules` does). The statements are set-based, so a
batch costs the same three round trips (besides BEGIN and COMMIT) whether it holds one
command or five hundred:

1. lock: take the advisory lock of every bet id the batch places or rolls back, in key
   order, then lock the wallets of every session the batch names, in wallet-id order.
   A bet and any rollback naming it are serialised even through another wallet, so a
   bet and its tombstone cannot both be accepted (rule 7); two batches naming the same
   bets and wallets take them in the same order, so they queue, never deadlock;
2. read the ledger rows the commands name (their own transactionIds, the bets rollbacks
   name, the bets payouts relate to), and what rules 3-5 need about them: tombstones of
   the bets placed, refunds of the bets named, accepted payouts in their rounds. This is
   a statement of its own, after the locks: a statement reads the ledger as it was when
   the statement began, so rows read in the locking statement could predate the commit
   of a batch that held a lock we waited for;
3. write: append the decided rows in decision order (a rollback may name a bet decided
   earlier in the same batch) and move each wallet's balance by SQL arithmetic, in one
   statement, checking that the database ends where the rules said it would.

Every lock is taken before any row is read, bet ids before wallets, in one order for all
workers. Each round trip is a wake-up of the worker and of its PostgreSQL backend; on a
busy machine those, not the SQL, were much of a batch's time (docs/PERFORMANCE.md).

Over the usual size on purpose: the three statements of a batch and the order of their
locks are one argument, read together.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import asyncpg
from asyncpg import Connection

from casino.models import IDEMPOTENCY_KEY, ONE_REFUND_PER_BET
from casino.vocabulary import SessionStatus
from casino.wallet.book import Book, SessionWallet
from casino.wallet.ledger_rows import (
    COLUMN_TYPES,
    COLUMNS,
    SELECTED,
    columns_of,
    entry_of,
    unnest_parameters,
)
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
)

# The bet-id locks are an uncorrelated subquery in the WHERE clause: PostgreSQL evaluates
# it once, before the scan yields its first row, so every advisory lock is held before
# the first wallet row is locked. Which provider a bet id belongs to comes from its
# session's game, which never changes, so it is read without a lock.
_LOCK_AND_SEAT = """
    SELECT s.token, s.id, s.wallet_id, s.status, g.provider_id, p.code, p.is_enabled,
           w.currency, w.balance, w.last_transaction_id
    FROM casino_game_sessions s
    JOIN casino_games g ON g.id = s.game_id
    JOIN casino_game_providers p ON p.id = g.provider_id
    JOIN casino_wallets w ON w.id = s.wallet_id
    WHERE s.token = ANY($1::text[])
      AND (SELECT count(pg_advisory_xact_lock(k)) FROM (
             SELECT DISTINCT hashtextextended(bg.provider_id::text || ':' || b.bet_id, 0) AS k
             FROM unnest($2::text[], $3::text[]) AS b(token, bet_id)
             JOIN casino_game_sessions bs ON bs.token = b.token
             JOIN casino_games bg ON bg.id = bs.game_id
             ORDER BY 1) AS bet_keys) >= 0
    ORDER BY w.id
    FOR UPDATE OF w
"""


# What the batch's decisions read, in one round trip: the rows its commands name; the
# tombstones of the bets it places (rule 5); the refunds of the bets named (rule 4); and
# the accepted payouts in the rounds of the bets named or placed (rule 2). A row may come
# more than once; the book takes each in once.
#
# Each lookup is a LATERAL subquery driven by the batch's keys, and `OFFSET 0` keeps the
# planner from flattening it into a join it may reorder: so every lookup is an index probe
# per key, whatever the statistics say. As a plain join, the refunds lookup was planned
# as a scan of every refund in the ledger, filtered against the batch (the statistics
# called the index nearly empty): a batch took longer the longer the system had run.
_DEPENDENCIES = f"""
    WITH named AS (
        SELECT t.* FROM unnest($1::uuid[], $2::text[]) AS k(provider_id, id)
        CROSS JOIN LATERAL (
            SELECT * FROM casino_transactions t
            WHERE t.provider_id = k.provider_id AND t.transaction_id = k.id
            OFFSET 0
        ) AS t
    ),
    placed AS (
        SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[])
          AS p(provider_id, wallet_id, id, round_id)
    ),
    rounds AS (
        SELECT provider_id, wallet_id, round_id FROM named WHERE type = 'debit'
        UNION SELECT provider_id, wallet_id, round_id FROM placed
    )
    SELECT {SELECTED} FROM named t
    UNION ALL
    SELECT {SELECTED} FROM placed p CROSS JOIN LATERAL (
        SELECT * FROM casino_transactions t
        WHERE t.provider_id = p.provider_id AND t.original_transaction_id = p.id
          AND t.is_tombstone
        OFFSET 0
    ) AS t
    UNION ALL
    SELECT {SELECTED} FROM named n CROSS JOIN LATERAL (
        SELECT * FROM casino_transactions t
        WHERE t.original_id = n.id
          AND t.type = 'rollback' AND t.outcome = 'accepted' AND t.amount > 0
        OFFSET 0
    ) AS t
    WHERE n.type = 'debit'
    UNION ALL
    SELECT {SELECTED} FROM rounds r CROSS JOIN LATERAL (
        SELECT * FROM casino_transactions t
        WHERE t.provider_id = r.provider_id AND t.wallet_id = r.wallet_id
          AND t.round_id = r.round_id AND t.type = 'credit' AND t.outcome = 'accepted'
        OFFSET 0
    ) AS t
"""

_WALLETS = len(COLUMN_TYPES) + 1
"""The number of the first of `_WRITE`'s wallet parameters, after a column per row field."""
# One statement for the whole batch: the rows, a column per array, in decision order (a
# rollback may name a bet decided earlier in the batch; foreign keys are checked at the
# end of the statement), and the wallets' net moves. Not `executemany`: that executes
# (and plans) the insert once per row, and under load that waiting grew with every command
# of a batch (docs/PERFORMANCE.md). A data-modifying WITH runs exactly once whether or
# not it is read.
_WRITE = f"""
    WITH appended AS (
        INSERT INTO casino_transactions ({COLUMNS})
        SELECT {COLUMNS} FROM unnest({unnest_parameters(1)})
          WITH ORDINALITY AS decided({COLUMNS}, position)
        ORDER BY position
    )
    UPDATE casino_wallets AS w
    SET balance = w.balance + m.amount, last_transaction_id = m.newest
    FROM unnest(${_WALLETS}::uuid[], ${_WALLETS + 1}::bigint[], ${_WALLETS + 2}::uuid[])
      AS m(wallet_id, amount, newest)
    WHERE w.id = m.wallet_id
    RETURNING w.id, w.balance
"""

MoneyCommand: TypeAlias = DebitCommand | CreditCommand | RollbackCommand


async def open_book(db: Connection, commands: Sequence[AnyWalletCommand]) -> Book:
    """Lock what `commands` may touch and read what their decisions depend on."""
    book = Book()
    tokens = sorted({command.request.session_token for command in commands})
    bets = sorted({bet for command in commands if (bet := _bet(command)) is not None})
    bet_tokens, bet_ids = [token for token, _ in bets], [bet_id for _, bet_id in bets]
    for row in await db.fetch(_LOCK_AND_SEAT, tokens, bet_tokens, bet_ids):
        token, session_id, wallet_id, status, provider_id, code, enabled = row[:7]
        currency, balance, newest = row[7:]
        book.session_wallets[token] = SessionWallet(
            session_id,
            wallet_id,
            provider_id,
            status == SessionStatus.ACTIVE,
            currency,
            provider_code=code,
            provider_enabled=enabled,
        )
        book.balances[wallet_id] = balance
        book.newest[wallet_id] = newest
    money = [
        (session, command)
        for command in commands
        if not isinstance(command, GetBalanceCommand)
        and (session := book.session_wallets.get(command.request.session_token)) is not None
    ]
    if not money:
        return book
    for row in await db.fetch(_DEPENDENCIES, *_dependency_keys(money)):
        book.know(entry_of(row))
    return book


async def write_book(db: Connection, book: Book) -> None:
    """Append the decided rows and move the balances; fail if the database disagrees."""
    if not book.decided:
        return  # nothing decided means nothing moved: a batch of balance reads
    wallets = list(book.moves)
    moved = await db.fetch(
        _WRITE,
        *columns_of(book.decided),
        wallets,
        [book.moves[wallet_id] for wallet_id in wallets],
        [book.newest[wallet_id] for wallet_id in wallets],
    )
    for wallet_id, balance in moved:
        if balance != book.balances[wallet_id]:
            raise AssertionError(
                f"wallet {wallet_id}: the database holds {balance}, "
                f"the rules decided {book.balances[wallet_id]}"
            )


def is_decided_concurrently(error: Exception) -> bool:
    """Whether a batch lost a race that the database settled, so that running it again
    answers from the winner's rows: the idempotency key or the one-refund-per-bet index
    (the same key through another wallet at the same moment), or a deadlock."""
    if isinstance(error, asyncpg.UniqueViolationError):
        return error.constraint_name in {IDEMPOTENCY_KEY, ONE_REFUND_PER_BET}
    return isinstance(error, asyncpg.DeadlockDetectedError)


def _bet(command: AnyWalletCommand) -> tuple[str, str] | None:
    """The bet a command places or cancels, with its session's token: what rule 7
    serialises on (the token tells the lock statement the provider)."""
    bet_id: str | None = None
    if isinstance(command, DebitCommand):
        bet_id = command.request.transaction_id
    elif isinstance(command, RollbackCommand):
        bet_id = command.request.original_transaction_id
    return None if bet_id is None else (command.request.session_token, bet_id)


def _named_ids(money: list[tuple[SessionWallet, MoneyCommand]]) -> Iterable[tuple[uuid.UUID, str]]:
    """Every transactionId a command's decision reads: its own, and the one it names."""
    for session, command in money:
        yield session.provider_id, command.request.transaction_id
        if isinstance(command, RollbackCommand):
            yield session.provider_id, command.request.original_transaction_id
        elif isinstance(command, CreditCommand) and command.request.related_transaction_id:
            yield session.provider_id, command.request.related_transaction_id


def _dependency_keys(money: list[tuple[SessionWallet, MoneyCommand]]) -> tuple[list[Any], ...]:
    """The parameters of `_DEPENDENCIES`: the ids the commands name, and the bets they place."""
    named = sorted(set(_named_ids(money)))
    placed = sorted(
        {
            (
                session.provider_id,
                session.wallet_id,
                command.request.transaction_id,
                command.request.round_id,
            )
            for session, command in money
            if isinstance(command, DebitCommand)
        }
    )
    return (
        [provider for provider, _ in named],
        [transaction_id for _, transaction_id in named],
        [bet[0] for bet in placed],
        [bet[1] for bet in placed],
        [bet[2] for bet in placed],
        [bet[3] for bet in placed],
    )
