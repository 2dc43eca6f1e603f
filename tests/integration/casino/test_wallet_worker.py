"""The wallet worker over a real RabbitMQ: commands in, one reply each to `reply_to`."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
import pytest
from sqlalchemy import text

from casino.database import Database, LedgerPool, open_ledger_pool
from casino.wallet.consumer import build_wallet_broker
from contracts.rpc import DebitCommand, GetBalanceCommand, RpcReply
from contracts.wallet import GetBalanceRequest
from tests.integration.casino.rpc import WalletRpc, wallet_rpc
from tests.integration.casino.support import NewSession, PlayerSession, balance_of, bet, ledger_rows

pytestmark = pytest.mark.integration

PREFETCH = 16
UNREACHABLE_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:1/casino"


@asynccontextmanager
async def running_worker(amqp_url: str, ledger: LedgerPool, queue: str) -> AsyncIterator[WalletRpc]:
    """A wallet worker on its own queue, and a caller. When the worker has stopped, every
    command it answered must have been acknowledged: none is left to be redelivered."""
    broker = build_wallet_broker(amqp_url, ledger, queue=queue, prefetch=PREFETCH)
    try:
        async with broker, wallet_rpc(amqp_url, queue) as rpc:
            await broker.start()
            yield rpc
    finally:
        async with await aio_pika.connect(amqp_url) as connection:
            deleted = await (await connection.channel()).queue_delete(queue)
    assert deleted.message_count == 0


def debit_body(session: PlayerSession, amount: int, tx: str | None = None) -> bytes:
    return DebitCommand(request=bet(session, amount, tx=tx)).model_dump_json(by_alias=True).encode()


def balance_body(session: PlayerSession) -> bytes:
    command = GetBalanceCommand(request=GetBalanceRequest(session_token=session.token))
    return command.model_dump_json(by_alias=True).encode()


async def test_a_debit_is_applied_and_answered_to_reply_to(
    amqp_url: str, ledger: LedgerPool, database: Database, new_session: NewSession, unique: str
) -> None:
    session = await new_session(1_000)
    async with running_worker(amqp_url, ledger, f"casino.wallet.it-{unique}") as rpc:
        body = debit_body(session, 250)
        first = await rpc.call(body)
        again = await rpc.call(body)
    reply = RpcReply.model_validate_json(first.body)
    assert reply.result is not None
    assert reply.result["balance"] == 750
    # A redelivered or retried command is answered from the ledger, byte for byte.
    assert again.body == first.body
    assert await balance_of(database, session.player) == 750
    assert len(await ledger_rows(database, str(reply.result["transactionId"]))) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "INVALID_REQUEST"),
        (b'{"command": "debit", "request": {"sessionToken": "t"}}', "INVALID_REQUEST"),
        (b'{"command": "steal", "request": {}}', "INVALID_REQUEST"),
        (
            b'{"command": "debit", "request": {"sessionToken": "t", "transactionId": "x",'
            b' "roundId": "r", "amount": 10.5}}',
            "INVALID_AMOUNT",
        ),
    ],
)
async def test_a_malformed_command_gets_an_error_reply(
    amqp_url: str, ledger: LedgerPool, unique: str, body: bytes, code: str
) -> None:
    async with running_worker(amqp_url, ledger, f"casino.wallet.it-{unique}") as rpc:
        parsed = RpcReply.model_validate_json((await rpc.call(body)).body)
    assert parsed.error is not None
    assert (parsed.error.code, parsed.error.retryable) == (code, False)


async def test_a_database_failure_is_a_retryable_reply(
    amqp_url: str, new_session: NewSession, unique: str
) -> None:
    session = await new_session(1_000)
    unreachable = await open_ledger_pool(UNREACHABLE_DATABASE)
    try:
        queue = f"casino.wallet.it-{unique}"
        async with running_worker(amqp_url, unreachable, queue) as rpc:
            reply = RpcReply.model_validate_json((await rpc.call(debit_body(session, 1))).body)
    finally:
        await unreachable.close()
    assert reply.error is not None
    assert (reply.error.code, reply.error.retryable) == ("WALLET_UNAVAILABLE", True)


async def test_fifty_copies_of_one_debit_through_the_worker_move_money_once(
    amqp_url: str, ledger: LedgerPool, database: Database, new_session: NewSession, unique: str
) -> None:
    session = await new_session(1_000)
    body = debit_body(session, 300)
    async with running_worker(amqp_url, ledger, f"casino.wallet.it-{unique}") as rpc:
        replies = await asyncio.gather(*(rpc.call(body) for _ in range(50)))
    assert {reply.body for reply in replies} == {replies[0].body}
    result = RpcReply.model_validate_json(replies[0].body).result
    assert result is not None
    assert (result["balance"], result["currency"]) == (700, "USD")
    assert await balance_of(database, session.player) == 700


async def test_commands_run_concurrently_one_waiting_wallet_does_not_block_others(
    amqp_url: str, ledger: LedgerPool, database: Database, new_session: NewSession, unique: str
) -> None:
    """While one wallet's row is locked, another player's command is still answered; the
    blocked command is answered once the lock is released."""
    blocked, free = await new_session(1_000), await new_session(2_000)
    async with running_worker(amqp_url, ledger, f"casino.wallet.it-{unique}") as rpc:
        async with database.begin() as blocker:
            await blocker.execute(
                text("SELECT balance FROM casino_wallets WHERE id = :id FOR UPDATE"),
                {"id": blocked.player.wallet_id},
            )
            pending = asyncio.create_task(rpc.call(debit_body(blocked, 100)))
            answered = RpcReply.model_validate_json((await rpc.call(balance_body(free))).body)
            assert answered.result is not None
            assert answered.result["balance"] == 2_000
            assert not pending.done()
        late = RpcReply.model_validate_json((await pending).body)
    assert late.result is not None
    assert late.result["balance"] == 900
