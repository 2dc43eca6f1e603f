"""A round left open past the setting is expired by the wallet worker's periodic job: bets
into it are refused 409 ROUND_CLOSED, recorded and moving nothing, while its payouts and
rollbacks are still accepted, since the provider may still settle. Through the gateway;
money checked in the database.

The job runs in a wallet worker of this test's own, checking every 0.2 s for rounds open
longer than 2 hours; the round is backdated 3 hours. Every other round of the session is
younger than that, so the other tests' rounds stay open.
"""

import pytest

from casino.audit import check_ledger
from tests.e2e.conftest import CasinoSystem
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld
from tests.support.processes import free_port, wait_until

pytestmark = pytest.mark.e2e


async def test_a_round_left_open_past_the_setting_takes_no_bet_but_is_still_settled(
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    casino_system: CasinoSystem,
    casino_database_url: str,
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    stale, fresh = new_id("round"), new_id("round")
    refunded, lost = new_id("bet"), new_id("bet")
    for tx, amount in ((refunded, 300), (lost, 200)):
        assert (await callbacks.debit(session.token, amount, tx=tx, round_id=stale)).is_success
    assert (await callbacks.debit(session.token, 100, round_id=fresh)).is_success
    # The stale round was opened three hours ago; the fresh one just now.
    await world.pool.execute(
        "UPDATE casino_rounds SET opened_at = now() - interval '3 hours'"
        " WHERE wallet_id = $1 AND round_id = $2",
        player.wallet_id,
        stale,
    )

    async def stale_expired() -> bool:
        status = await world.pool.fetchval(
            "SELECT status FROM casino_rounds WHERE wallet_id = $1 AND round_id = $2",
            player.wallet_id,
            stale,
        )
        return bool(status == "expired")

    expiring = casino_system.start(
        "expiring-wallet-worker",
        ["casino", "wallet-worker"],
        WALLET_PROBES_PORT=str(free_port()),
        ROUND_EXPIRY_HOURS="2",
        ROUND_EXPIRY_CHECK_SECONDS="0.2",
    )
    try:
        await wait_until(stale_expired, "the worker's job expiring the round", process=expiring)
    finally:
        expiring.stop()

    statuses = dict(
        await world.pool.fetch(
            "SELECT round_id, status FROM casino_rounds WHERE wallet_id = $1", player.wallet_id
        )
    )
    assert statuses == {stale: "expired", fresh: "open"}
    assert await world.balance(player) == 400

    late_bet = new_id("bet")
    refused = await callbacks.debit(session.token, 50, tx=late_bet, round_id=stale)
    assert (refused.status_code, refused.json()["code"], refused.json()["retryable"]) == (
        409,
        "ROUND_CLOSED",
        False,
    )
    again = await callbacks.debit(session.token, 50, tx=late_bet, round_id=stale)
    assert (again.status_code, again.content) == (409, refused.content)
    # The fresh round still takes bets.
    assert (await callbacks.debit(session.token, 10, round_id=fresh)).is_success
    assert await world.balance(player) == 390

    # The provider settles the stale round: a rollback refunds, a win pays.
    refund = await callbacks.rollback(session.token, refunded)
    assert (refund.status_code, refund.json()["rolledBack"]) == (200, True)
    assert await world.balance(player) == 690
    win = await callbacks.credit(session.token, 500, round_id=stale, related=lost)
    assert (win.status_code, win.json()["balance"]) == (200, 1_190)
    assert await world.balance(player) == 1_190

    rows = {row["transaction_id"]: row for row in await world.ledger(player)}
    assert (rows[late_bet]["outcome"], rows[late_bet]["error_code"]) == (
        "rejected",
        "ROUND_CLOSED",
    )
    assert (
        await world.pool.fetchval(
            "SELECT status FROM casino_rounds WHERE wallet_id = $1 AND round_id = $2",
            player.wallet_id,
            stale,
        )
        == "expired"
    )
    report = await check_ledger(casino_database_url)
    assert report.ok, report.render()
