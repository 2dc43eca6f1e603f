"""Acceptance 3, isolation in the worker: a command that fails on its own is answered on its
own (COMMAND_NOT_APPLICABLE, not retryable), and every command that travelled with it
gets its real outcome; only a database that fails as a whole fails a whole batch.

The poison must pass validation and fail where it is applied, as a value that validation
missed would. Two kinds, so both of the worker's ways of finding a culprit are used:

- **in the database**: the test adds to its own database a CHECK that refuses ledger rows
  whose transactionId starts with a given prefix (a stand-in for any value the database
  cannot take), and drops it after; the error names no command, so the worker bisects;
- **while deciding**: a rule monkeypatched to raise for another prefix; the failure
  names its command, so the worker runs the batch again without it.

The second half counts the transactions each case costs (none more when nothing fails).
One file past the usual length, on purpose: both halves share the poisons and the worker.
"""

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

import aio_pika
import asyncpg
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from casino.audit import check_ledger
from casino.database import Database, LedgerPool, open_ledger_pool
from casino.wallet import batch, handlers, isolation, rules
from casino.wallet.book import Book
from casino.wallet.errors import CommandNotApplicableError
from contracts.errors import ErrorCode
from contracts.rpc import (
    WALLET_BATCH_TYPE,
    AnyWalletCommand,
    BatchedWalletCommand,
    CreditCommand,
    DebitCommand,
    RollbackCommand,
    RpcReply,
    WalletBatch,
    WalletBatchReply,
)
from contracts.wallet import DebitRequest
from tests.integration.casino.rpc import REPLY_TIMEOUT_SECONDS, WalletRpc
from tests.integration.casino.support import (
    NewSession,
    PlayerSession,
    bet,
    cancel,
    new_id,
    payout,
)
from tests.integration.casino.test_wallet_worker import UNREACHABLE_DATABASE, running_worker

pytestmark = pytest.mark.integration

GOOD_WALLETS = 100  # five good commands each
POISONED = 50  # half refused by the database, half failing while being decided
OPENING = 10_000
ISOLATED = "casino_wallet_isolated_failures_total"


@dataclass(frozen=True)
class Sent:
    """A command sent, and the error code its real outcome has (None: accepted)."""

    command: AnyWalletCommand
    expected: ErrorCode | None = None

    @property
    def transaction_id(self) -> str:
        return str(getattr(self.command.request, "transaction_id", ""))


@asynccontextmanager
async def database_refusing(database: Database, prefix: str) -> AsyncIterator[None]:
    """The ledger refuses rows whose transactionId starts with `prefix` (hex and dashes
    only, so it can be written into the DDL), until the block ends."""
    name = f"test_refuse_{uuid.uuid4().hex[:12]}"
    async with database.begin() as db:
        await db.execute(
            text(
                f"ALTER TABLE casino_transactions ADD CONSTRAINT {name}"
                f" CHECK (NOT starts_with(transaction_id, '{prefix}')) NOT VALID"
            )
        )
    try:
        yield
    finally:
        async with database.begin() as db:
            await db.execute(text(f"ALTER TABLE casino_transactions DROP CONSTRAINT {name}"))


@pytest.fixture
def failing_while_deciding(monkeypatch: pytest.MonkeyPatch) -> str:
    """A prefix of transactionIds whose debits make the debit rule raise."""
    prefix = f"poison-py-{uuid.uuid4().hex}"
    decide_debit = rules.debit

    def debit(book: Book, request: DebitRequest) -> RpcReply:
        if request.transaction_id.startswith(prefix):
            raise RuntimeError("a rule failed on this command")
        return decide_debit(book, request)

    monkeypatch.setattr(rules, "debit", debit)
    return prefix


async def call_batch(rpc: WalletRpc, commands: Sequence[AnyWalletCommand]) -> list[RpcReply]:
    """Send `commands` as one batch message, as the gateway does under load; the replies."""
    correlation_id = uuid.uuid4().hex
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    rpc.waiting[correlation_id] = future
    body = WalletBatch(
        commands=[
            BatchedWalletCommand(correlation_id=f"{correlation_id}-{n}", command=command)
            for n, command in enumerate(commands)
        ]
    ).model_dump_json(by_alias=True)
    await rpc.channel.default_exchange.publish(
        aio_pika.Message(
            body.encode(),
            content_type="application/json",
            correlation_id=correlation_id,
            reply_to=rpc.replies.name,
            type=WALLET_BATCH_TYPE,
        ),
        routing_key=rpc.queue,
    )
    reply = await asyncio.wait_for(future, REPLY_TIMEOUT_SECONDS)
    return WalletBatchReply.model_validate_json(reply.body).replies


def good_commands(session: PlayerSession) -> list[Sent]:
    """Five commands whose outcomes do not depend on their order: two bets and a win that
    fit, a bet no balance of the wallet covers, and a rollback of a bet never placed."""
    return [
        Sent(DebitCommand(request=bet(session, 100, round_id="r1"))),
        Sent(DebitCommand(request=bet(session, 200, round_id="r2"))),
        Sent(CreditCommand(request=payout(session, 50, round_id="r3"))),
        Sent(
            DebitCommand(request=bet(session, 1_000_000, round_id="r4")),
            ErrorCode.INSUFFICIENT_FUNDS,
        ),
        Sent(RollbackCommand(request=cancel(session, new_id("never-placed")))),
    ]


def poisoned(session: PlayerSession, prefix: str) -> Sent:
    request = bet(session, 10, tx=f"{prefix}-{uuid.uuid4().hex[:8]}")
    return Sent(DebitCommand(request=request), ErrorCode.COMMAND_NOT_APPLICABLE)


def isolated(cause: str) -> float:
    return REGISTRY.get_sample_value(ISOLATED, {"command": "debit", "cause": cause}) or 0.0


async def stored(database: Database, table: str, ids: list[Any], column: str) -> dict[Any, Any]:
    """`column` of the rows of `table` whose key (`transaction_id` or `id`) is in `ids`."""
    key = "transaction_id" if table == "casino_transactions" else "id"
    async with database() as db:
        rows = await db.execute(
            text(f"SELECT {key} AS key, {column} AS value FROM {table} WHERE {key} = ANY(:ids)"),
            {"ids": ids},
        )
        return {row.key: row.value for row in rows}


async def test_fifty_poisoned_commands_among_five_hundred_harm_none_of_them(
    amqp_url: str,
    ledger: LedgerPool,
    database: Database,
    casino_database_url: str,
    new_session: NewSession,
    failing_while_deciding: str,
    unique: str,
) -> None:
    refused_by_the_database = f"poison-db-{uuid.uuid4().hex}"
    good_sessions = await asyncio.gather(*(new_session(OPENING) for _ in range(GOOD_WALLETS)))
    poison_sessions = await asyncio.gather(*(new_session(1_000) for _ in range(POISONED)))
    good = [sent for session in good_sessions for sent in good_commands(session)]
    poison = [
        poisoned(session, refused_by_the_database if n % 2 else failing_while_deciding)
        for n, session in enumerate(poison_sessions)
    ]
    mixed = good + poison
    chance = random.Random(17)
    chance.shuffle(mixed)
    batches, rest = [], mixed
    while rest:
        size = chance.randint(5, 40)
        batches.append(rest[:size])
        rest = rest[size:]
    before = {cause: isolated(cause) for cause in ("CheckViolationError", "RuntimeError")}

    async with (
        database_refusing(database, refused_by_the_database),
        running_worker(amqp_url, ledger, f"casino.wallet.it-{unique}") as rpc,
    ):
        replies = await asyncio.gather(
            *(call_batch(rpc, [sent.command for sent in sent_batch]) for sent_batch in batches)
        )
        answered = dict(
            zip(
                [sent.transaction_id for sent_batch in batches for sent in sent_batch],
                [reply for batch_replies in replies for reply in batch_replies],
                strict=True,
            )
        )
        # A poisoned command sent again is refused again: nothing was recorded for it.
        again = await call_batch(rpc, [poison[0].command, poison[1].command])

    for sent in mixed:
        reply = answered[sent.transaction_id]
        code = reply.error.code if reply.error else None
        assert code == sent.expected, (sent.command, reply)
        if reply.error:
            assert reply.error.retryable is False
    assert [reply.error.code if reply.error else None for reply in again] == [
        ErrorCode.COMMAND_NOT_APPLICABLE
    ] * 2
    # Every good command's reply is the one its ledger row keeps; no poisoned one has a row.
    rows = await stored(
        database, "casino_transactions", [sent.transaction_id for sent in mixed], "reply"
    )
    assert len(rows) == len(good)
    for sent in good:
        assert RpcReply.model_validate(rows[sent.transaction_id]) == answered[sent.transaction_id]
    balances = await stored(
        database,
        "casino_wallets",
        [session.player.wallet_id for session in (*good_sessions, *poison_sessions)],
        "balance",
    )
    assert [balances[s.player.wallet_id] for s in good_sessions] == [OPENING - 250] * GOOD_WALLETS
    assert [balances[s.player.wallet_id] for s in poison_sessions] == [1_000] * POISONED
    # Each poisoned command was logged and counted once per time it was sent.
    assert isolated("CheckViolationError") - before["CheckViolationError"] == POISONED // 2 + 1
    assert isolated("RuntimeError") - before["RuntimeError"] == POISONED // 2 + 1
    report = await check_ledger(casino_database_url)
    assert report.ok, report.render()


class CountingPool:
    """A ledger pool that counts the connections taken from it: one per transaction."""

    def __init__(self, pool: LedgerPool) -> None:
        self.pool = pool
        self.acquired = 0

    def acquire(self) -> Any:
        self.acquired += 1
        return self.pool.acquire()


async def apply_counting(
    ledger: LedgerPool, commands: Sequence[AnyWalletCommand]
) -> tuple[list[batch.Outcome], int]:
    counting = CountingPool(ledger)
    outcomes = await batch.apply(cast(LedgerPool, counting), commands)
    return outcomes, counting.acquired


async def sixty_four_bets(new_session: NewSession) -> list[AnyWalletCommand]:
    session = await new_session(OPENING)
    return [DebitCommand(request=bet(session, 1, round_id=f"r{n}")) for n in range(64)]


def poison_at(
    commands: list[AnyWalletCommand], position: int, prefix: str
) -> list[AnyWalletCommand]:
    session_token = commands[0].request.session_token
    culprit = DebitRequest(
        session_token=session_token, transaction_id=f"{prefix}-1", round_id="p", amount=1
    )
    return [*commands[:position], DebitCommand(request=culprit), *commands[position:]]


def accepted_but(outcomes: list[batch.Outcome], position: int) -> None:
    assert isinstance(outcomes[position], CommandNotApplicableError)
    others = [outcome for n, outcome in enumerate(outcomes) if n != position]
    assert all(isinstance(o, RpcReply) and o.error is None for o in others), others


async def test_a_batch_where_nothing_fails_takes_one_transaction(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    outcomes, transactions = await apply_counting(ledger, await sixty_four_bets(new_session))
    assert all(isinstance(o, RpcReply) and o.error is None for o in outcomes)
    assert transactions == 1


async def test_a_culprit_that_fails_while_deciding_costs_one_more_transaction(
    ledger: LedgerPool, new_session: NewSession, failing_while_deciding: str
) -> None:
    commands = poison_at(await sixty_four_bets(new_session), 40, failing_while_deciding)
    outcomes, transactions = await apply_counting(ledger, commands)
    accepted_but(outcomes, 40)
    assert transactions == 2


async def test_a_culprit_the_database_refuses_is_found_by_bisection_in_log_n_transactions(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    prefix = f"poison-db-{uuid.uuid4().hex}"
    commands = poison_at(await sixty_four_bets(new_session), 40, prefix)
    async with database_refusing(database, prefix):
        outcomes, transactions = await apply_counting(ledger, commands)
    accepted_but(outcomes, 40)
    # The failed batch, then at most two halves tried per level of 65 → 1 command.
    assert transactions <= 1 + 2 * 7


async def test_a_database_that_is_down_fails_the_batch_at_once_and_retryable(
    new_session: NewSession,
) -> None:
    commands = await sixty_four_bets(new_session)
    unreachable = await open_ledger_pool(UNREACHABLE_DATABASE)
    counting = CountingPool(unreachable)
    body = WalletBatch(
        commands=[
            BatchedWalletCommand(correlation_id=str(n), command=command)
            for n, command in enumerate(commands)
        ]
    ).model_dump_json(by_alias=True)
    try:
        reply = await handlers.answer_batch(cast(LedgerPool, counting), body.encode())
    finally:
        await unreachable.close()
    assert isinstance(reply, WalletBatchReply)
    assert {(r.error.code, r.error.retryable) for r in reply.replies if r.error} == {
        (ErrorCode.WALLET_UNAVAILABLE, True)
    }
    assert len(reply.replies) == 64
    # One attempt and one on a fresh connection: no bisection against a database that is down.
    assert counting.acquired == 2


def test_a_lost_connection_is_the_databases_and_a_refused_value_is_one_commands() -> None:
    assert isolation.is_the_databases(ConnectionRefusedError())
    assert isolation.is_the_databases(asyncpg.CannotConnectNowError())
    assert isolation.is_the_databases(asyncpg.TooManyConnectionsError())
    assert not isolation.is_the_databases(asyncpg.CheckViolationError())
    assert not isolation.is_the_databases(asyncpg.CharacterNotInRepertoireError())
    assert not isolation.is_the_databases(RuntimeError())
