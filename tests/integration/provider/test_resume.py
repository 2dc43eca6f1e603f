"""The retry queue over the provider's real database and a fake casino: what a crash
leaves pending is settled by the queue's rules, on schedule, by one process at a time.

One module over the usual size: every rule of the queue shares the fake casino and
the pending-row builders defined here, and reads best beside the others.
"""

import asyncio
import json
import uuid
from contextlib import AsyncExitStack
from datetime import timedelta

import asyncpg
import httpx
import pytest
from sqlalchemy import select

from contracts.wallet import CreditRequest, DebitRequest
from provider.backoff import RetrySchedule
from provider.bets import MoneyRequest, new_transaction_id, record_call
from provider.call_queue import pending_calls
from provider.calls import open_calls
from provider.database import make_engine, make_session_factory
from provider.game_rounds import close_abandoned_rounds, open_round
from provider.kinds import BetType
from provider.models import Bet, GameRound, PlayerSession
from provider.resuming import Resumer
from tests.integration.provider.conftest import Provider, ProviderFactory
from tests.integration.provider.test_rounds import launched

pytestmark = pytest.mark.integration

# Long enough that a call put back in the queue is not due again within a test.
SCHEDULE = RetrySchedule(60, 3_600, timedelta(hours=24))


async def new_round(provider: Provider, token: str) -> GameRound:
    async with provider.calls.sessions() as db:
        session = await db.scalar(select(PlayerSession).where(PlayerSession.session_token == token))
    assert session is not None
    return await open_round(provider.calls.sessions, session)


async def left_pending(
    provider: Provider, game_round: GameRound, request: MoneyRequest, amount: int
) -> Bet:
    """A call written by a process that then died: its row, due for the queue at once."""
    sessions = provider.calls.sessions
    return await record_call(sessions, game_round.id, request, amount, in_flight_seconds=0)


def debit(token: str, game_round: GameRound, amount: int) -> DebitRequest:
    return DebitRequest(
        session_token=token,
        transaction_id=new_transaction_id(BetType.BET),
        round_id=str(game_round.id),
        amount=amount,
    )


def credit(token: str, game_round: GameRound, amount: int) -> CreditRequest:
    return CreditRequest(
        session_token=token,
        transaction_id=new_transaction_id(BetType.PAYOUT),
        round_id=str(game_round.id),
        amount=amount,
    )


async def make_due(db: asyncpg.Connection, call: Bet) -> None:
    """Let the backoff run out at once."""
    await db.execute(
        "UPDATE provider_bets SET next_attempt_at = now() WHERE id = $1 AND status = 'pending'",
        call.id,
    )


async def calls_of(db: asyncpg.Connection, game_round: GameRound) -> list[asyncpg.Record]:
    return list(
        await db.fetch(
            "SELECT b.id, b.type, b.transaction_id, b.status, b.resends, b.next_attempt_at,"
            " o.transaction_id AS names FROM provider_bets b"
            " LEFT JOIN provider_bets o ON o.id = b.related_bet_id"
            " WHERE b.round_id = $1 ORDER BY b.created_at",
            game_round.id,
        )
    )


async def round_status(db: asyncpg.Connection, game_round: GameRound) -> str:
    return str(
        await db.fetchval("SELECT status FROM provider_game_rounds WHERE id = $1", game_round.id)
    )


async def log_of(db: asyncpg.Connection, call: Bet) -> list[asyncpg.Record]:
    return list(
        await db.fetch(
            "SELECT action, actor, outcome, error_code, casino_attempts, reason, attempted_at"
            " FROM provider_call_attempts WHERE bet_id = $1 ORDER BY id",
            call.id,
        )
    )


async def test_a_debit_a_crash_left_pending_is_rolled_back_and_the_money_returned(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    bet = await left_pending(provider, game_round, debit(token, game_round, 400), 400)
    await provider.calls.send(bet)  # the casino took the money; its answer was lost
    assert provider.casino.balances[token] == 600

    await Resumer(provider.calls, SCHEDULE, actor="queue under test").resume_due()

    assert provider.casino.balances[token] == 1_000
    assert provider.casino.processed["/casino/debit"] == 1  # never sent again
    rows = await calls_of(db, game_round)
    assert [(r["type"], r["status"]) for r in rows] == [
        ("bet", "unknown"),
        ("rollback", "accepted"),
    ]
    assert rows[1]["names"] == bet.transaction_id != rows[1]["transaction_id"]
    [logged] = await log_of(db, bet)
    assert (logged["action"], logged["actor"], logged["outcome"]) == (
        "roll back",
        "queue under test",
        "unknown",
    )
    assert rows[1]["transaction_id"] in logged["reason"]
    assert await round_status(db, game_round) == "closed"


async def test_a_debit_the_casino_never_saw_is_rolled_back_and_nothing_moves(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    await left_pending(provider, game_round, debit(token, game_round, 400), 400)

    await Resumer(provider.calls, SCHEDULE).resume_due()

    assert provider.casino.processed["/casino/debit"] == 0
    assert provider.casino.balances[token] == 1_000
    rows = await calls_of(db, game_round)
    assert [(r["type"], r["status"]) for r in rows] == [
        ("bet", "unknown"),
        ("rollback", "accepted"),  # a tombstone: a late copy of the debit is refused
    ]
    assert await round_status(db, game_round) == "closed"


async def test_a_debit_whose_rollback_gets_no_answer_leaves_the_rollback_queued(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    await left_pending(provider, game_round, debit(token, game_round, 400), 400)
    provider.casino.fail_before["/casino/rollback"] = 1_000  # the casino never answers

    await Resumer(provider.calls, SCHEDULE).resume_due()

    bet, rollback = await calls_of(db, game_round)
    assert (bet["status"], rollback["status"]) == ("unknown", "pending")
    assert rollback["next_attempt_at"] is not None
    assert await round_status(db, game_round) == "open"

    provider.casino.fail_before["/casino/rollback"] = 0  # it answers again
    await db.execute(
        "UPDATE provider_bets SET next_attempt_at = now() WHERE id = $1", rollback["id"]
    )
    await Resumer(provider.calls, SCHEDULE).resume_due()
    assert [r["status"] for r in await calls_of(db, game_round)] == ["unknown", "accepted"]
    assert await round_status(db, game_round) == "closed"


async def test_a_pending_payout_is_sent_again_on_schedule_until_the_casino_answers(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    payout = await left_pending(provider, game_round, credit(token, game_round, 250), 250)
    provider.casino.fail_before["/casino/credit"] = 6  # two sends of three attempts each
    queue = Resumer(provider.calls, SCHEDULE)

    for _ in range(3):
        await queue.resume_due()
        await make_due(db, payout)

    [row] = await calls_of(db, game_round)
    assert (row["status"], row["resends"], row["next_attempt_at"]) == ("accepted", 3, None)
    assert provider.casino.balances[token] == 1_250  # paid once
    sends = await log_of(db, payout)
    assert [(s["action"], s["outcome"], s["casino_attempts"]) for s in sends] == [
        ("send", "unknown", 3),
        ("send", "unknown", 3),
        ("send", "accepted", 1),
    ]
    assert sends[0]["error_code"] == "WALLET_UNAVAILABLE"
    # exactly the stored body each time (the fake casino refuses another payload)
    decided_body = provider.casino._decided[payout.transaction_id][0]
    assert decided_body == json.loads(payout.request_body or "")
    assert await round_status(db, game_round) == "closed"


async def test_the_waits_between_sends_double_from_the_initial_backoff(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    payout = await left_pending(provider, game_round, credit(token, game_round, 250), 250)
    provider.casino.fail_before["/casino/credit"] = 1_000
    queue = Resumer(provider.calls, SCHEDULE)
    waits = []
    for _ in range(3):
        await queue.resume_due()
        waits.append(
            await db.fetchval(
                "SELECT b.next_attempt_at - a.attempted_at FROM provider_bets b"
                " JOIN provider_call_attempts a ON a.bet_id = b.id WHERE b.id = $1"
                " ORDER BY a.id DESC LIMIT 1",
                payout.id,
            )
        )
        await make_due(db, payout)
    for wait, base in zip(waits, (120, 240, 480), strict=True):
        assert timedelta(seconds=base) <= wait <= timedelta(seconds=base * 1.1)
    provider.casino.fail_before["/casino/credit"] = 0
    await queue.resume_due()


async def test_past_the_horizon_a_payout_waits_for_an_operator(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    payout = await left_pending(provider, game_round, credit(token, game_round, 250), 250)
    await db.execute(
        "UPDATE provider_bets SET created_at = now() - interval '25 hours' WHERE id = $1",
        payout.id,
    )
    provider.casino.fail_before["/casino/credit"] = 3
    queue = Resumer(provider.calls, SCHEDULE)
    await queue.resume_due()

    [row] = await calls_of(db, game_round)
    assert (row["status"], row["next_attempt_at"]) == ("pending", None)
    [listed] = [p for p in await pending_calls(provider.calls.sessions) if p.call.id == payout.id]
    assert listed.state == "exhausted"
    assert (listed.last_error or "").startswith("WALLET_UNAVAILABLE")
    await queue.resume_due()
    assert len(await log_of(db, payout)) == 1  # not sent again by the queue


async def test_a_call_still_with_its_sender_is_left_alone(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    request = credit(token, game_round, 250)
    payout = await record_call(
        provider.calls.sessions, game_round.id, request, 250, in_flight_seconds=60
    )
    await Resumer(provider.calls, SCHEDULE).resume_due()
    assert provider.casino.processed["/casino/credit"] == 0
    await make_due(db, payout)  # its sender died: the in-flight period is over
    await Resumer(provider.calls, SCHEDULE).resume_due()
    assert [r["status"] for r in await calls_of(db, game_round)] == ["accepted"]


async def test_two_queues_on_one_database_never_send_the_same_call_twice(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    payouts = [
        await left_pending(provider, game_round, credit(token, game_round, 10), 10)
        for _ in range(20)
    ]
    sent: list[str] = []
    async with AsyncExitStack() as stack:
        queues = []
        for name in ("one", "two"):
            engine = make_engine(provider.settings.provider_database_url.get_secret_value())
            stack.push_async_callback(engine.dispose)
            transport = SlowRecordingTransport(provider.casino.app(), sent)
            calls = await stack.enter_async_context(
                open_calls(provider.settings, make_session_factory(engine), transport)
            )
            queues.append(Resumer(calls, SCHEDULE, actor=f"queue {name}", batch=3))

        async def drain(queue: Resumer) -> None:
            while await queue.resume_due():
                pass

        await asyncio.gather(*map(drain, queues))

    mine = {payout.transaction_id for payout in payouts}
    assert sorted(t for t in sent if t in mine) == sorted(mine)  # each sent exactly once
    assert provider.casino.balances[token] == 1_000 + 20 * 10
    actors = await db.fetch(
        "SELECT a.actor FROM provider_call_attempts a JOIN provider_bets b ON b.id = a.bet_id"
        " WHERE b.round_id = $1",
        game_round.id,
    )
    assert len(actors) == 20
    assert await round_status(db, game_round) == "closed"


class SlowRecordingTransport(httpx.AsyncBaseTransport):
    """The fake casino, a little slow (so two queues overlap), noting each transactionId."""

    def __init__(self, app: object, sent: list[str]) -> None:
        self._inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self._sent = sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._sent.append(json.loads(await request.aread())["transactionId"])
        await asyncio.sleep(0.02)
        return await self._inner.handle_async_request(request)


async def test_a_payout_left_unknown_by_its_round_stays_pending_for_the_queue(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    provider.casino.fail_before["/casino/credit"] = 3  # every attempt of the round
    reply = (
        await provider.simulate(
            token,
            [{"type": "bet", "amount": 100}, {"type": "payout", "amount": 50, "betIndex": 0}],
        )
    ).json()
    assert [r["status"] for r in reply["results"]] == ["accepted", "unknown"]
    game_round = GameRound(id=uuid.UUID(reply["roundId"]))
    _, payout = await calls_of(db, game_round)
    assert (payout["status"], payout["resends"]) == ("pending", 0)
    assert payout["next_attempt_at"] is not None
    assert await round_status(db, game_round) == "open"  # a payout is still owed

    await db.execute("UPDATE provider_bets SET next_attempt_at = now() WHERE id = $1", payout["id"])
    await Resumer(provider.calls, SCHEDULE).resume_due()

    assert [r["status"] for r in await calls_of(db, game_round)] == ["accepted", "accepted"]
    assert provider.casino.balances[token] == 1_000 - 100 + 50
    assert await round_status(db, game_round) == "closed"


async def test_a_starting_provider_resumes_what_is_due_and_is_ready_at_once(
    provider: Provider, start_provider: ProviderFactory, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    payout = await left_pending(provider, game_round, credit(token, game_round, 250), 250)

    async with start_provider(casino=provider.casino, pending_resume_interval_seconds=0.2) as new:
        assert (await new.http.get("/ready")).status_code == 200
        for _ in range(100):
            if await db.fetchval("SELECT status FROM provider_bets WHERE id = $1", payout.id) != (
                "pending"
            ):
                break
            await asyncio.sleep(0.1)
        metrics = (await new.http.get("/metrics")).text

    assert [r["status"] for r in await calls_of(db, game_round)] == ["accepted"]
    assert provider.casino.balances[token] == 1_250
    assert await round_status(db, game_round) == "closed"
    assert 'provider_retry_queue_total{outcome="accepted",type="payout"}' in metrics


async def test_a_round_abandoned_between_two_calls_is_closed(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(provider, unique, 1_000)
    abandoned, playing = await new_round(provider, token), await new_round(provider, token)
    await db.execute(
        "UPDATE provider_game_rounds SET created_at = now() - interval '1 hour' WHERE id = $1",
        abandoned.id,
    )
    await close_abandoned_rounds(provider.calls.sessions, idle_seconds=60)
    assert await round_status(db, abandoned) == "closed"
    assert await round_status(db, playing) == "open"
