"""The ledger's SQL for one batch of wallet commands: lock and read a `Book`, write it back.

Nothing here decides anything (`casino.rules` does). The statements are set-based, so a
batch costs the same handful of round trips whether it holds one command or five hundred:

1. lock the wallets of every session the batch names, in wallet-id order (two batches
   naming the same wallets lock them in the same order, so they queue, never deadlock);
2. take the advisory lock of every bet id the batch places or rolls back, in key order:
   a bet and any rollback naming it are serialised even through another wallet, so a
   bet and its tombstone cannot both be accepted (rule 7);
3. read the ledger rows the commands name (their own transactionIds, the bets rollbacks
   name, the bets payouts relate to), and what rules 3-5 need about them: tombstones of
   the bets placed, refunds of the bets named, accepted payouts in their rounds.

Every lock is taken before any row is read, and wallets before bet ids, in one order for
all workers. Writing appends the decided rows in decision order (a rollback may name a
bet decided earlier in the same batch) and moves each wallet's balance by SQL arithmetic,
checking that the database ends where the rules said it would.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import asyncpg
from asyncpg import Connection, Record

from casino.book import Book, Entry, Seat
from casino.kinds import Outcome, SessionStatus, TransactionType
from casino.models import IDEMPOTENCY_KEY, ONE_REFUND_PER_BET
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
)

_SEATS = """
    SELECT s.token, s.id, s.wallet_id, s.status, g.provider_id, w.currency, w.balance
    FROM casino_game_sessions s
    JOIN casino_games g ON g.id = s.game_id
    JOIN casino_wallets w ON w.id = s.wallet_id
    WHERE s.token = ANY($1::text[])
    ORDER BY w.id
    FOR UPDATE OF w
"""

_LOCK_BET_IDS = """
    SELECT count(pg_advisory_xact_lock(k))
    FROM (SELECT DISTINCT hashtextextended(x, 0) AS k
          FROM unnest($1::text[]) AS x ORDER BY 1) AS bet_ids
"""


_ENTRY_COLUMNS = """
    t.id, t.provider_id, t.transaction_id, t.type, t.outcome, t.error_code, t.session_id,
    t.wallet_id, t.round_id, t.amount, t.original_transaction_id, t.original_id,
    t.related_transaction_id, t.is_tombstone, t.fingerprint, t.reply, t.balance_after
"""

# What the batch's decisions read, in one round trip: the rows its commands name; the
# tombstones of the bets it places (rule 5); the refunds of the bets named (rule 4); and
# the accepted payouts in the rounds of the bets named or placed (rule 2). A row may come
# more than once; the book takes each in once.
_DEPENDENCIES = f"""
    WITH named AS (
        SELECT t.* FROM casino_transactions t
        JOIN unnest($1::uuid[], $2::text[]) AS k(provider_id, id)
          ON t.provider_id = k.provider_id AND t.transaction_id = k.id
    ),
    placed AS (
        SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[])
          AS p(provider_id, wallet_id, id, round_id)
    ),
    rounds AS (
        SELECT provider_id, wallet_id, round_id FROM named WHERE type = 'debit'
        UNION SELECT provider_id, wallet_id, round_id FROM placed
    )
    SELECT {_ENTRY_COLUMNS} FROM named t
    UNION ALL
    SELECT {_ENTRY_COLUMNS} FROM casino_transactions t
    JOIN placed p ON t.provider_id = p.provider_id AND t.original_transaction_id = p.id
    WHERE t.is_tombstone
    UNION ALL
    SELECT {_ENTRY_COLUMNS} FROM casino_transactions t
    WHERE t.original_id IN (SELECT id FROM named WHERE type = 'debit')
      AND t.type = 'rollback' AND t.outcome = 'accepted' AND t.amount > 0
    UNION ALL
    SELECT {_ENTRY_COLUMNS} FROM casino_transactions t
    JOIN rounds r ON t.provider_id = r.provider_id AND t.wallet_id = r.wallet_id
      AND t.round_id = r.round_id
    WHERE t.type = 'credit' AND t.outcome = 'accepted'
"""

_MOVE_BALANCES = """
    UPDATE casino_wallets AS w SET balance = w.balance + m.amount
    FROM unnest($1::uuid[], $2::bigint[]) AS m(wallet_id, amount)
    WHERE w.id = m.wallet_id
    RETURNING w.id, w.balance
"""

_COLUMNS = (
    "id, provider_id, transaction_id, type, outcome, error_code, session_id, wallet_id,"
    " round_id, amount, original_transaction_id, original_id, related_transaction_id,"
    " is_tombstone, fingerprint, reply, balance_after"
)
# One statement for the whole batch, a column per array, rows in decision order (a
# rollback may name a bet decided earlier in the batch; foreign keys are checked at the
# end of the statement). Not `executemany`: that executes (and plans) the insert once per
# row, which under load cost the worker about 1.5 ms of waiting per command.
_APPEND = f"""
    INSERT INTO casino_transactions ({_COLUMNS})
    SELECT {_COLUMNS} FROM unnest(
        $1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],
        $8::uuid[], $9::text[], $10::bigint[], $11::text[], $12::uuid[], $13::text[],
        $14::boolean[], $15::text[], $16::jsonb[], $17::bigint[]
    ) WITH ORDINALITY AS decided({_COLUMNS}, position)
    ORDER BY position
"""

MoneyCommand: TypeAlias = DebitCommand | CreditCommand | RollbackCommand


async def open_book(db: Connection, commands: Sequence[AnyWalletCommand]) -> Book:
    """Lock what `commands` may touch and read what their decisions depend on."""
    book = Book()
    tokens = sorted({command.request.session_token for command in commands})
    for row in await db.fetch(_SEATS, tokens):
        token, session_id, wallet_id, status, provider_id, currency, balance = row
        active = status == SessionStatus.ACTIVE
        book.seats[token] = Seat(session_id, wallet_id, provider_id, active, currency)
        book.balances[wallet_id] = balance
    money = [
        (seat, command)
        for command in commands
        if not isinstance(command, GetBalanceCommand)
        and (seat := book.seats.get(command.request.session_token)) is not None
    ]
    if not money:
        return book
    await _lock_bet_ids(db, money)
    for row in await db.fetch(_DEPENDENCIES, *_dependency_keys(money)):
        book.know(_entry(row))
    return book


async def write_book(db: Connection, book: Book) -> None:
    """Append the decided rows and move the balances; fail if the database disagrees."""
    if book.decided:
        rows = [_row(entry) for entry in book.decided]
        await db.execute(_APPEND, *(list(column) for column in zip(*rows, strict=True)))
    if book.moves:
        wallets = list(book.moves)
        moved = await db.fetch(_MOVE_BALANCES, wallets, [book.moves[w] for w in wallets])
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


async def _lock_bet_ids(db: Connection, money: list[tuple[Seat, MoneyCommand]]) -> None:
    bet_ids = [
        f"{seat.provider_id}:{bet_id}"
        for seat, command in money
        if (bet_id := _bet_id(command)) is not None
    ]
    if bet_ids:
        await db.fetchval(_LOCK_BET_IDS, bet_ids)


def _bet_id(command: MoneyCommand) -> str | None:
    """The bet a command places or cancels: what rule 7 serialises on."""
    bet_id: str | None = None
    if isinstance(command, DebitCommand):
        bet_id = command.request.transaction_id
    elif isinstance(command, RollbackCommand):
        bet_id = command.request.original_transaction_id
    return bet_id


def _named_ids(money: list[tuple[Seat, MoneyCommand]]) -> Iterable[tuple[uuid.UUID, str]]:
    """Every transactionId a command's decision reads: its own, and the one it names."""
    for seat, command in money:
        yield seat.provider_id, command.request.transaction_id
        if isinstance(command, RollbackCommand):
            yield seat.provider_id, command.request.original_transaction_id
        elif isinstance(command, CreditCommand) and command.request.related_transaction_id:
            yield seat.provider_id, command.request.related_transaction_id


def _dependency_keys(money: list[tuple[Seat, MoneyCommand]]) -> tuple[list[Any], ...]:
    """The parameters of `_DEPENDENCIES`: the ids the commands name, and the bets they place."""
    named = sorted(set(_named_ids(money)))
    placed = sorted(
        {
            (
                seat.provider_id,
                seat.wallet_id,
                command.request.transaction_id,
                command.request.round_id,
            )
            for seat, command in money
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


def _entry(row: Record) -> Entry:
    return Entry(
        id=row["id"],
        provider_id=row["provider_id"],
        transaction_id=row["transaction_id"],
        type=TransactionType(row["type"]),
        outcome=Outcome(row["outcome"]),
        error_code=row["error_code"],
        session_id=row["session_id"],
        wallet_id=row["wallet_id"],
        round_id=row["round_id"],
        amount=row["amount"],
        original_transaction_id=row["original_transaction_id"],
        original_id=row["original_id"],
        related_transaction_id=row["related_transaction_id"],
        is_tombstone=row["is_tombstone"],
        fingerprint=row["fingerprint"],
        reply=row["reply"],
        balance_after=row["balance_after"],
    )


def _row(entry: Entry) -> tuple[Any, ...]:
    """The parameters of `_APPEND`, in `_COLUMNS` order."""
    return (
        entry.id,
        entry.provider_id,
        entry.transaction_id,
        entry.type.value,
        entry.outcome.value,
        entry.error_code,
        entry.session_id,
        entry.wallet_id,
        entry.round_id,
        entry.amount,
        entry.original_transaction_id,
        entry.original_id,
        entry.related_transaction_id,
        entry.is_tombstone,
        entry.fingerprint,
        entry.reply,
        entry.balance_after,
    )
