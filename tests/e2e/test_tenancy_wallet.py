"""Many providers, the wallet's side, against the running services: a provider acts only
on sessions of its own games, and transactionIds are scoped per provider."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.test_tenancy_gateway import Operator, operator  # noqa: F401 (a fixture)
from tests.support.callbacks import new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


async def test_a_session_of_another_providers_game_is_an_unknown_session(
    operator: Operator,  # noqa: F811 (the fixture imported above)
    world: CasinoWorld,
) -> None:
    a, b = await asyncio.gather(operator.provider(), operator.provider())
    unknown_token = {"sessionToken": f"no-such-session-{new_id('t')}"}
    never_seen = await a.send("getBalance", unknown_token)
    tx = new_id("bet")

    b_session = {"sessionToken": b.session.token}
    answers = [
        await a.send("getBalance", b_session),
        await a.send("debit", {**b_session, "transactionId": tx, "roundId": "r1", "amount": 5}),
        await a.send("credit", {**b_session, "transactionId": tx, "roundId": "r1", "amount": 5}),
        await a.send("rollback", {**b_session, "transactionId": tx, "originalTransactionId": "x"}),
    ]

    assert never_seen.status_code == 401
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json() == never_seen.json()
        assert answer.json()["code"] == "INVALID_SESSION"
    assert await world.rows_for(tx) == 0
    assert await world.balance(b.session.player) == 1_000_000


async def test_one_transaction_id_of_two_providers_is_two_transactions(
    operator: Operator,  # noqa: F811
    world: CasinoWorld,
) -> None:
    a, b = await asyncio.gather(operator.provider(), operator.provider())
    tx = new_id("bet")
    bet = {"transactionId": tx, "roundId": "r1", "amount": 1}

    by_a = await a.send("debit", {**bet, "sessionToken": a.session.token})
    by_b = await b.send("debit", {**bet, "sessionToken": b.session.token})

    assert (by_a.status_code, by_b.status_code) == (200, 200)
    assert await world.rows_for(tx) == 2
    assert await world.balance(a.session.player) == 1_000_000 - 1
    assert await world.balance(b.session.player) == 1_000_000 - 1
    retried = await a.send("debit", {**bet, "sessionToken": a.session.token})
    assert retried.json() == by_a.json()  # a retry is still A's own, the first reply
