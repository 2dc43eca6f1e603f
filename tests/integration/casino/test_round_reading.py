"""Reading a round (`casino.rounds.reading.read_round`): every transaction of a roundId in
ledger order, refusals included, its status and the player's net result, for rounds
played through the wallet's own batch functions."""

import asyncio
import json
import os

import pytest
from sqlalchemy import text

from casino import wallet
from casino.database import Database, LedgerPool
from casino.rounds.reading import read_round
from casino.tools.seed import DEMO_PROVIDER_CODE
from contracts.rounds import RoundStatus
from contracts.rpc import CreditCommand, DebitCommand, RollbackCommand
from contracts.wallet import CreditKind
from tests.integration.casino.round_support import free_bet, grant_free_rounds, paid, staked
from tests.integration.casino.support import (
    NewSession,
    accepted,
    balance_of,
    bet,
    cancel,
    new_id,
    payout,
)

pytestmark = pytest.mark.integration


async def test_a_round_lists_its_rows_in_ledger_order_with_its_net_result(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    round_id, other_round = new_id("round"), new_id("round")
    first, second = bet(session, 300, round_id=round_id), bet(session, 200, round_id=round_id)
    too_big = bet(session, 5_000, round_id=round_id)
    elsewhere = bet(session, 10, round_id=other_round)
    refund = cancel(session, second.transaction_id)
    win = payout(session, 450, round_id=round_id, related=first.transaction_id)
    # One batch: its rows share one timestamp, so their order is the chain's.
    await wallet.apply(
        ledger,
        [
            DebitCommand(request=first),
            DebitCommand(request=elsewhere),
            DebitCommand(request=second),
            DebitCommand(request=too_big),
            RollbackCommand(request=refund),
        ],
    )
    await wallet.apply(ledger, [CreditCommand(request=win)])

    reply = await read_round(database, DEMO_PROVIDER_CODE, round_id)

    assert reply is not None
    [played] = reply.rounds
    assert (played.wallet_id, played.currency) == (session.player.wallet_id, "USD")
    steps = [
        (row.type, row.transaction_id, row.amount, row.outcome, row.error_code, row.balance_after)
        for row in played.transactions
    ]
    assert steps == [
        ("debit", first.transaction_id, 300, "accepted", None, 700),
        ("debit", second.transaction_id, 200, "accepted", None, 490),
        ("debit", too_big.transaction_id, 5_000, "rejected", "INSUFFICIENT_FUNDS", 490),
        ("rollback", refund.transaction_id, 200, "accepted", None, 690),
        ("credit", win.transaction_id, 450, "accepted", None, 1_140),
    ]
    assert played.transactions[-1].kind == "win"
    assert played.transactions[3].original_transaction_id == second.transaction_id
    totals = played.totals
    assert (totals.bets, totals.wins, totals.refunds, totals.free_bets) == (500, 450, 200, 0)
    assert totals.net_result == 150
    # The net result is what the round did to the balance (the other round took 10).
    assert await balance_of(database, session.player) == 1_000 + totals.net_result - 10
    assert played.status == RoundStatus.OPEN


async def test_the_wire_form_is_camel_case_json(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    round_id = new_id("round")
    placed = bet(session, 100, round_id=round_id)
    await wallet.debit(ledger, placed)

    reply = await read_round(database, DEMO_PROVIDER_CODE, round_id)

    assert reply is not None
    body = reply.to_wire()
    assert (body["providerCode"], body["roundId"]) == (DEMO_PROVIDER_CODE, round_id)
    rounds = body["rounds"]
    assert isinstance(rounds, list)
    [played] = rounds
    assert played["totals"]["netResult"] == -100
    [row] = played["transactions"]
    assert (row["transactionId"], row["balanceAfter"], row["type"]) == (
        placed.transaction_id,
        900,
        "debit",
    )


async def test_one_round_id_played_from_two_wallets_is_two_rounds(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    alice, bob = await new_session(1_000), await new_session(1_000)
    round_id = new_id("round")
    await wallet.debit(ledger, bet(alice, 100, round_id=round_id))
    await wallet.debit(ledger, bet(bob, 40, round_id=round_id))

    reply = await read_round(database, DEMO_PROVIDER_CODE, round_id)

    assert reply is not None
    assert {(r.wallet_id, r.totals.net_result) for r in reply.rounds} == {
        (alice.player.wallet_id, -100),
        (bob.player.wallet_id, -40),
    }


async def test_a_round_the_casino_never_saw_or_of_an_unknown_provider_is_none(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    round_id = new_id("round")
    await wallet.debit(ledger, bet(session, 100, round_id=round_id))

    assert await read_round(database, DEMO_PROVIDER_CODE, new_id("round")) is None
    assert await read_round(database, "no-such-provider", round_id) is None


async def test_a_round_record_gives_the_status_and_its_times(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    round_id = new_id("round")
    await wallet.debit(ledger, bet(session, 100, round_id=round_id))
    # Written here as the expiry writes it, so this test does not depend on who closes.
    async with database.begin() as db:
        await db.execute(
            text(
                "INSERT INTO casino_rounds (provider_id, wallet_id, round_id, status,"
                " opened_at, ended_at)"
                " SELECT provider_id, wallet_id, round_id, 'expired', now() - interval '3 days',"
                " now() FROM casino_transactions WHERE round_id = :round_id"
                " ON CONFLICT (provider_id, wallet_id, round_id)"
                " DO UPDATE SET status = 'expired', ended_at = now()"
            ),
            {"round_id": round_id},
        )

    reply = await read_round(database, DEMO_PROVIDER_CODE, round_id)

    assert reply is not None
    [played] = reply.rounds
    assert played.status == RoundStatus.EXPIRED
    assert played.opened_at is not None
    assert played.ended_at is not None


async def test_a_free_round_costs_nothing_and_its_bonus_is_the_net_result(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    campaign = await grant_free_rounds(database, session, rounds=1, bet_amount=50)
    round_id = new_id("round")
    accepted(await wallet.debit(ledger, free_bet(session, campaign, 50, round_id)))
    bonus = paid(session, 120, round_id, kind=CreditKind.BONUS, campaign_id=campaign, closes=True)
    accepted(await wallet.credit(ledger, bonus))

    reply = await read_round(database, DEMO_PROVIDER_CODE, round_id)

    assert reply is not None
    [played] = reply.rounds
    assert played.status == RoundStatus.CLOSED
    assert played.ended_at is not None
    assert [(row.type, row.campaign_id, row.kind) for row in played.transactions] == [
        ("debit", campaign, None),
        ("credit", campaign, "bonus"),
    ]
    assert played.transactions[1].closes_round
    totals = played.totals
    assert (totals.bets, totals.free_bets, totals.wins, totals.net_result) == (0, 50, 120, 120)
    assert await balance_of(database, session.player) == 1_120


async def _casino(database_url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        *args,
        env={**os.environ, "CASINO_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, (out or err).decode()


async def test_the_round_command_prints_a_table_with_decimals_and_json(
    ledger: LedgerPool, database: Database, new_session: NewSession, casino_database_url: str
) -> None:
    session = await new_session(1_000)
    round_id = new_id("round")
    placed = staked(session, 300, round_id, jackpot_contribution=3)
    accepted(await wallet.debit(ledger, placed))
    accepted(await wallet.credit(ledger, paid(session, 125, round_id, closes=True)))

    status, table = await _casino(casino_database_url, "round", DEMO_PROVIDER_CODE, round_id)

    assert status == 0
    lines = table.splitlines()
    assert lines[0].startswith(f"round {round_id} of provider {DEMO_PROVIDER_CODE}: closed")
    assert lines[1].endswith("amounts in USD")
    bet_line = next(line for line in lines if placed.transaction_id in line)
    assert bet_line.split()[4:8] == ["3.00", "accepted", "7.00", "jackpot"]
    assert lines[-1] == "net result for the player: -1.75"

    status, printed = await _casino(
        casino_database_url, "round", DEMO_PROVIDER_CODE, round_id, "--json"
    )
    assert status == 0
    reply = await read_round(database, DEMO_PROVIDER_CODE, round_id)
    assert reply is not None
    assert json.loads(printed) == json.loads(json.dumps(reply.to_wire()))

    status, said = await _casino(casino_database_url, "round", DEMO_PROVIDER_CODE, "no-such")
    assert (status, said.strip()) == (1, f"no round 'no-such' of provider '{DEMO_PROVIDER_CODE}'")
