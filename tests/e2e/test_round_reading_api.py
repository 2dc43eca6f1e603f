"""Reading a round over the operator API: every transaction in ledger order, the round's
status and what it came to for the player, for the gateway's operator key only."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.conftest import CasinoSystem
from tests.e2e.operator_api import OperatorApi
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


async def test_a_round_reads_in_order_with_its_status_and_net_result(
    http: httpx.AsyncClient,
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    casino_system: CasinoSystem,
) -> None:
    api = OperatorApi(http)
    player = await world.player(1_000)
    session = await world.session(player, uuid.UUID(casino_system.demo["gameId"]))
    round_id = new_id("round")
    first, second, refund, win = new_id("bet"), new_id("bet"), new_id("rb"), new_id("win")
    assert (
        await callbacks.debit(session.token, 100, tx=first, round_id=round_id)
    ).status_code == 200
    assert (
        await callbacks.debit(session.token, 50, tx=second, round_id=round_id)
    ).status_code == 200
    assert (await callbacks.rollback(session.token, second, tx=refund)).status_code == 200
    paid = await callbacks.credit(session.token, 250, tx=win, round_id=round_id, roundClosed=True)
    assert paid.status_code == 200, paid.text
    refused = await callbacks.debit(session.token, 10, round_id=round_id)
    assert refused.json()["code"] == "ROUND_CLOSED"

    answer = await api.round("demo-provider", round_id)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["success"], body["providerCode"], body["roundId"]) == (
        True,
        "demo-provider",
        round_id,
    )
    [played] = body["rounds"]
    assert played["userId"] == str(player.user_id)
    assert played["status"] == "closed"
    assert played["totals"]["netResult"] == 250 + 50 - 150
    assert played["totals"]["netResult"] == await world.balance(player) - 1_000
    steps = [(t["type"], t["transactionId"], t["outcome"]) for t in played["transactions"]]
    assert steps[:4] == [
        ("debit", first, "accepted"),
        ("debit", second, "accepted"),
        ("rollback", refund, "accepted"),
        ("credit", win, "accepted"),
    ]
    assert steps[4][0::2] == ("debit", "rejected")


async def test_an_unknown_round_or_a_bad_id_is_refused_with_its_code(
    http: httpx.AsyncClient,
) -> None:
    api = OperatorApi(http)
    unknown = await api.round("demo-provider", new_id("never-played"))
    unknown_provider = await api.round("no-such-provider", "round-1")
    nul = await http.get(
        "/casino/rounds/demo-provider/a%00b", headers={"x-api-key": "e2e-operator-key"}
    )
    no_key = await http.get("/casino/rounds/demo-provider/round-1")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "ROUND_NOT_FOUND")
    assert (unknown_provider.status_code, unknown_provider.json()["code"]) == (
        404,
        "ROUND_NOT_FOUND",
    )
    assert (nul.status_code, nul.json()["code"]) == (400, "INVALID_REQUEST")
    assert (no_key.status_code, no_key.json()["code"]) == (401, "API_KEY_INVALID")
