"""Round expiry (`casino.rounds.expiry`) on the real database: rounds left open past the
setting turn expired, in chunks, and the wallet then refuses bets into them but still
takes their payouts and refunds; the periodic job survives a database failure; the
`casino rounds expire` command prints how many it expired."""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from casino import wallet
from casino.database import LedgerPool
from casino.rounds.expiry import expire_periodically, expire_rounds
from contracts.errors import ErrorCode
from contracts.rpc import EndRoundCommand, RpcReply
from contracts.wallet import EndRoundRequest
from tests.integration.casino.support import (
    NewSession,
    PlayerSession,
    accepted,
    bet,
    cancel,
    new_id,
    payout,
    refusal,
)

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)


async def _open_round(ledger: LedgerPool, session: PlayerSession, *, hours_ago: float) -> str:
    """A round with a bet of 100 in it, opened `hours_ago` hours ago (backdated)."""
    round_id = new_id("round")
    accepted(await wallet.debit(ledger, bet(session, 100, round_id=round_id)))
    await ledger.execute(
        "UPDATE casino_rounds SET opened_at = now() - make_interval(secs => $2)"
        " WHERE wallet_id = $1 AND round_id = $3",
        session.player.wallet_id,
        hours_ago * 3600,
        round_id,
    )
    return round_id


async def _status(ledger: LedgerPool, session: PlayerSession, round_id: str) -> tuple[Any, ...]:
    row = await ledger.fetchrow(
        "SELECT status, ended_at IS NOT NULL AS ended FROM casino_rounds"
        " WHERE wallet_id = $1 AND round_id = $2",
        session.player.wallet_id,
        round_id,
    )
    assert row is not None
    return (row["status"], row["ended"])


async def test_rounds_open_past_the_setting_expire_and_others_do_not(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await new_session(10_000)
    old = [await _open_round(ledger, session, hours_ago=50) for _ in range(3)]
    recent = await _open_round(ledger, session, hours_ago=0.5)
    closed = await _open_round(ledger, session, hours_ago=50)
    end = EndRoundRequest(
        session_token=session.token, transaction_id=new_id("end"), round_id=closed
    )
    [ended] = await wallet.apply(ledger, [EndRoundCommand(request=end)])
    assert isinstance(ended, RpcReply)
    accepted(ended)

    expired = await expire_rounds(ledger, 48 * HOUR, chunk=2)  # two chunks and a last one

    assert expired >= len(old)  # other tests' rounds are never that old, but may be
    assert [await _status(ledger, session, round_id) for round_id in old] == [("expired", True)] * 3
    assert await _status(ledger, session, recent) == ("open", False)
    assert await _status(ledger, session, closed) == ("closed", True)
    # Nothing is left to expire: a second run finds none of them.
    assert await expire_rounds(ledger, 48 * HOUR) == 0


async def test_an_expired_round_refuses_bets_but_takes_payouts_and_refunds(
    ledger: LedgerPool, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    round_id = new_id("round")
    placed = bet(session, 300, round_id=round_id)
    accepted(await wallet.debit(ledger, placed))
    await ledger.execute(
        "UPDATE casino_rounds SET opened_at = now() - interval '3 hours'"
        " WHERE wallet_id = $1 AND round_id = $2",
        session.player.wallet_id,
        round_id,
    )
    assert await expire_rounds(ledger, 2 * HOUR) >= 1

    late_bet = await wallet.debit(ledger, bet(session, 50, round_id=round_id))
    assert refusal(late_bet) == ErrorCode.ROUND_CLOSED
    refunded = await wallet.rollback(ledger, cancel(session, placed.transaction_id))
    assert accepted(refunded)["balance"] == 1_000
    paid = await wallet.credit(ledger, payout(session, 70, round_id=round_id))
    assert accepted(paid)["balance"] == 1_070
    assert await _status(ledger, session, round_id) == ("expired", True)


class _FailingFirst:
    """A ledger pool whose first `execute` fails as a database that went away would."""

    def __init__(self, pool: LedgerPool) -> None:
        self.pool = pool
        self.calls = 0

    async def execute(self, query: str, *args: object) -> str:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionResetError("the database went away")
        return str(await self.pool.execute(query, *args))


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time")


async def test_the_periodic_job_logs_a_failure_and_goes_on(
    ledger: LedgerPool, new_session: NewSession, caplog: pytest.LogCaptureFixture
) -> None:
    session = await new_session(1_000)
    round_id = await _open_round(ledger, session, hours_ago=5)
    flaky = _FailingFirst(ledger)
    caplog.set_level(logging.INFO, logger="casino.rounds.expiry")

    job = asyncio.create_task(expire_periodically(flaky, older_than=4 * HOUR, every_seconds=0.05))
    try:

        async def expired() -> bool:
            return bool((await _status(ledger, session, round_id))[0] == "expired")

        await _eventually(expired)
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
    assert flaky.calls >= 2
    assert any("round expiry failed" in r.getMessage() for r in caplog.records)
    assert any(r.exc_info and "went away" in str(r.exc_info[1]) for r in caplog.records)


async def test_the_expire_command_prints_how_many_it_expired(
    ledger: LedgerPool, new_session: NewSession, casino_database_url: str
) -> None:
    session = await new_session(1_000)
    rounds = [await _open_round(ledger, session, hours_ago=3) for _ in range(2)]

    process = await asyncio.create_subprocess_exec(
        "casino",
        "rounds",
        "expire",
        "--older-than-hours",
        "2.5",
        env={**os.environ, "CASINO_DATABASE_URL": casino_database_url},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()

    assert process.returncode == 0
    words = out.decode().split()
    assert words[0] == "expired"
    assert int(words[1]) >= 2
    assert "2.5 hours" in out.decode()
    assert [await _status(ledger, session, r) for r in rounds] == [("expired", True)] * 2
