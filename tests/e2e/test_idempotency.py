"""Acceptance 2 and 3: a transactionId is decided once, under real concurrency, and the
balance never goes below zero however many bets race for it."""

import asyncio

import httpx
import pytest

from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


async def test_fifty_concurrent_copies_of_one_debit_move_money_once(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(10_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")

    replies = await asyncio.gather(
        *(callbacks.debit(session.token, 700, tx=bet) for _ in range(50))
    )

    assert {reply.status_code for reply in replies} == {200}
    assert {reply.content for reply in replies} == {replies[0].content}
    assert replies[0].json()["balance"] == 9_300
    assert await world.balance(player) == 9_300
    assert await world.rows_for(bet) == 1


async def test_a_retry_gets_the_first_reply_even_after_the_balance_moved(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    first = await callbacks.debit(session.token, 100, tx=bet)
    await callbacks.debit(session.token, 300)
    again = await callbacks.debit(session.token, 100, tx=bet)
    assert again.json() == first.json()
    assert again.json()["balance"] == 900
    assert await world.balance(player) == 600


async def test_the_same_id_with_another_payload_is_a_duplicate(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    await callbacks.debit(session.token, 100, tx=bet, round_id="r1")

    other_amount = await callbacks.debit(session.token, 200, tx=bet, round_id="r1")
    other_round = await callbacks.debit(session.token, 100, tx=bet, round_id="r2")
    as_a_credit = await callbacks.credit(session.token, 100, tx=bet, round_id="r1")
    for response in (other_amount, other_round, as_a_credit):
        assert (response.status_code, response.json()["code"]) == (409, "DUPLICATE_TRANSACTION")
    assert await world.balance(player) == 900
    assert await world.rows_for(bet) == 1


async def test_a_rejection_is_a_decision_and_is_replayed(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(100)
    session = await world.session(player, await world.game())
    bet = new_id("bet")
    refused = await callbacks.debit(session.token, 500, tx=bet)
    assert refused.json()["code"] == "INSUFFICIENT_FUNDS"
    # Even once the player could afford it, the bet stays refused: it was decided.
    await callbacks.credit(session.token, 1_000)
    again = await callbacks.debit(session.token, 500, tx=bet)
    assert (again.status_code, again.json()) == (400, refused.json())
    assert await world.balance(player) == 1_100


async def test_two_hundred_racing_bets_never_overdraw_the_wallet(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    start = 50_000
    player = await world.player(start)
    session = await world.session(player, await world.game())
    amounts = [100 + (i * 37) % 900 for i in range(200)]  # about 100_000 asked for in all

    async def bet_until_decided(amount: int) -> tuple[str, httpx.Response]:
        """As a provider does: a retryable answer is retried with the same transactionId.
        One hot wallet takes its bets one at a time, so some wait past the gateway's
        timeout."""
        tx = new_id("bet")
        for _ in range(20):
            reply = await callbacks.debit(session.token, amount, tx=tx)
            if not reply.json().get("retryable"):
                return tx, reply
        raise AssertionError(f"{tx} was never decided")

    decided = await asyncio.gather(*(bet_until_decided(amount) for amount in amounts))

    replies = [reply for _, reply in decided]
    codes = [r.json().get("code") for r in replies if r.status_code != 200]
    assert set(codes) <= {"INSUFFICIENT_FUNDS"}
    assert codes, "the wallet should not have covered every bet"
    accepted = sum(a for a, r in zip(amounts, replies, strict=True) if r.status_code == 200)
    final = await world.balance(player)
    assert final >= 0
    assert final == start - accepted
    assert start + await world.movement(player) == final
    assert min(r.json()["balance"] for r in replies if r.status_code == 200) == final
    assert [await world.rows_for(tx) for tx, _ in decided] == [1] * len(decided)
