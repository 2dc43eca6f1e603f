"""The wallet's partitions shared by two workers (`casino.consuming.partitions`): a
session's commands are applied in the order sent, and a worker killed under load leaves
its partitions to the other within seconds, with every command applied exactly once.

Order is read from the ledger itself: a wallet's debits chain (each row's balance_before
is the previous row's balance_after), so sorting its rows by balance_before, highest
first, is the order they were applied in; debit k of a session carries amount k.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid

import pytest

from casino.consuming.partitions import PartitionShare
from contracts.rpc import DebitCommand
from gateway.callbacks.batching import WalletBatcher
from gateway.callbacks.partitions import partition_of
from gateway.rpc import RpcClient
from tests.scaleout.conftest import PARTITIONS, WORKERS, ScaleOut
from tests.support.callbacks import WalletCallbacks
from tests.support.casino_world import CasinoWorld, Player, Session
from tests.support.processes import BIN

pytestmark = [pytest.mark.e2e, pytest.mark.scaleout]

BALANCE = 1_000_000


async def sessions_on_every_partition(world: CasinoWorld, per_partition: int) -> list[Session]:
    """Sessions (one player each) until every partition has `per_partition` of them."""
    game = await world.game()
    found: dict[int, list[Session]] = {n: [] for n in range(PARTITIONS)}
    while any(len(sessions) < per_partition for sessions in found.values()):
        session = await world.session(await world.player(BALANCE), game)
        bucket = found[partition_of(session.token, PARTITIONS)]
        if len(bucket) < per_partition:
            bucket.append(session)
        else:
            await world.end(session)
    return [session for sessions in found.values() for session in sessions]


async def applied_amounts(world: CasinoWorld, player: Player) -> list[int]:
    """The amounts of the wallet's accepted debits, in the order they were applied."""
    rows = await world.ledger(player)
    assert all(row["type"] == "debit" and row["outcome"] == "accepted" for row in rows)
    chain = sorted(rows, key=lambda row: -row["balance_after"])
    return [int(row["amount"]) for row in chain]


def debit(session: Session, number: int) -> DebitCommand:
    return DebitCommand.model_validate(
        {
            "request": {
                "sessionToken": session.token,
                "transactionId": f"order-{session.id}-{number}",
                "roundId": f"round-{session.id}",
                "amount": number,
            }
        }
    )


async def test_a_sessions_commands_are_applied_in_the_order_sent(
    scaleout: ScaleOut, world: CasinoWorld, amqp_url: str
) -> None:
    """The gateway's own batcher and RPC client, several messages in flight per partition:
    each session's numbered debits are queued in order (without waiting for replies), and
    must come out of the ledger in that order."""
    sessions = await sessions_on_every_partition(world, per_partition=2)
    numbers = range(1, 31)
    client = RpcClient(amqp_url)
    await client.start()
    batcher = WalletBatcher(client, max_in_flight=3, partitions=PARTITIONS, max_commands=4)
    try:
        deadline = time.monotonic() + 10
        while not client.ready:
            assert time.monotonic() < deadline, "the RPC client did not connect"
            await asyncio.sleep(0.05)
        calls = [
            asyncio.create_task(
                batcher.call(
                    scaleout.wallet_queue,
                    debit(session, number),
                    reply_within=20,
                    correlation_id=uuid.uuid4().hex,
                )
            )
            for number in numbers
            for session in sessions
        ]
        replies = await asyncio.gather(*calls)
    finally:
        await batcher.close()
        await client.close()

    assert [reply.error for reply in replies if reply.error is not None] == []
    for session in sessions:
        assert await applied_amounts(world, session.player) == list(numbers)


async def test_a_killed_worker_leaves_its_partitions_to_the_other(
    scaleout: ScaleOut, world: CasinoWorld, callbacks: WalletCallbacks
) -> None:
    """Under load through the gateway, SIGKILL worker 0: the partitions it served are
    served again within 10 s, every caller is answered (success, or WALLET_UNAVAILABLE
    whose retry with the same transactionId succeeds), every debit is applied exactly
    once and in order, and the ledger check passes."""
    sessions = await sessions_on_every_partition(world, per_partition=2)
    victim_home = PartitionShare(PARTITIONS, WORKERS, 0).home
    stop_at = time.monotonic() + 1e9
    killed_at: float | None = None
    served: dict[int, list[float]] = {n: [] for n in range(PARTITIONS)}
    retried: list[str] = []
    sent: dict[Session, list[int]] = {session: [] for session in sessions}

    async def play(session: Session) -> None:
        partition = partition_of(session.token, PARTITIONS)
        number = 0
        while time.monotonic() < stop_at:
            number += 1
            tx = f"failover-{session.id}-{number}"
            give_up = time.monotonic() + 20
            while True:
                response = await callbacks.debit(
                    session.token, number, tx=tx, round_id=f"round-{session.id}"
                )
                if response.status_code == 200:
                    break
                error = response.json()
                assert response.status_code == 503, error
                assert error["code"] == "WALLET_UNAVAILABLE", error
                assert error["retryable"] is True, error
                assert time.monotonic() < give_up, f"{tx} never succeeded on retry"
                retried.append(tx)
            sent[session].append(number)
            served[partition].append(time.monotonic())

    players = [asyncio.create_task(play(session)) for session in sessions]
    await asyncio.sleep(2)
    scaleout.workers[0].kill()
    killed_at = time.monotonic()
    stop_at = killed_at + 12
    await asyncio.gather(*players)

    for partition in victim_home:
        after = [t for t in served[partition] if t > killed_at]
        assert after, f"partition {partition} was never served again"
        assert after[0] - killed_at < 10, f"partition {partition} waited {after[0] - killed_at}s"
    for session, numbers in sent.items():
        assert numbers, "every session was answered"
        assert await applied_amounts(world, session.player) == numbers
        assert await world.balance(session.player) == BALANCE - sum(numbers)
    check = await asyncio.to_thread(
        subprocess.run,
        [str(BIN / "casino"), "check-ledger"],
        env={**os.environ, **scaleout.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
