"""An operator's view of the dead-letter queues (`casino.dead_letters`) over a real RabbitMQ:
listing leaves every message in place and in order, requeue puts the command back on its
command queue (with an expiration, without reply_to) before removing the dead copy, discard
removes one for good, and `casino dead-letters` does the same from a shell.

Each test has command queues of its own (`unique`), deleted afterwards; messages become
dead letters the way production's do: RabbitMQ dead-letters a command that expired
unconsumed, or one a consumer rejected.
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
import pytest_asyncio

from casino.dead_letters import inspect, messages
from casino.dead_letters.inspect import (
    RequeueFailedError,
    UnknownDeadLetterQueueError,
    discard,
    list_dead_letters,
    requeue,
)
from contracts import topology

pytestmark = pytest.mark.integration

EXPIRY_SECONDS = 0.05


@pytest_asyncio.fixture(loop_scope="session")
async def queues(amqp_url: str, unique: str) -> AsyncIterator[tuple[str, str]]:
    """Two command queues of this test's own, declared with their dead-lettering; the
    second's dead-letter queue is never declared (a lobby nobody started)."""
    wallet, lobby = f"casino.dladmin.it-{unique}", f"casino.dladmin-lobby.it-{unique}"
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        spec, dead = topology.command_queue(wallet), topology.dead_letter_queue(wallet)
        await channel.declare_queue(spec.name, durable=True, arguments=spec.arguments)
        exchange = await channel.declare_exchange(
            topology.DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        dead_queue = await channel.declare_queue(dead.name, durable=True, arguments=dead.arguments)
        await dead_queue.bind(exchange, routing_key=dead.name)
    yield wallet, lobby
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        for name in (wallet, topology.dead_letter_routing_key(wallet)):
            await channel.queue_delete(name)


def dead(queue: str) -> str:
    return topology.dead_letter_routing_key(queue)


async def count(amqp_url: str, queue: str) -> int:
    async with await aio_pika.connect(amqp_url) as connection:
        declared = await (await connection.channel()).declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0


async def wait_for(amqp_url: str, queue: str, expected: int) -> None:
    for _ in range(100):
        if await count(amqp_url, queue) == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{queue} never held {expected} messages")


async def expire(amqp_url: str, queue: str, *commands: tuple[bytes, dict[str, Any]]) -> None:
    """Publish each (body, properties) to `queue` with a short expiration (unless the
    properties say another) and no consumer: RabbitMQ dead-letters each as `expired`."""
    before = await count(amqp_url, dead(queue))
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        for body, properties in commands:
            message = aio_pika.Message(body, **{"expiration": EXPIRY_SECONDS, **properties})
            await channel.default_exchange.publish(message, routing_key=queue)
    await wait_for(amqp_url, dead(queue), before + len(commands))


def wallet_command(n: int) -> tuple[bytes, dict[str, Any]]:
    body = json.dumps({"type": "debit", "request": {"transactionId": f"bet-{n}"}}).encode()
    return body, {
        "correlation_id": f"message-{n}",
        "content_type": "application/json",
        "reply_to": "gateway.replies.gone",
        "headers": {"x-correlation-id": f"request-{n}"},
    }


async def test_a_listing_shows_each_dead_letter_and_leaves_it_in_place(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, lobby = queues
    await expire(amqp_url, wallet, wallet_command(1), wallet_command(2))
    before = datetime.now(UTC)

    first = await list_dead_letters(amqp_url, command_queues=queues)
    again = await list_dead_letters(amqp_url, command_queues=queues)

    assert [(x.queue, x.message_key, x.reason) for x in first] == [
        (dead(wallet), "message-1", "expired"),
        (dead(wallet), "message-2", "expired"),
    ]
    assert again == first  # same keys, same order, same contents
    assert await count(amqp_url, dead(wallet)) == 2
    letter = first[0]
    assert letter.command == {"type": "debit", "request": {"transactionId": "bet-1"}}
    assert letter.command_queue == wallet
    assert letter.first_death_at is not None
    assert before - timedelta(minutes=1) < letter.first_death_at <= before + timedelta(seconds=1)
    assert letter.headers["x-correlation-id"] == "request-1"
    [death] = letter.headers["x-death"]
    assert (death["queue"], death["reason"]) == (wallet, "expired")
    assert death["original-expiration"] == "50"
    json.dumps(letter.headers)  # JSON-safe, for a page or --json
    assert lobby not in {x.queue for x in first}


async def test_a_rejected_unreadable_message_is_named_by_its_message_id(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, _ = queues
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        await channel.default_exchange.publish(
            aio_pika.Message(b"\xff\xfe not json"), routing_key=wallet
        )
        poison = await (await channel.get_queue(wallet)).get(timeout=5)
        await poison.reject(requeue=False)
    await wait_for(amqp_url, dead(wallet), 1)

    [letter] = await list_dead_letters(amqp_url, command_queues=queues)
    [same] = await list_dead_letters(amqp_url, command_queues=queues)

    assert letter.reason == "rejected"
    assert letter.command == {"unreadable": "\ufffd\ufffd not json"}
    # No correlation id: the message id its publisher's client gave it.
    assert poison.message_id
    assert letter.message_key == same.message_key == poison.message_id


def test_a_message_without_ids_is_named_by_a_digest_of_its_contents() -> None:
    headers = {"x-death": [{"reason": "rejected", "count": 1}]}
    key = messages.message_key(None, None, b"poison", headers)

    assert key.startswith("sha256:")
    assert messages.message_key(None, None, b"poison", dict(headers)) == key
    assert messages.message_key(None, None, b"poison!", headers) != key
    assert messages.message_key("corr", "msg", b"poison", headers) == "corr"
    assert messages.message_key(None, "msg", b"poison", headers) == "msg"


async def test_a_limit_and_a_failure_while_reading_lose_nothing(
    amqp_url: str, queues: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wallet, _ = queues
    await expire(amqp_url, wallet, *(wallet_command(n) for n in range(3)))

    [one] = await list_dead_letters(amqp_url, limit=1, command_queues=queues)
    assert one.message_key == "message-0"
    read = 0

    def fails_on_the_third(body: bytes) -> dict[str, Any]:
        nonlocal read
        read += 1
        if read == 3:
            raise RuntimeError("a bug while reading")
        return messages.command_of(body)

    monkeypatch.setattr(messages, "command_of", fails_on_the_third)
    with pytest.raises(RuntimeError, match="a bug while reading"):
        await list_dead_letters(amqp_url, command_queues=queues)
    monkeypatch.undo()

    listed = await list_dead_letters(amqp_url, command_queues=queues)
    assert [x.message_key for x in listed] == ["message-0", "message-1", "message-2"]
    with pytest.raises(ValueError, match="at least one"):
        await list_dead_letters(amqp_url, limit=0, command_queues=queues)


async def test_requeue_publishes_the_command_back_then_removes_the_dead_copy(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, _ = queues
    body, properties = wallet_command(2)
    # Two seconds: long enough for the requeued copy to be read before it expires again.
    batch = {**properties, "type": "wallet.batch", "expiration": 2}
    await expire(amqp_url, wallet, wallet_command(1), (body, batch))

    assert await requeue(amqp_url, dead(wallet), "message-2", command_queues=queues) is True

    assert [x.message_key for x in await list_dead_letters(amqp_url, command_queues=queues)] == [
        "message-1"
    ]
    async with await aio_pika.connect(amqp_url) as connection:
        channel = await connection.channel()
        back = await (await channel.get_queue(wallet)).get(no_ack=True, timeout=5)
    assert back.body == body
    assert back.correlation_id == "message-2"
    assert back.type == "wallet.batch"  # a batch stays a batch
    assert back.content_type == "application/json"
    assert back.reply_to is None  # its caller is gone: no reply to send
    assert back.expiration == pytest.approx(2)  # its caller's timeout again
    assert back.headers["x-correlation-id"] == "request-2"
    assert "x-death" not in back.headers
    assert "casino-requeued-at" in back.headers
    assert await requeue(amqp_url, dead(wallet), "message-2", command_queues=queues) is False


async def test_a_requeued_command_nobody_takes_expires_back_to_the_dead_letters(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, _ = queues
    await expire(amqp_url, wallet, wallet_command(1))

    assert await requeue(amqp_url, dead(wallet), "message-1", command_queues=queues)
    await wait_for(amqp_url, dead(wallet), 1)  # no worker: not applied later by surprise

    [letter] = await list_dead_letters(amqp_url, command_queues=queues)
    assert (letter.message_key, letter.reason) == ("message-1", "expired")
    [death] = letter.headers["x-death"]
    assert death["count"] == 1


async def test_a_requeue_the_broker_refuses_leaves_the_dead_letter(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, _ = queues
    await expire(amqp_url, wallet, wallet_command(1))
    async with await aio_pika.connect(amqp_url) as connection:
        await (await connection.channel()).queue_delete(wallet)  # no worker declares it

    with pytest.raises(RequeueFailedError, match="did not take the command back"):
        await requeue(amqp_url, dead(wallet), "message-1", command_queues=queues)

    assert [x.message_key for x in await list_dead_letters(amqp_url, command_queues=queues)] == [
        "message-1"
    ]


async def test_discard_removes_one_dead_letter_for_good(
    amqp_url: str, queues: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    wallet, lobby = queues
    await expire(amqp_url, wallet, wallet_command(1), wallet_command(2), wallet_command(3))

    with caplog.at_level("WARNING", logger=inspect.__name__):
        assert await discard(
            amqp_url, dead(wallet), "message-2", reason="duplicate of bet-2", command_queues=queues
        )
    assert await discard(amqp_url, dead(wallet), "message-2", command_queues=queues) is False
    assert await discard(amqp_url, dead(lobby), "message-1", command_queues=queues) is False

    listed = await list_dead_letters(amqp_url, command_queues=queues)
    assert [x.message_key for x in listed] == ["message-1", "message-3"]
    [record] = [r for r in caplog.records if r.getMessage() == "dead letter discarded"]
    assert getattr(record, "reason", None) == "duplicate of bet-2"


async def test_only_a_command_queue_s_dead_letters_can_be_acted_on(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, _ = queues
    for act in (requeue, discard):
        with pytest.raises(UnknownDeadLetterQueueError, match="not a dead-letter queue"):
            await act(amqp_url, wallet, "message-1", command_queues=queues)
    with pytest.raises(UnknownDeadLetterQueueError):
        await requeue(amqp_url, "casino.wallet.v2.dead", "message-1", command_queues=queues)


async def _casino(amqp_url: str, wallet: str, lobby: str, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        "dead-letters",
        *args,
        env={**os.environ, "AMQP_URL": amqp_url, "WALLET_QUEUE": wallet, "LOBBY_QUEUE": lobby},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_command_lists_requeues_and_discards(
    amqp_url: str, queues: tuple[str, str]
) -> None:
    wallet, lobby = queues
    await expire(amqp_url, wallet, wallet_command(1), wallet_command(2))

    status, out, _ = await _casino(amqp_url, wallet, lobby, "list")
    assert status == 0
    assert f"{dead(wallet)}  message-1  expired" in out
    assert '"transactionId": "bet-1"' in out
    assert out.rstrip().endswith("2 dead letters")
    status, out, _ = await _casino(amqp_url, wallet, lobby, "list", "--json")
    assert status == 0
    assert [x["messageKey"] for x in json.loads(out)] == ["message-1", "message-2"]

    status, out, err = await _casino(
        amqp_url, wallet, lobby, "discard", dead(wallet), "message-1", "--reason", "a test's"
    )
    assert status == 0
    assert "discarded (reason: a test's)" in out
    assert "a test's" in err  # logged
    status, out, _ = await _casino(amqp_url, wallet, lobby, "requeue", dead(wallet), "message-2")
    assert (status, out.strip()) == (0, f"{dead(wallet)} message-2: requeued to {wallet}")
    await wait_for(amqp_url, dead(wallet), 1)  # no worker took it in time: back, expired

    status, _, err = await _casino(amqp_url, wallet, lobby, "requeue", dead(wallet), "message-9")
    assert status == 1
    assert "no dead letter 'message-9'" in err
    status, _, err = await _casino(amqp_url, wallet, lobby, "discard", wallet, "x", "--reason", "r")
    assert status == 2
    assert "UNKNOWN_DEAD_LETTER_QUEUE" in err
    assert [x.message_key for x in await list_dead_letters(amqp_url, command_queues=queues)] == [
        "message-2"
    ]
