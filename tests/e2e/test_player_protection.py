"""Player protection through the running services: limits and exclusions set over the
operator API, enforced at the bet on signed wallet callbacks (racing each other too),
never at a win or a refund. Money is checked in the casino database.

The cooling-off of a raise is seen whole with a lobby and a gateway of the test's own,
started with a short LIMIT_COOLING_OFF_SECONDS beside the session's system (the same
wallet worker and database): the raise waits, then applies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.e2e.conftest import CasinoSystem
from tests.e2e.operator_api import OperatorApi
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld, Player, Session
from tests.support.processes import free_port, http_ready, queue_consumers, wait_until

pytestmark = pytest.mark.e2e

COOLING_OFF_SECONDS = 3


@pytest.fixture
def api(http: httpx.AsyncClient) -> OperatorApi:
    return OperatorApi(http)


async def _playing(
    world: CasinoWorld, casino_system: CasinoSystem, balance: int
) -> tuple[Player, Session]:
    player = await world.player(balance)
    return player, await world.session(player, uuid.UUID(casino_system.demo["gameId"]))


def _code(answer: httpx.Response) -> tuple[int, str | None]:
    return answer.status_code, answer.json().get("code")


async def test_a_bet_above_the_bet_limit_is_refused_moves_nothing_and_is_replayed(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    player, session = await _playing(world, casino_system, 1_000)
    set_ = await api.set_limits(player.user_id, maxBet=100)
    assert set_.status_code == 200, set_.text
    assert set_.json()["limits"]["maxBet"] == 100
    tx = new_id("bet")
    refused = await callbacks.debit(session.token, 101, tx=tx)
    retried = await callbacks.debit(session.token, 101, tx=tx)
    assert _code(refused) == (400, "BET_LIMIT_EXCEEDED")
    assert retried.json() == refused.json()
    assert await world.balance(player) == 1_000
    [row] = await world.ledger(player)
    assert (row["outcome"], row["error_code"]) == ("rejected", "BET_LIMIT_EXCEEDED")
    within = await callbacks.debit(session.token, 100)
    assert within.status_code == 200, within.text
    assert await world.balance(player) == 900


async def test_racing_bets_never_take_the_days_loss_past_its_limit(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    opening = 10_000
    player, session = await _playing(world, casino_system, opening)
    assert (await api.set_limits(player.user_id, dailyLossLimit=500)).status_code == 200

    bets = [callbacks.debit(session.token, 10, round_id=f"bet-{i}") for i in range(100)]
    wins = [callbacks.credit(session.token, 30, round_id=f"win-{i}") for i in range(5)]
    answers = await asyncio.gather(*bets[:50], *wins, *bets[50:])
    bet_answers = answers[:50] + answers[55:]
    assert all(a.status_code == 200 for a in answers[50:55])  # wins are always paid
    refused = [a for a in bet_answers if a.status_code != 200]
    assert {_code(a) for a in refused} == {(400, "LOSS_LIMIT_EXCEEDED")}
    accepted = len(bet_answers) - len(refused)
    # The wins only add room: at least the 50 bets the limit alone allows went through.
    assert 50 <= accepted <= 65
    rows = await world.ledger(player)
    # The day's loss (the player is new: opening balance - balance) never passed 500.
    assert min(r["balance_after"] for r in rows) >= opening - 500
    loss = opening - await world.balance(player)
    assert loss == accepted * 10 - 150
    assert loss <= 500

    # Play the room out, then a win and a refund each make room for one more bet of 10.
    while (await callbacks.debit(session.token, 10, round_id=new_id("r"))).status_code == 200:
        pass
    assert opening - await world.balance(player) > 490
    assert _code(await callbacks.debit(session.token, 10, round_id=new_id("r"))) == (
        400,
        "LOSS_LIMIT_EXCEEDED",
    )
    assert (await callbacks.credit(session.token, 10, round_id=new_id("w"))).status_code == 200
    refundable = new_id("bet")
    assert (
        await callbacks.debit(session.token, 10, tx=refundable, round_id=new_id("r"))
    ).status_code == 200
    assert _code(await callbacks.debit(session.token, 10, round_id=new_id("r"))) == (
        400,
        "LOSS_LIMIT_EXCEEDED",
    )
    assert (await callbacks.rollback(session.token, refundable)).json()["rolledBack"] is True
    assert (await callbacks.debit(session.token, 10, round_id=new_id("r"))).status_code == 200
    assert opening - await world.balance(player) <= 500


async def test_lowering_applies_to_the_next_bet_and_raising_waits_for_the_cooling_off(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    player, session = await _playing(world, casino_system, 10_000)
    await api.set_limits(player.user_id, maxBet=1_000)
    assert (await callbacks.debit(session.token, 500)).status_code == 200
    lowered = await api.set_limits(player.user_id, maxBet=100)
    assert lowered.json()["limits"]["maxBet"] == 100
    assert lowered.json()["pending"] == []
    assert _code(await callbacks.debit(session.token, 500)) == (400, "BET_LIMIT_EXCEEDED")

    raised = await api.set_limits(player.user_id, maxBet=1_000)
    body = raised.json()
    assert body["limits"]["maxBet"] == 100
    [pending] = body["pending"]
    assert (pending["limit"], pending["value"]) == ("maxBet", 1_000)
    wait = dt.datetime.fromisoformat(pending["appliesAt"]) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=23) < wait <= dt.timedelta(hours=24)
    assert _code(await callbacks.debit(session.token, 500)) == (400, "BET_LIMIT_EXCEEDED")
    assert (await api.limits(player.user_id)).json() == body

    # Removing waits as well; the limit in force stays.
    removed = await api.set_limits(player.user_id, maxBet=None)
    assert removed.json()["limits"]["maxBet"] == 100
    assert [(p["limit"], p["value"]) for p in removed.json()["pending"]] == [("maxBet", None)]


@pytest_asyncio.fixture(loop_scope="session")
async def short_cooling_off(casino_system: CasinoSystem) -> AsyncIterator[OperatorApi]:
    """The operator API of a lobby and a gateway of this test's own, whose raises apply
    after COOLING_OFF_SECONDS; the session's wallet worker decides their bets."""
    lobby_queue = f"{casino_system.env['LOBBY_QUEUE']}.short-cooling-off"
    port = free_port()
    lobby = casino_system.start(
        "lobby-short-cooling-off",
        ["casino", "lobby"],
        LOBBY_QUEUE=lobby_queue,
        LOBBY_PROBES_PORT=str(free_port()),
        LIMIT_COOLING_OFF_SECONDS=str(COOLING_OFF_SECONDS),
    )
    gateway = casino_system.start(
        "gateway-short-cooling-off",
        ["casino-gateway"],
        LOBBY_QUEUE=lobby_queue,
        GATEWAY_PORT=str(port),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until(lambda: http_ready(f"{url}/ready"), "the gateway", process=gateway)
        await wait_until(
            lambda: queue_consumers(casino_system.amqp_url, lobby_queue), "the lobby", process=lobby
        )
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield OperatorApi(http)
    finally:
        gateway.stop()
        lobby.stop()


async def test_a_raise_applies_once_the_cooling_off_has_passed(
    short_cooling_off: OperatorApi,
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    casino_system: CasinoSystem,
) -> None:
    api = short_cooling_off
    player, session = await _playing(world, casino_system, 10_000)
    await api.set_limits(player.user_id, maxBet=100, dailyLossLimit=1_000)
    raised = (await api.set_limits(player.user_id, maxBet=500, dailyLossLimit=None)).json()
    assert raised["limits"]["maxBet"] == 100
    applies = max(dt.datetime.fromisoformat(p["appliesAt"]) for p in raised["pending"])
    assert _code(await callbacks.debit(session.token, 500)) == (400, "BET_LIMIT_EXCEEDED")
    await asyncio.sleep((applies - dt.datetime.now(dt.UTC)).total_seconds() + 0.5)
    assert (await callbacks.debit(session.token, 500)).status_code == 200
    now = (await api.limits(player.user_id)).json()
    assert (now["limits"]["maxBet"], now["limits"]["dailyLossLimit"], now["pending"]) == (
        500,
        None,
        [],
    )


async def test_a_session_past_its_time_limit_takes_no_bets_but_pays_wins_and_refunds(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    player, session = await _playing(world, casino_system, 1_000)
    assert (await api.set_limits(player.user_id, sessionMinutes=30)).status_code == 200
    early = new_id("bet")
    assert (await callbacks.debit(session.token, 100, tx=early, round_id="a")).status_code == 200
    assert (await callbacks.debit(session.token, 100, round_id="b")).status_code == 200
    await world.pool.execute(
        "UPDATE casino_game_sessions SET created_at = now() - interval '31 minutes' WHERE id = $1",
        session.id,
    )
    tx = new_id("bet")
    late = await callbacks.debit(session.token, 100, tx=tx, round_id="c")
    assert _code(late) == (403, "SESSION_TIME_EXCEEDED")
    assert (await callbacks.debit(session.token, 100, tx=tx, round_id="c")).json() == late.json()
    assert await world.balance(player) == 800
    assert (await callbacks.credit(session.token, 300, round_id="b")).status_code == 200
    refund = await callbacks.rollback(session.token, early)
    assert refund.status_code == 200
    assert refund.json()["rolledBack"] is True
    assert await world.balance(player) == 1_200


async def test_an_excluded_player_cannot_launch_or_bet_but_is_paid_and_plays_again_after(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    game = uuid.UUID(casino_system.demo["gameId"])
    player, session = await _playing(world, casino_system, 1_000)
    open_bet = new_id("bet")
    assert (await callbacks.debit(session.token, 100, tx=open_bet, round_id="x")).status_code == 200
    assert (await callbacks.debit(session.token, 100, round_id="y")).status_code == 200

    until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
    excluded = await api.exclude(player.user_id, until)
    assert excluded.status_code == 200, excluded.text
    assert (excluded.json()["excluded"], excluded.json()["permanent"]) == (True, False)
    # Asking for a shorter exclusion does not shorten it.
    shorter = await api.exclude(player.user_id, until - dt.timedelta(seconds=3))
    assert dt.datetime.fromisoformat(shorter.json()["until"]) == until
    assert _code(await api.launch(player.user_id, game)) == (403, "PLAYER_EXCLUDED")
    tx = new_id("bet")
    refused = await callbacks.debit(session.token, 100, tx=tx, round_id="z")
    assert _code(refused) == (403, "PLAYER_EXCLUDED")
    assert (await callbacks.debit(session.token, 100, tx=tx, round_id="z")).json() == refused.json()
    assert (await callbacks.credit(session.token, 500, round_id="y")).status_code == 200
    assert (await callbacks.rollback(session.token, open_bet)).json()["rolledBack"] is True
    assert await world.balance(player) == 1_400

    await asyncio.sleep((until - dt.datetime.now(dt.UTC)).total_seconds() + 0.5)
    assert (await api.exclusion(player.user_id)).json()["excluded"] is False
    assert (await callbacks.debit(session.token, 100, round_id="w")).status_code == 200
    launched = await api.launch(player.user_id, game)
    assert launched.status_code == 200, launched.text
    assert await world.balance(player) == 1_300


async def test_a_permanent_exclusion_refuses_every_bet(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    player, session = await _playing(world, casino_system, 1_000)
    excluded = (await api.exclude(player.user_id)).json()
    assert (excluded["excluded"], excluded["permanent"], excluded["until"]) == (True, True, None)
    answers = await asyncio.gather(*(callbacks.debit(session.token, 10) for _ in range(10)))
    assert {_code(a) for a in answers} == {(403, "PLAYER_EXCLUDED")}
    assert await world.balance(player) == 1_000


async def test_limits_and_exclusions_refuse_what_is_not_one(
    api: OperatorApi, http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(0)
    unknown = await api.set_limits(uuid.uuid4(), maxBet=1)
    float_limit = await api.set_limits(player.user_id, dailyLossLimit=10.5)
    no_currency = await http.put(
        f"/casino/players/{player.user_id}/limits",
        json={"maxBet": 1},
        headers={"x-api-key": "e2e-operator-key"},
    )
    not_an_id = await api.limits("not-a-uuid")  # type: ignore[arg-type]
    past = await api.exclude(player.user_id, dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    no_key = await http.get(f"/casino/players/{player.user_id}/limits")
    assert _code(unknown) == (404, "USER_NOT_FOUND")
    assert _code(float_limit) == (400, "INVALID_AMOUNT")
    assert _code(no_currency) == (400, "INVALID_REQUEST")
    assert _code(not_an_id) == (400, "INVALID_REQUEST")
    assert _code(past) == (400, "INVALID_REQUEST")
    assert _code(no_key) == (401, "API_KEY_INVALID")
    nothing = (await api.limits(player.user_id)).json()
    assert nothing["limits"] == {
        "maxBet": None,
        "dailyLossLimit": None,
        "weeklyLossLimit": None,
        "monthlyLossLimit": None,
        "sessionMinutes": None,
    }
    assert nothing["pending"] == []
    assert (await api.exclusion(player.user_id)).json()["excluded"] is False
