"""Rounds that close and the payouts real games make, through the gateway (docs/PROTOCOL.md,
"Rounds, payouts and free rounds"): a bet or a win into a closed round is 409
ROUND_CLOSED, recorded and replayed, moving nothing, while a rollback of a lost bet in it
still refunds; endRound of a round never seen closes it; a win naming a cancelled bet
pays nothing; jackpot and promo wins need no bet nor a live session. Money is checked in
the database."""

import httpx
import pytest

from casino.audit import check_ledger
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


def _code(response: httpx.Response) -> tuple[int, str, bool]:
    body = response.json()
    return response.status_code, body["code"], body["retryable"]


async def test_a_round_the_provider_ended_takes_no_bet_or_win_but_refunds_a_lost_bet(
    callbacks: WalletCallbacks, world: CasinoWorld, casino_database_url: str
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    round_id = new_id("round")
    lost = new_id("bet")
    assert (await callbacks.debit(session.token, 100, tx=lost, round_id=round_id)).is_success
    assert (await callbacks.debit(session.token, 50, round_id=round_id)).is_success
    assert (await callbacks.end_round(session.token, round_id)).is_success  # lost: no payout

    late_bet, late_win = new_id("bet"), new_id("win")
    refused_bet = await callbacks.debit(session.token, 10, tx=late_bet, round_id=round_id)
    refused_win = await callbacks.credit(session.token, 500, tx=late_win, round_id=round_id)
    retried_bet = await callbacks.debit(session.token, 10, tx=late_bet, round_id=round_id)

    assert _code(refused_bet) == (409, "ROUND_CLOSED", False)
    assert _code(refused_win) == (409, "ROUND_CLOSED", False)
    assert (retried_bet.status_code, retried_bet.content) == (409, refused_bet.content)
    assert await world.balance(player) == 850
    # The provider voids the lost bet: a rollback follows its rules, closed round or not.
    refund = await callbacks.rollback(session.token, lost)
    assert (refund.status_code, refund.json()["rolledBack"]) == (200, True)
    assert await world.balance(player) == 950
    rows = {row["transaction_id"]: row for row in await world.ledger(player)}
    assert (rows[late_bet]["outcome"], rows[late_bet]["error_code"]) == (
        "rejected",
        "ROUND_CLOSED",
    )
    assert (await check_ledger(casino_database_url)).ok


async def test_end_round_of_an_unknown_round_succeeds_and_closes_it(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    round_id, ending = new_id("round"), new_id("end")

    ended = await callbacks.end_round(session.token, round_id, tx=ending)
    again = await callbacks.end_round(session.token, round_id, tx=ending)

    assert ended.status_code == 200
    assert ended.json() == {
        "success": True,
        "transactionId": ending,
        "roundId": round_id,
        "balance": 1_000,
        "currency": "USD",
    }
    assert again.content == ended.content
    assert _code(await callbacks.debit(session.token, 10, round_id=round_id)) == (
        409,
        "ROUND_CLOSED",
        False,
    )
    assert await world.balance(player) == 1_000


async def test_a_win_closing_its_round_is_paid_and_ends_the_round(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    round_id = new_id("round")
    assert (await callbacks.debit(session.token, 100, round_id=round_id)).is_success

    paid = await callbacks.credit(session.token, 300, round_id=round_id, roundClosed=True)

    assert (paid.status_code, paid.json()["balance"]) == (200, 1_200)
    assert _code(await callbacks.debit(session.token, 10, round_id=round_id))[1] == ("ROUND_CLOSED")
    assert _code(await callbacks.credit(session.token, 10, round_id=round_id))[1] == (
        "ROUND_CLOSED"
    )
    assert await world.balance(player) == 1_200


async def test_a_bet_closing_its_round_is_taken_and_ends_the_round(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    round_id = new_id("round")

    placed = await callbacks.debit(session.token, 100, round_id=round_id, roundClosed=True)

    assert (placed.status_code, placed.json()["balance"]) == (200, 900)
    assert _code(await callbacks.credit(session.token, 40, round_id=round_id))[1] == (
        "ROUND_CLOSED"
    )


async def test_a_win_naming_a_cancelled_bet_or_a_tombstone_pays_nothing(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    cancelled = new_id("bet")
    assert (await callbacks.debit(session.token, 10, tx=cancelled, round_id="r1")).is_success
    assert (await callbacks.rollback(session.token, cancelled)).is_success
    never_placed = new_id("bet")
    assert (await callbacks.rollback(session.token, never_placed)).is_success  # a tombstone

    on_cancelled = await callbacks.credit(session.token, 50, round_id="r1", related=cancelled)
    on_tombstone = await callbacks.credit(session.token, 50, round_id="r2", related=never_placed)

    assert _code(on_cancelled) == (409, "TRANSACTION_ROLLED_BACK", False)
    assert _code(on_tombstone) == (409, "TRANSACTION_ROLLED_BACK", False)
    assert await world.balance(player) == 1_000


async def test_jackpot_and_promo_wins_with_no_bet_on_an_ended_session_are_paid_once(
    callbacks: WalletCallbacks, world: CasinoWorld, casino_database_url: str
) -> None:
    player = await world.player(0)
    session = await world.session(player, await world.game())
    await world.end(session)
    jackpot, promo = new_id("jackpot"), new_id("promo")

    paid = [
        await callbacks.credit(session.token, 10_000, tx=jackpot, round_id="jp", kind="jackpot"),
        await callbacks.credit(session.token, 2_500, tx=promo, round_id="tour", kind="promo"),
        await callbacks.credit(session.token, 10_000, tx=jackpot, round_id="jp", kind="jackpot"),
    ]

    assert [response.status_code for response in paid] == [200, 200, 200]
    assert paid[2].content == paid[0].content  # the retry: the first reply, nothing more
    assert await world.balance(player) == 12_500
    kinds = {row["transaction_id"]: row["kind"] for row in await world.ledger(player)}
    assert kinds == {jackpot: "jackpot", promo: "promo"}
    assert (await check_ledger(casino_database_url)).ok


async def test_a_bet_keeps_its_jackpot_contribution(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    bet = new_id("bet")

    placed = await callbacks.debit(session.token, 200, tx=bet, jackpotContribution=6)
    too_much = await callbacks.debit(session.token, 200, jackpotContribution=201)

    assert (placed.status_code, placed.json()["balance"]) == (200, 800)
    assert _code(too_much) == (400, "INVALID_AMOUNT", False)
    [row] = await world.ledger(player)
    assert row["jackpot_contribution"] == 6
