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
from asyncpg import Connection, Record

from casino.models import IDEMPOTENCY_KEY, ONE_REFUND_PER_BET
from casino.vocabulary import RoundStatus, SessionStatus
from casino.wallet.book import Book, SessionWallet
from casino.wallet.free_rounds import Campaign, campaign_id_of
from casino.wallet.ledger_rows import (
    COLUMN_TYPES,
    COLUMNS,
    SELECTED,
    columns_of,
    entry_of,
    unnest_parameters,
)
from casino.wallet.protection import NO_LIMITS, Losses, Periods, excluded, limits_in_force
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    EndRoundCommand,
    GetBalanceCommand,
    RollbackCommand,
)

# The bet-id locks are an uncorrelated subquery in the WHERE clause: PostgreSQL evaluates
# it once, before the scan yields its first row, so every advisory lock is held before
# the first wallet row is locked. Which provider a bet id belongs to comes from its
# session's game, which never changes, so it is read without a lock.
#
# Besides the session and its wallet, it reads what player protection judges a bet by:
# the wallet's running losses (columns of the locked row, so read as they are once the
# lock is ours), the player's exclusion and limit rows (set by operators, never by a
# batch), and the clock: `now()` and the current day, week and month in the connection's
# time zone (the loss-limit time zone, `casino.database.ledger_pool`). The exclusion is
# NULL (none), [NULL] (for ever) or [until]. Scalar subqueries rather than joins: this
# statement is planned at every execution, and as a LEFT JOIN and a LATERAL aggregate
# they took its planning from 0.6 to 1.1 ms (as subqueries, 0.7).
_LOCK_AND_SEAT = """
    SELECT s.token, s.id, s.wallet_id, s.status, g.provider_id, p.code, p.is_enabled,
           w.currency, w.balance, w.last_transaction_id,
           s.user_id, s.game_id, s.created_at,
           w.loss_day_start, w.loss_day, w.loss_week_start, w.loss_week,
           w.loss_month_start, w.loss_month,
           (SELECT ARRAY[e.until] FROM casino_player_exclusions e
            WHERE e.user_id = s.user_id) AS exclusion,
           (SELECT array_agg(l.kind) FROM casino_player_limits l
            WHERE l.user_id = s.user_id AND l.currency = w.currency) AS kinds,
           (SELECT array_agg(l.value) FROM casino_player_limits l
            WHERE l.user_id = s.user_id AND l.currency = w.currency) AS vals,
           (SELECT array_agg(l.applies_at) FROM casino_player_limits l
            WHERE l.user_id = s.user_id AND l.currency = w.currency) AS applies,
           now() AS now, current_date AS day,
           date_trunc('week', current_date)::date AS week,
           date_trunc('month', current_date)::date AS month
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

_NO_LEDGER_ROW = ", ".join(f"NULL::{kind}" for kind in COLUMN_TYPES.values())
_LEDGER_ROW = (
    f"{SELECTED}, NULL::casino_rounds AS round, NULL::casino_free_round_campaigns AS campaign"
)

# What the batch's decisions read, in one round trip: the rows its commands name; the
# tombstones of the bets it places (rule 5) and of the bets its payouts name (a cancelled
# bet cannot win); the refunds of the bets named (rule 4); the accepted payouts in the
# rounds of the bets named or placed (rule 2); the rounds its commands name, with their
# status; and the free-round campaigns its free bets name or its rollbacks' bets belong
# to. A row may come more than once; the book takes each in once. A row of the answer is
# a ledger row (its columns), or a round, or a campaign (a whole-row column each).
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
    bets AS (
        SELECT * FROM unnest($3::uuid[], $4::text[]) AS b(provider_id, id)
    ),
    rounds AS (
        SELECT provider_id, wallet_id, round_id FROM named WHERE type = 'debit'
        UNION SELECT * FROM unnest($5::uuid[], $6::uuid[], $7::text[])
          AS r(provider_id, wallet_id, round_id)
    )
    SELECT {_LEDGER_ROW} FROM named t
    UNION ALL
    SELECT {_LEDGER_ROW} FROM bets b CROSS JOIN LATERAL (
        SELECT * FROM casino_transactions t
        WHERE t.provider_id = b.provider_id AND t.original_transaction_id = b.id
          AND t.is_tombstone
        OFFSET 0
    ) AS t
    UNION ALL
    SELECT {_LEDGER_ROW} FROM named n CROSS JOIN LATERAL (
        SELECT * FROM casino_transactions t
        WHERE t.original_id = n.id
          AND t.type = 'rollback' AND t.outcome = 'accepted' AND t.amount > 0
        OFFSET 0
    ) AS t
    WHERE n.type = 'debit'
    UNION ALL
    SELECT {_LEDGER_ROW} FROM rounds r CROSS JOIN LATERAL (
        SELECT * FROM casino_transactions t
        WHERE t.provider_id = r.provider_id AND t.wallet_id = r.wallet_id
          AND t.round_id = r.round_id AND t.type = 'credit' AND t.outcome = 'accepted'
        OFFSET 0
    ) AS t
    UNION ALL
    SELECT {_NO_LEDGER_ROW}, found.round, NULL FROM rounds k CROSS JOIN LATERAL (
        SELECT r AS round FROM casino_rounds r
        WHERE r.provider_id = k.provider_id AND r.wallet_id = k.wallet_id
          AND r.round_id = k.round_id
        OFFSET 0
    ) AS found
    UNION ALL
    SELECT {_NO_LEDGER_ROW}, NULL, c FROM casino_free_round_campaigns c
    WHERE c.id IN (
        SELECT unnest($8::uuid[]) UNION SELECT campaign_id FROM named WHERE campaign_id IS NOT NULL
    )
"""

_ROUNDS = len(COLUMN_TYPES) + 1
"""The number of the first of `_WRITE`'s round parameters, after a column per row field."""
_CAMPAIGNS = _ROUNDS + 4
_WALLETS = _CAMPAIGNS + 2
# One statement for the whole batch: the rows, a column per array, in decision order (a
# rollback may name a bet decided earlier in the batch; foreign keys are checked at the
# end of the statement); the rounds the batch opened or ended; the rounds its free bets
# played; and the wallets' net moves and running losses. Not `executemany`: that executes
# (and plans) the insert once per row, and under load that waiting grew with every command
# of a batch (docs/PERFORMANCE.md). A data-modifying WITH runs exactly once whether or
# not it is read.
_WRITE = f"""
    WITH appended AS (
        INSERT INTO casino_transactions ({COLUMNS})
        SELECT {COLUMNS} FROM unnest({unnest_parameters(1)})
          WITH ORDINALITY AS decided({COLUMNS}, position)
        ORDER BY position
    ),
    rounds AS (
        INSERT INTO casino_rounds (provider_id, wallet_id, round_id, status, ended_at)
        SELECT provider_id, wallet_id, round_id, status,
               CASE WHEN status = 'open' THEN NULL ELSE now() END
        FROM unnest(${_ROUNDS}::uuid[], ${_ROUNDS + 1}::uuid[], ${_ROUNDS + 2}::text[],
                    ${_ROUNDS + 3}::text[]) AS r(provider_id, wallet_id, round_id, status)
        ON CONFLICT (provider_id, wallet_id, round_id) DO UPDATE
        SET status = excluded.status, ended_at = excluded.ended_at
        WHERE excluded.status <> 'open'
    ),
    campaigns AS (
        UPDATE casino_free_round_campaigns AS c SET rounds_used = c.rounds_used + u.rounds
        FROM unnest(${_CAMPAIGNS}::uuid[], ${_CAMPAIGNS + 1}::int[]) AS u(id, rounds)
        WHERE c.id = u.id
    )
    UPDATE casino_wallets AS w
    SET balance = w.balance + m.amount, last_transaction_id = m.newest,
        loss_day_start = m.day_start, loss_day = m.day,
        loss_week_start = m.week_start, loss_week = m.week,
        loss_month_start = m.month_start, loss_month = m.month
    FROM unnest(${_WALLETS}::uuid[], ${_WALLETS + 1}::bigint[], ${_WALLETS + 2}::uuid[],
                ${_WALLETS + 3}::date[], ${_WALLETS + 4}::bigint[], ${_WALLETS + 5}::date[],
                ${_WALLETS + 6}::bigint[], ${_WALLETS + 7}::date[], ${_WALLETS + 8}::bigint[])
      AS m(wallet_id, amount, newest, day_start, day, week_start, week, month_start, month)
    WHERE w.id = m.wallet_id
    RETURNING w.id, w.balance
"""

MoneyCommand: TypeAlias = DebitCommand | CreditCommand | RollbackCommand | EndRoundCommand


async def open_book(db: Connection, commands: Sequence[AnyWalletCommand]) -> Book:
    """Lock what `commands` may touch and read what their decisions depend on."""
    book = Book()
    tokens = sorted({command.request.session_token for command in commands})
    bets = sorted({bet for command in commands if (bet := _bet(command)) is not None})
    bet_tokens, bet_ids = [token for token, _ in bets], [bet_id for _, bet_id in bets]
    for row in await db.fetch(_LOCK_AND_SEAT, tokens, bet_tokens, bet_ids):
        _seat(book, row)
    money = [
        (session, command)
        for command in commands
        if not isinstance(command, GetBalanceCommand)
        and (session := book.session_wallets.get(command.request.session_token)) is not None
    ]
    if not money:
        return book
    for row in await db.fetch(_DEPENDENCIES, *_dependency_keys(money)):
        if (found := row["round"]) is not None:
            key = (found["provider_id"], found["wallet_id"], found["round_id"])
            book.rounds[key] = RoundStatus(found["status"])
        elif (campaign := row["campaign"]) is not None:
            book.campaigns[campaign["id"]] = _campaign_of(campaign)
        else:
            book.know(entry_of(row))
    return book


def _seat(book: Book, row: Record) -> None:
    """Take in one session the lock statement read: its wallet, the player's protection
    and the clock."""
    book.now = row["now"]
    book.periods = Periods(row["day"], row["week"], row["month"])
    kinds, exclusion = row["kinds"], row["exclusion"]
    # Most players set no limit and are not excluded: judged without building anything.
    limits = (
        limits_in_force(zip(kinds, row["vals"], row["applies"], strict=True), book.now)
        if kinds is not None
        else NO_LIMITS
    )
    book.session_wallets[row["token"]] = SessionWallet(
        row["id"],
        row["wallet_id"],
        row["provider_id"],
        row["status"] == SessionStatus.ACTIVE,
        row["currency"],
        provider_code=row["code"],
        provider_enabled=row["is_enabled"],
        user_id=row["user_id"],
        game_id=row["game_id"],
        started_at=row["created_at"],
        limits=limits,
        excluded=exclusion is not None and excluded(exclusion, book.now),
    )
    book.balances[row["wallet_id"]] = row["balance"]
    book.newest[row["wallet_id"]] = row["last_transaction_id"]
    book.losses[row["wallet_id"]] = Losses(*(row[column] for column in _LOSS_COLUMNS))


_LOSS_COLUMNS = (
    "loss_day_start",
    "loss_day",
    "loss_week_start",
    "loss_week",
    "loss_month_start",
    "loss_month",
)


def _campaign_of(row: Record) -> Campaign:
    return Campaign(
        row["id"],
        row["wallet_id"],
        row["game_id"],
        row["rounds"],
        row["rounds_used"],
        row["bet_amount"],
        row["expires_at"],
        row["cancelled_at"],
    )


async def write_book(db: Connection, book: Book) -> None:
    """Append the decided rows, store the rounds and campaigns they changed, and move the
    balances and running losses; fail if the database disagrees."""
    if not book.decided:
        return  # nothing decided means nothing moved: a batch of balance reads
    wallets = list(book.moves)
    rounds = list(book.changed_rounds.items())
    campaigns = list(book.campaign_uses.items())
    losses = [book.losses[wallet_id].as_columns() for wallet_id in wallets]
    moved = await db.fetch(
        _WRITE,
        *columns_of(book.decided),
        [provider_id for (provider_id, _, _), _ in rounds],
        [wallet_id for (_, wallet_id, _), _ in rounds],
        [round_id for (_, _, round_id), _ in rounds],
        [status.value for _, status in rounds],
        [campaign_id for campaign_id, _ in campaigns],
        [used for _, used in campaigns],
        wallets,
        [book.moves[wallet_id] for wallet_id in wallets],
        [book.newest[wallet_id] for wallet_id in wallets],
        *([columns[i] for columns in losses] for i in range(len(_LOSS_COLUMNS))),
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


def _bets_cancellable(
    money: list[tuple[SessionWallet, MoneyCommand]],
) -> Iterable[tuple[uuid.UUID, str]]:
    """The bets whose tombstones a decision reads: those placed, and those payouts name."""
    for session, command in money:
        if isinstance(command, DebitCommand):
            yield session.provider_id, command.request.transaction_id
        elif isinstance(command, CreditCommand) and command.request.related_transaction_id:
            yield session.provider_id, command.request.related_transaction_id


def _rounds_named(
    money: list[tuple[SessionWallet, MoneyCommand]],
) -> Iterable[tuple[uuid.UUID, uuid.UUID, str]]:
    """The rounds bets, payouts and ends of round go into."""
    for session, command in money:
        if not isinstance(command, RollbackCommand):
            yield session.provider_id, session.wallet_id, command.request.round_id


def _campaigns_named(money: list[tuple[SessionWallet, MoneyCommand]]) -> Iterable[uuid.UUID]:
    for _, command in money:
        if not isinstance(command, DebitCommand | CreditCommand):
            continue
        sent = command.request.free_rounds_campaign_id
        if sent is not None and (campaign_id := campaign_id_of(sent)) is not None:
            yield campaign_id


def _dependency_keys(money: list[tuple[SessionWallet, MoneyCommand]]) -> tuple[list[Any], ...]:
    """The parameters of `_DEPENDENCIES`: the ids the commands name, the bets whose
    tombstones count, the rounds they go into and the campaigns they play."""
    named = sorted(set(_named_ids(money)))
    bets = sorted(set(_bets_cancellable(money)))
    rounds = sorted(set(_rounds_named(money)))
    return (
        [provider for provider, _ in named],
        [transaction_id for _, transaction_id in named],
        [provider for provider, _ in bets],
        [bet_id for _, bet_id in bets],
        [provider for provider, _, _ in rounds],
        [wallet for _, wallet, _ in rounds],
        [round_id for _, _, round_id in rounds],
        sorted(set(_campaigns_named(money))),
    )
