"""The ledger audit's invariants of rounds, free rounds and kinds of payout
(`casino.audit.round_checks`, part of `casino check-ledger`).

Play through the wallet's own batch functions must pass them, on the suite's shared
database; each breakage, written with plain SQL as a bug or a person at a psql prompt
would, is found and named. The breakages are made in a database of their own (some need
a constraint of the schema dropped first), so the shared one stays clean for the other
tests' ledger checks.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import pytest_asyncio

from casino import wallet
from casino.audit import Violation, check_ledger
from casino.database import (
    Database,
    LedgerPool,
    make_database,
    make_engine,
    migrate,
    open_ledger_pool,
)
from casino.rounds.expiry import expire_rounds
from contracts.errors import ErrorCode
from contracts.rpc import (
    CreditCommand,
    DebitCommand,
    EndRoundCommand,
    RollbackCommand,
    RpcReply,
)
from contracts.wallet import CreditKind, EndRoundRequest
from tests.integration.casino.round_support import (
    OwnProvider,
    free_bet,
    grant_free_rounds,
    own_provider,
    paid,
    staked,
)
from tests.integration.casino.support import accepted, cancel, new_id, refusal
from tests.support import infrastructure as infra

pytestmark = pytest.mark.integration


async def test_rounds_free_rounds_and_payouts_played_by_the_wallet_pass_the_audit(
    ledger: LedgerPool, database: Database, casino_database_url: str
) -> None:
    provider = await own_provider(database)
    player = await provider.player(database, 10_000)
    same_batch, ended, expired = new_id("round"), new_id("round"), new_id("round")
    # A bet and the payout closing its round in one batch (they share one timestamp), and
    # a bet refused into it afterwards, in the same batch and in the next.
    outcomes = await wallet.apply(
        ledger,
        [
            DebitCommand(request=staked(player, 100, same_batch, jackpot_contribution=5)),
            CreditCommand(request=paid(player, 250, same_batch, closes=True)),
            DebitCommand(request=staked(player, 100, same_batch)),
        ],
    )
    refused = outcomes[2]
    assert isinstance(refused, RpcReply)
    assert refusal(refused) == ErrorCode.ROUND_CLOSED
    assert refusal(await wallet.debit(ledger, staked(player, 1, same_batch))) == (
        ErrorCode.ROUND_CLOSED
    )
    # A round ended by endRound, and one the casino never saw.
    accepted(await wallet.debit(ledger, staked(player, 100, ended)))
    for round_id in (ended, new_id("round")):
        end = EndRoundRequest(
            session_token=player.token, transaction_id=new_id("end"), round_id=round_id
        )
        [done] = await wallet.apply(ledger, [EndRoundCommand(request=end)])
        assert isinstance(done, RpcReply)
        accepted(done)
    # An expired round settled afterwards, then ended.
    placed = staked(player, 100, expired)
    accepted(await wallet.debit(ledger, placed))
    await ledger.execute(
        "UPDATE casino_rounds SET opened_at = now() - interval '3 days' WHERE round_id = $1",
        expired,
    )
    assert await expire_rounds(ledger, older_than=timedelta(hours=48)) >= 1
    accepted(await wallet.credit(ledger, paid(player, 40, expired, kind=CreditKind.JACKPOT)))
    end = EndRoundRequest(
        session_token=player.token, transaction_id=new_id("end"), round_id=expired
    )
    await wallet.apply(ledger, [EndRoundCommand(request=end)])
    # Free rounds: two played, one refunded, a bonus win; payouts of every kind.
    campaign = await grant_free_rounds(database, player, rounds=2, bet_amount=50)
    first, second = new_id("round"), new_id("round")
    refunded = free_bet(player, campaign, 50, first)
    await wallet.apply(
        ledger,
        [
            DebitCommand(request=refunded),
            RollbackCommand(request=cancel(player, refunded.transaction_id)),
            DebitCommand(request=free_bet(player, campaign, 50, second)),
            CreditCommand(
                request=paid(player, 75, second, kind=CreditKind.BONUS, campaign_id=campaign)
            ),
            CreditCommand(request=paid(player, 10, new_id("promo"), kind=CreditKind.PROMO)),
        ],
    )
    used = await ledger.fetchval(
        "SELECT rounds_used FROM casino_free_round_campaigns WHERE id = $1", campaign
    )
    assert used == 1

    report = await check_ledger(casino_database_url)

    assert report.ok, report.render()


# --- Breakages, in a database of their own ------------------------------------------


@dataclass(frozen=True)
class Scratch:
    url: str
    database: Database
    ledger: LedgerPool


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def scratch(postgres_admin_url: str) -> AsyncIterator[Scratch]:
    name = f"casino_audit_test_{infra.RUN_ID}"
    await infra.create_database(postgres_admin_url, name)
    url = infra.database_url(postgres_admin_url, name)
    await asyncio.to_thread(migrate, url)
    engine = make_engine(url, pool_size=2)
    pool = await open_ledger_pool(url, size=2)
    yield Scratch(url, make_database(engine), pool)
    await pool.close()
    await engine.dispose()
    await infra.drop_database(postgres_admin_url, name)


async def _violations(scratch: Scratch, rule: str) -> list[Violation]:
    report = await check_ledger(scratch.url)
    return [v for v in report.violations if v.rule == rule]


async def _provider(scratch: Scratch) -> OwnProvider:
    return await own_provider(scratch.database)


async def test_a_payout_accepted_after_its_round_closed_is_found(scratch: Scratch) -> None:
    provider = await _provider(scratch)
    player = await provider.player(scratch.database, 1_000)
    later, same = new_id("round"), new_id("round")
    closer = staked(player, 100, later)
    accepted(await wallet.debit(scratch.ledger, closer))
    late_win = paid(player, 30, later)
    accepted(await wallet.credit(scratch.ledger, late_win))
    # The same in one batch: a bet, then a payout; and a round closed properly beside.
    first, in_batch = staked(player, 100, same), paid(player, 20, same)
    fine = new_id("round")
    await wallet.apply(
        scratch.ledger,
        [
            DebitCommand(request=first),
            CreditCommand(request=in_batch),
            DebitCommand(request=staked(player, 10, fine)),
            CreditCommand(request=paid(player, 0, fine, closes=True)),
        ],
    )
    # Rewrite history: each round was closed by its bet.
    for bet_id, round_id in ((closer.transaction_id, later), (first.transaction_id, same)):
        await scratch.ledger.execute(
            "UPDATE casino_transactions SET closes_round = true WHERE transaction_id = $1",
            bet_id,
        )
        await scratch.ledger.execute(
            "UPDATE casino_rounds r SET status = 'closed', ended_at = t.created_at"
            " FROM casino_transactions t"
            " WHERE t.transaction_id = $1 AND r.wallet_id = t.wallet_id AND r.round_id = $2",
            bet_id,
            round_id,
        )

    found = await _violations(scratch, "closed_round_stays_closed")

    mine = [v for v in found if str(player.player.wallet_id) in v.subject]
    assert sorted(v.subject for v in mine) == sorted(
        f"round {r} of wallet {player.player.wallet_id}" for r in (later, same)
    )
    details = " ".join(v.detail for v in mine)
    assert late_win.transaction_id in details
    assert in_batch.transaction_id in details
    assert closer.transaction_id not in details
    assert first.transaction_id not in details


async def test_free_rounds_past_the_grant_or_miscounted_are_found(scratch: Scratch) -> None:
    provider = await _provider(scratch)
    player = await provider.player(scratch.database, 1_000)
    over = await grant_free_rounds(scratch.database, player, rounds=2, bet_amount=10)
    miscounted = await grant_free_rounds(scratch.database, player, rounds=3, bet_amount=10)
    for campaign in (over, over, miscounted):
        accepted(
            await wallet.debit(scratch.ledger, free_bet(player, campaign, 10, new_id("round")))
        )
    # Two rounds played of a grant cut to one; one round played, none counted.
    await scratch.ledger.execute(
        "UPDATE casino_free_round_campaigns SET rounds = 1, rounds_used = 1 WHERE id = $1", over
    )
    await scratch.ledger.execute(
        "UPDATE casino_free_round_campaigns SET rounds_used = 0 WHERE id = $1", miscounted
    )

    within = await _violations(scratch, "free_rounds_within_grant")
    counted = await _violations(scratch, "free_rounds_counted")

    assert [v.subject for v in within] == [f"campaign {over}"]
    assert "2 free bets accepted and not refunded, 1 rounds granted" in within[0].detail
    assert sorted(v.subject for v in counted) == sorted(
        [f"campaign {over}", f"campaign {miscounted}"]
    )


async def test_a_payout_of_an_unknown_kind_or_a_kind_on_a_bet_is_found(
    scratch: Scratch,
) -> None:
    provider = await _provider(scratch)
    player = await provider.player(scratch.database, 1_000)
    round_id = new_id("round")
    placed, won = staked(player, 100, round_id), paid(player, 10, round_id)
    accepted(await wallet.debit(scratch.ledger, placed))
    accepted(await wallet.credit(scratch.ledger, won))
    # The schema refuses both; a database that lost the constraint would not.
    await scratch.ledger.execute(
        "ALTER TABLE casino_transactions DROP CONSTRAINT IF EXISTS"
        " ck_casino_transactions_kind_of_credit"
    )
    await scratch.ledger.execute(
        "UPDATE casino_transactions SET kind = CASE type WHEN 'credit' THEN 'tip' ELSE 'win' END"
        " WHERE transaction_id = ANY($1::text[])",
        [placed.transaction_id, won.transaction_id],
    )

    found = await _violations(scratch, "credit_kind_known")

    assert sorted(v.subject for v in found) == sorted(
        f"transaction {tx}" for tx in (placed.transaction_id, won.transaction_id)
    )
    assert any("a credit of kind 'tip'" in v.detail for v in found)


async def test_a_free_bet_that_moved_money_is_found(scratch: Scratch) -> None:
    provider = await _provider(scratch)
    player = await provider.player(scratch.database, 1_000)
    campaign = await grant_free_rounds(scratch.database, player, rounds=1, bet_amount=100)
    placed = staked(player, 100, new_id("round"))
    accepted(await wallet.debit(scratch.ledger, placed))
    # A paid bet passed off as a free one: it took 100 although it names a campaign.
    await scratch.ledger.execute(
        "ALTER TABLE casino_transactions DROP CONSTRAINT IF EXISTS"
        " ck_casino_transactions_balance_moves_by_amount"
    )
    await scratch.ledger.execute(
        "UPDATE casino_transactions SET campaign_id = $1 WHERE transaction_id = $2",
        campaign,
        placed.transaction_id,
    )

    moved = await _violations(scratch, "free_bet_moves_nothing")
    unbalanced = await _violations(scratch, "balance_matches_ledger")

    assert [v.subject for v in moved] == [f"transaction {placed.transaction_id}"]
    assert "from 1000 to 900" in moved[0].detail
    # The balance no longer adds up either: the free bet should have cost nothing.
    assert f"wallet {player.player.wallet_id}" in [v.subject for v in unbalanced]


async def test_a_bet_stamped_after_the_close_but_decided_before_it_is_no_violation(
    scratch: Scratch,
) -> None:
    """Two transactions of one wallet may begin in one order and take its lock in the
    other: the bet's row then carries a later timestamp than the round's end although it
    was decided first. The chain says so; the clock alone would not."""
    provider = await _provider(scratch)
    player = await provider.player(scratch.database, 1_000)
    round_id = new_id("round")
    placed = staked(player, 100, round_id)
    accepted(await wallet.debit(scratch.ledger, placed))
    accepted(await wallet.credit(scratch.ledger, paid(player, 0, round_id, closes=True)))
    await scratch.ledger.execute(
        "UPDATE casino_transactions SET created_at = created_at + interval '2 seconds'"
        " WHERE transaction_id = $1",
        placed.transaction_id,
    )
    ended_after = await scratch.ledger.fetchval(
        "SELECT t.created_at > r.ended_at FROM casino_transactions t JOIN casino_rounds r"
        " ON r.wallet_id = t.wallet_id AND r.round_id = t.round_id WHERE t.transaction_id = $1",
        placed.transaction_id,
    )
    assert ended_after  # the clock says the bet came after the close

    found = await _violations(scratch, "closed_round_stays_closed")

    assert not [v for v in found if round_id in v.subject]
