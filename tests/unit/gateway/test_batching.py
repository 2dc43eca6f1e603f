"""The wallet batcher's scheduling, against a fake publisher that holds each message until
the test answers it: what goes alone, what waits, what shares a message, who gets which
reply, and what every caller gets when a message fails.

One module over the usual size on purpose: every test shares the held-message fake
publisher defined here, and the scheduling cases read best side by side."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from contracts.errors import ErrorBody, ErrorCode
from contracts.logs import correlation_id as request_correlation_id
from contracts.rpc import WALLET_BATCH_TYPE, GetBalanceCommand, RpcReply, WalletBatch
from contracts.wallet import GetBalanceRequest
from gateway.callbacks.batching import WalletBatcher
from gateway.errors import GatewayError, WalletUnavailableError


@dataclass
class Sent:
    """One message the batcher published, and the handle to answer it."""

    queue: str
    body: bytes
    options: dict[str, Any]
    log_correlation_id: str
    answer: asyncio.Future[bytes]

    @property
    def tokens(self) -> list[str]:
        """The session tokens of the commands it carries, in its order."""
        if self.options["message_type"] == WALLET_BATCH_TYPE:
            batch = WalletBatch.model_validate_json(self.body)
            return [c.command.request.session_token for c in batch.commands]
        return [json.loads(self.body)["request"]["sessionToken"]]

    def echo(self) -> None:
        """Answer each command with its own token, as the worker would answer in order."""
        replies = [{"result": {"token": token}} for token in self.tokens]
        if self.options["message_type"] == WALLET_BATCH_TYPE:
            self.answer.set_result(json.dumps({"replies": replies}).encode())
        else:
            self.answer.set_result(json.dumps(replies[0]).encode())


@dataclass
class FakePublisher:
    ready: bool = True
    sent: list[Sent] = field(default_factory=list)

    async def request(
        self,
        queue: str,
        body: bytes,
        *,
        reply_within: float,
        expiration: float | None = None,
        message_type: str | None = None,
        correlation_id: str | None = None,
    ) -> bytes:
        answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        options = {
            "reply_within": reply_within,
            "expiration": expiration,
            "message_type": message_type,
            "correlation_id": correlation_id,
        }
        self.sent.append(Sent(queue, body, options, request_correlation_id.get(), answer))
        return await answer


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


def balance(token: str) -> GetBalanceCommand:
    return GetBalanceCommand(request=GetBalanceRequest(session_token=token))


def call(
    batcher: WalletBatcher, token: str, within: float = 5, queue: str = "wallet"
) -> asyncio.Task[RpcReply]:
    """A caller, started now, with its own correlation id in its context (as a request's)."""

    async def one() -> RpcReply:
        request_correlation_id.set(f"corr-{token}")
        return await batcher.call(
            queue, balance(token), reply_within=within, correlation_id=f"corr-{token}"
        )

    return asyncio.create_task(one())


async def settled() -> None:
    """Let every task that can run, run (the batcher publishes in tasks of its own)."""
    for _ in range(5):
        await asyncio.sleep(0)


def tokens_of(replies: list[RpcReply]) -> list[str]:
    return [reply.result["token"] if reply.result else "?" for reply in replies]


async def test_at_low_load_each_command_goes_alone_as_a_plain_message(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)

    for n in range(3):
        caller = call(batcher, f"t{n}")
        await settled()
        publisher.sent[-1].echo()
        assert tokens_of([await caller]) == [f"t{n}"]

    assert [s.tokens for s in publisher.sent] == [["t0"], ["t1"], ["t2"]]
    for n, sent in enumerate(publisher.sent):
        assert sent.options["message_type"] is None
        assert sent.options["correlation_id"] == f"corr-t{n}"
        assert json.loads(sent.body) == {
            "command": "getBalance",
            "request": {"sessionToken": f"t{n}"},
            "provider": None,
        }


async def test_up_to_max_in_flight_messages_leave_at_once_and_the_rest_wait(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=3)

    callers = [call(batcher, f"t{n}") for n in range(10)]
    await settled()

    assert [s.tokens for s in publisher.sent] == [["t0"], ["t1"], ["t2"]]
    publisher.sent[1].echo()
    await settled()

    # Everything that queued up while the slots were taken goes in the next message.
    assert len(publisher.sent) == 4
    assert publisher.sent[3].tokens == [f"t{n}" for n in range(3, 10)]
    assert publisher.sent[3].options["message_type"] == WALLET_BATCH_TYPE
    for sent in (publisher.sent[0], publisher.sent[2], publisher.sent[3]):
        sent.echo()
    assert tokens_of(await asyncio.gather(*callers)) == [f"t{n}" for n in range(10)]


async def test_each_caller_gets_its_own_reply_from_a_batch(publisher: FakePublisher) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    first = call(batcher, "first")
    await settled()
    callers = [call(batcher, f"t{n}") for n in range(5)]
    await settled()
    publisher.sent[0].echo()
    await settled()

    [_, batch] = publisher.sent
    body = WalletBatch.model_validate_json(batch.body)
    assert [c.correlation_id for c in body.commands] == [f"corr-t{n}" for n in range(5)]
    batch.answer.set_result(
        json.dumps({"replies": [{"result": {"token": f"reply-{n}"}} for n in range(5)]}).encode()
    )

    assert tokens_of(await asyncio.gather(*callers)) == [f"reply-{n}" for n in range(5)]
    assert tokens_of([await first]) == ["first"]


async def test_a_message_carries_at_most_max_commands(publisher: FakePublisher) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1, max_commands=3)
    callers = [call(batcher, f"t{n}") for n in range(8)]
    await settled()

    while len(publisher.sent) < 4:
        publisher.sent[-1].echo()
        await settled()
    publisher.sent[-1].echo()

    assert [len(s.tokens) for s in publisher.sent] == [1, 3, 3, 1]
    assert tokens_of(await asyncio.gather(*callers)) == [f"t{n}" for n in range(8)]


async def test_each_queue_has_its_own_slots(publisher: FakePublisher) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)

    call(batcher, "a", queue="wallet-a")
    call(batcher, "b", queue="wallet-b")
    await settled()

    assert [(s.queue, s.tokens) for s in publisher.sent] == [
        ("wallet-a", ["a"]),
        ("wallet-b", ["b"]),
    ]
    for sent in publisher.sent:
        sent.echo()


async def test_a_single_error_reply_to_a_batch_answers_every_caller(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    first = call(batcher, "first")
    await settled()
    callers = [call(batcher, f"t{n}") for n in range(4)]
    await settled()
    publisher.sent[0].echo()
    await settled()

    refusal = RpcReply(error=ErrorBody.of(ErrorCode.INVALID_REQUEST, "not a batch I can read"))
    publisher.sent[1].answer.set_result(refusal.model_dump_json().encode())

    assert await asyncio.gather(*callers) == [refusal] * 4
    await first


@pytest.mark.parametrize(
    "reply",
    [
        {"replies": [{"result": {"token": "only one"}}]},  # fewer replies than commands
        {"result": {"token": "one success for all"}},
        {"neither": True},
    ],
)
async def test_a_reply_that_does_not_match_the_batch_is_an_internal_error_for_every_caller(
    publisher: FakePublisher, reply: dict[str, Any]
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    first = call(batcher, "first")
    await settled()
    callers = [call(batcher, f"t{n}") for n in range(3)]
    await settled()
    publisher.sent[0].echo()
    await settled()

    publisher.sent[1].answer.set_result(json.dumps(reply).encode())
    outcomes = await asyncio.gather(*callers, return_exceptions=True)

    for outcome in outcomes:
        assert isinstance(outcome, GatewayError)
        assert outcome.body.code == ErrorCode.INTERNAL_ERROR
    await first


async def test_a_failed_publish_fails_every_caller_of_that_message_with_its_reason(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    first = call(batcher, "first")
    await settled()
    callers = [call(batcher, f"t{n}") for n in range(3)]
    await settled()
    publisher.sent[0].echo()
    await settled()

    reason = "The casino is not consuming commands; retry later"
    publisher.sent[1].answer.set_exception(WalletUnavailableError(reason))
    outcomes = await asyncio.gather(*callers, return_exceptions=True)

    for outcome in outcomes:
        assert isinstance(outcome, WalletUnavailableError)
        assert outcome.body.error == reason
    # The slot is free again: the next command goes at once.
    after = call(batcher, "after")
    await settled()
    publisher.sent[-1].echo()
    assert tokens_of([await after, await first]) == ["after", "first"]


async def test_a_caller_that_gives_up_while_waiting_is_never_sent(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    first = call(batcher, "first")
    await settled()
    impatient = call(batcher, "impatient", within=0.05)
    patient = call(batcher, "patient")

    with pytest.raises(WalletUnavailableError, match=r"did not answer within 0.05s"):
        await impatient
    publisher.sent[0].echo()
    await settled()

    assert publisher.sent[1].tokens == ["patient"]
    publisher.sent[1].echo()
    assert tokens_of([await patient, await first]) == ["patient", "first"]


async def test_a_batch_expires_with_its_first_caller_and_waits_for_its_last(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    first = call(batcher, "first")
    await settled()
    short, long = call(batcher, "short", within=1), call(batcher, "long", within=4)
    await asyncio.sleep(0.2)
    publisher.sent[0].echo()
    await settled()

    options = publisher.sent[1].options
    # Never applied after "short" was told WALLET_UNAVAILABLE; "long"'s reply still heard.
    assert 0.7 < options["expiration"] <= 0.8
    assert options["reply_within"] > 3.7
    publisher.sent[1].echo()
    assert tokens_of([await short, await long, await first]) == ["short", "long", "first"]


async def test_a_message_is_not_logged_under_one_of_its_callers_correlation_ids(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    callers = [call(batcher, f"t{n}") for n in range(3)]
    await settled()
    publisher.sent[0].echo()
    await settled()

    assert [s.log_correlation_id for s in publisher.sent] == ["", ""]
    publisher.sent[1].echo()
    await asyncio.gather(*callers)


async def test_without_a_broker_connection_a_call_fails_at_once(
    publisher: FakePublisher,
) -> None:
    publisher.ready = False
    batcher = WalletBatcher(publisher, max_in_flight=4)

    with pytest.raises(WalletUnavailableError, match="unreachable"):
        await batcher.call("wallet", balance("t"), reply_within=5, correlation_id="c")
    assert publisher.sent == []


async def test_closing_fails_what_waits_and_what_is_outstanding(
    publisher: FakePublisher,
) -> None:
    batcher = WalletBatcher(publisher, max_in_flight=1)
    callers = [call(batcher, f"t{n}") for n in range(3)]
    await settled()

    await batcher.close()

    for outcome in await asyncio.gather(*callers, return_exceptions=True):
        assert isinstance(outcome, WalletUnavailableError)
