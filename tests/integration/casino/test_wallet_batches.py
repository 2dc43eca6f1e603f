"""Group commit: a batch of wallet commands is decided in order, each on its own, and
committed once; what it comes to is exactly what the same commands one at a time give."""

import json
import random
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text

from casino import wallet
from casino.database import Database, LedgerPool
from casino.wallet.batch import Outcome
from casino.wallet.errors import DuplicateTransactionError, InvalidSessionError
from contracts.errors import ErrorCode
from contracts.rpc import (
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
    RpcReply,
)
from contracts.wallet import GetBalanceRequest
from tests.integration.casino.support import (
    NewSession,
    PlayerSession,
    accepted,
    balance_of,
    bet,
    cancel,
    new_id,
    payout,
    refusal,
)

pytestmark = pytest.mark.integration


async def transactions_committing(database: Database, ids: list[str]) -> int:
    """How many database transactions wrote the rows of `ids` (rows written by one
    transaction share its `xmin`)."""
    async with database() as db:
        query = text(
            "SELECT count(DISTINCT xmin::text) FROM casino_transactions"
            " WHERE transaction_id = ANY(:ids)"
        )
        return int((await db.execute(query, {"ids": ids})).scalar_one())


async def test_a_batch_is_decided_in_order_and_committed_once(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session, other = await new_session(1_000), await new_session(500)
    placed = bet(session, 300)
    reused = bet(session, 999, tx=placed.transaction_id)
    win = payout(session, 50, round_id="round-2")
    commands: list[AnyWalletCommand] = [
        DebitCommand(request=placed),
        DebitCommand(request=placed),  # a retry within the batch: the same reply
        DebitCommand(request=reused),  # the same key, another payload: 409, nothing moved
        DebitCommand(request=bet(other, 600)),  # another wallet: insufficient funds
        RollbackCommand(request=cancel(session, placed.transaction_id)),  # refunds the bet
        CreditCommand(request=win),
        GetBalanceCommand(request=GetBalanceRequest(session_token=session.token)),
        GetBalanceCommand(request=GetBalanceRequest(session_token="no-such-session")),
    ]
    outcomes = await wallet.apply(ledger, commands)

    first, again, duplicate, too_big, refund, paid, balance, unknown = outcomes
    assert isinstance(first, RpcReply)
    assert accepted(first)["balance"] == 700
    assert again == first
    assert isinstance(duplicate, DuplicateTransactionError)
    assert isinstance(too_big, RpcReply)
    assert refusal(too_big) == ErrorCode.INSUFFICIENT_FUNDS
    assert isinstance(refund, RpcReply)
    assert accepted(refund)["balance"] == 1_000
    assert isinstance(paid, RpcReply)
    assert accepted(paid)["balance"] == 1_050
    assert isinstance(balance, RpcReply)
    assert accepted(balance)["balance"] == 1_050
    assert isinstance(unknown, InvalidSessionError)

    assert await balance_of(database, session.player) == 1_050
    assert await balance_of(database, other.player) == 500
    written = [placed.transaction_id, win.transaction_id]
    assert await transactions_committing(database, written) == 1


async def test_a_batch_comes_to_what_the_same_commands_one_by_one_do(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    """Random bets, payouts, rollbacks (of known, unknown and already rolled-back bets,
    before and after payouts) and retries over three wallets, some of them poor: the
    replies and balances of one batch equal those of the same commands sent singly."""
    chooser = random.Random(20261123)
    script = _random_script(chooser, wallets=3, length=120)

    async def play(one_by_one: bool) -> tuple[list[object], list[int]]:
        sessions = [await new_session(balance) for balance in (1_000, 200, 50)]
        run = uuid.uuid4().hex[:8]
        commands = [make(sessions, run) for make in script]
        if one_by_one:
            outcomes = [o for c in commands for o in await wallet.apply(ledger, [c])]
        else:
            outcomes = await wallet.apply(ledger, commands)
        balances = [await balance_of(database, session.player) for session in sessions]
        ids = [c.request.transaction_id for c in commands if not isinstance(c, GetBalanceCommand)]
        commits = await transactions_committing(database, ids)
        assert commits > 1 if one_by_one else commits == 1
        return [_comparable(outcome, run) for outcome in outcomes], balances

    assert await play(one_by_one=False) == await play(one_by_one=True)


Make = Callable[[list[PlayerSession], str], AnyWalletCommand]


def _random_script(chooser: random.Random, wallets: int, length: int) -> list[Make]:
    """Commands as functions of the sessions and a run id, so one script plays twice."""
    script: list[Make] = []
    bets: list[tuple[int, str, str]] = []  # (wallet, bet id, round)
    for step in range(length):
        w = chooser.randrange(wallets)
        kind = chooser.choice(["bet", "bet", "win", "rollback", "retry", "ghost", "balance"])
        if kind == "bet" or not bets:
            amount = chooser.choice([10, 40, 90, 300])
            round_id = f"round-{chooser.randrange(6)}"
            bets.append((w, f"bet-{step}", round_id))
            script.append(_debit(w, f"bet-{step}", amount, round_id))
        elif kind == "win":
            w, _, round_id = chooser.choice(bets)
            script.append(_credit(w, f"win-{step}", chooser.choice([0, 25]), round_id))
        elif kind == "rollback":
            w, bet_id, _ = chooser.choice(bets)
            script.append(_rollback(w, f"rb-{step}", bet_id))
        elif kind == "retry":
            script.append(chooser.choice(script))
        elif kind == "ghost":  # a rollback of a bet that is placed later: a tombstone
            ghost = f"bet-ghost-{step}"
            script.append(_rollback(w, f"rb-{step}", ghost))
            script.append(_debit(w, ghost, 10, "round-ghost"))
        else:
            script.append(_balance(w))
    return script


def _debit(w: int, tx: str, amount: int, round_id: str) -> Make:
    return lambda sessions, run: DebitCommand(
        request=bet(sessions[w], amount, tx=f"{run}-{tx}", round_id=round_id)
    )


def _credit(w: int, tx: str, amount: int, round_id: str) -> Make:
    return lambda sessions, run: CreditCommand(
        request=payout(sessions[w], amount, tx=f"{run}-{tx}", round_id=round_id)
    )


def _rollback(w: int, tx: str, bet_id: str) -> Make:
    return lambda sessions, run: RollbackCommand(
        request=cancel(sessions[w], f"{run}-{bet_id}", tx=f"{run}-{tx}")
    )


def _balance(w: int) -> Make:
    return lambda sessions, run: GetBalanceCommand(
        request=GetBalanceRequest(session_token=sessions[w].token)
    )


def _comparable(outcome: Outcome, run: str) -> object:
    """The outcome with this run's id prefix removed, so two runs can be compared (keys
    sorted: a reply replayed from the ledger's JSONB comes back in another key order)."""
    if isinstance(outcome, Exception):
        return type(outcome).__name__
    return json.dumps(outcome.model_dump(mode="json"), sort_keys=True).replace(f"{run}-", "")


async def test_the_batch_path_is_the_single_command_path(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    """`wallet.debit` is a batch of one: its row is written by its own transaction."""
    session = await new_session(1_000)
    ids = [new_id("bet") for _ in range(3)]
    for tx in ids:
        await wallet.debit(ledger, bet(session, 10, tx=tx))
    assert await transactions_committing(database, ids) == 3
