"""Acceptance 4: the rollback rules 1-7 of docs/PROTOCOL.md, checked on the ledger and
the balance."""

import asyncio

import pytest

from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


async def test_twenty_concurrent_rollbacks_of_one_bet_refund_it_once(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(5_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    await callbacks.debit(session.token, 1_200, tx=bet)

    replies = await asyncio.gather(*(callbacks.rollback(session.token, bet) for _ in range(20)))

    assert {reply.status_code for reply in replies} == {200}
    assert sum(reply.json()["rolledBack"] for reply in replies) >= 1
    assert await world.balance(player) == 5_000
    refunds = [r for r in await world.ledger(player) if r["type"] == "rollback" and r["amount"]]
    assert len(refunds) == 1


async def test_a_payout_cannot_be_rolled_back(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    win = new_id("win")
    await callbacks.credit(session.token, 300, tx=win)
    refused = await callbacks.rollback(session.token, win)
    assert (refused.status_code, refused.json()["code"]) == (400, "CANNOT_ROLLBACK_PAYOUT")
    assert await world.balance(player) == 1_300


async def test_a_bet_whose_round_has_a_payout_cannot_be_rolled_back(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    await callbacks.debit(session.token, 100, tx=bet, round_id="settled")
    await callbacks.debit(session.token, 50, round_id="settled")
    await callbacks.credit(session.token, 0, round_id="settled")
    refused = await callbacks.rollback(session.token, bet)
    assert (refused.status_code, refused.json()["code"]) == (400, "ROLLBACK_NOT_ALLOWED")
    assert await world.balance(player) == 850


async def test_another_players_session_cannot_roll_back_or_pay_a_bet(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    game = await world.game()
    victim, thief = await world.player(1_000), await world.player(1_000)
    victim_session = await world.session(victim, game)
    thief_session = await world.session(thief, game)
    bet = new_id("bet")
    await callbacks.debit(victim_session.token, 400, tx=bet)

    rollback = await callbacks.rollback(thief_session.token, bet)
    assert (rollback.status_code, rollback.json()["code"]) == (400, "TRANSACTION_NOT_FOUND")
    credit = await callbacks.credit(thief_session.token, 900, related=bet)
    assert (credit.status_code, credit.json()["code"]) == (400, "TRANSACTION_NOT_FOUND")
    assert (await world.balance(victim), await world.balance(thief)) == (600, 1_000)


async def test_a_rolled_back_or_refused_bet_rolls_back_again_without_moving_money(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    bet, refused_bet = new_id("bet"), new_id("bet")
    await callbacks.debit(session.token, 300, tx=bet)
    await callbacks.debit(session.token, 5_000, tx=refused_bet)
    assert (await callbacks.rollback(session.token, bet)).json()["rolledBack"] is True

    again = await callbacks.rollback(session.token, bet)
    of_refused = await callbacks.rollback(session.token, refused_bet)
    assert (again.status_code, of_refused.status_code) == (200, 200)
    assert await world.balance(player) == 1_000


async def test_a_rollback_of_an_unknown_bet_leaves_a_tombstone_that_refuses_the_late_bet(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    never_seen = new_id("bet")

    tombstone = await callbacks.rollback(session.token, never_seen)
    assert tombstone.status_code == 200
    assert tombstone.json()["rolledBack"] is True
    assert "tombstone" in tombstone.json()["message"].lower()
    assert await world.balance(player) == 1_000

    late = await callbacks.debit(session.token, 200, tx=never_seen)
    assert (late.status_code, late.json()["code"]) == (409, "TRANSACTION_ROLLED_BACK")
    assert await world.balance(player) == 1_000
    rows = await world.ledger(player)
    assert [(r["type"], r["is_tombstone"], r["outcome"]) for r in rows] == [
        ("rollback", True, "accepted"),
        ("debit", False, "rejected"),
    ]
