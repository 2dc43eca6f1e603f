"""Free-round campaigns through the running services: granted over the operator API and
registered with the provider (its own database says so), played as signed free bets
racing each other, paid as bonus wins, then refused once cancelled or expired. Money is
checked in the casino database."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import httpx
import pytest

from tests.e2e.conftest import CasinoSystem
from tests.e2e.operator_api import OperatorApi
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

BALANCE = 1_000


@pytest.fixture
def api(http: httpx.AsyncClient) -> OperatorApi:
    return OperatorApi(http)


def _game(casino_system: CasinoSystem) -> uuid.UUID:
    return uuid.UUID(casino_system.demo["gameId"])


async def _provider_campaign(providers: ProviderWorld, campaign_id: str) -> dict[str, object]:
    row = await providers.pool.fetchrow(
        "SELECT rounds, bet_amount, cancelled_at FROM provider_free_round_campaigns"
        " WHERE campaign_id = $1",
        campaign_id,
    )
    assert row is not None, f"the provider was never told of campaign {campaign_id}"
    return dict(row)


async def test_ten_free_rounds_of_thirty_racing_cost_nothing_and_pay_bonus_wins(
    api: OperatorApi,
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    providers: ProviderWorld,
    casino_system: CasinoSystem,
) -> None:
    game = _game(casino_system)
    player = await world.player(BALANCE)
    granted = await api.grant(player.user_id, game, rounds=10, bet=100)
    assert granted.status_code == 200, granted.text
    campaign = granted.json()
    campaign_id = campaign["campaignId"]
    assert campaign["success"] is True
    assert campaign["status"] == "active"
    assert (campaign["rounds"], campaign["roundsUsed"], campaign["betAmount"]) == (10, 0, 100)
    assert campaign["providerRegisteredAt"] is not None
    told = await _provider_campaign(providers, campaign_id)
    assert (told["rounds"], told["bet_amount"], told["cancelled_at"]) == (10, 100, None)

    session = await world.session(player, game)
    free_bets = [
        callbacks.debit(session.token, 100, round_id=f"free-{i}", freeRoundsCampaignId=campaign_id)
        for i in range(30)
    ]
    answers = await asyncio.gather(*free_bets)

    accepted = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code != 200]
    assert len(accepted) == 10
    assert {(a.status_code, a.json()["code"]) for a in refused} == {(409, "FREE_ROUNDS_EXHAUSTED")}
    assert {a.json()["balance"] for a in accepted} == {BALANCE}
    assert await world.balance(player) == BALANCE
    rows = await world.ledger(player)
    free = [r for r in rows if r["type"] == "debit"]
    assert len(free) == 30
    played = [r for r in free if r["outcome"] == "accepted"]
    assert len(played) == 10
    assert all(str(r["campaign_id"]) == campaign_id and r["amount"] == 100 for r in played)
    assert {r["error_code"] for r in free if r["outcome"] == "rejected"} == {
        "FREE_ROUNDS_EXHAUSTED"
    }

    # A free round's win is a bonus credit naming the campaign, paid like any win.
    won_round = accepted[0].json()["transactionId"]
    [won] = [r for r in free if r["transaction_id"] == won_round]
    win = await callbacks.credit(
        session.token,
        250,
        round_id=won["round_id"],
        related=won_round,
        kind="bonus",
        freeRoundsCampaignId=campaign_id,
    )
    assert win.status_code == 200, win.text
    assert win.json()["balance"] == BALANCE + 250
    assert await world.balance(player) == BALANCE + 250
    [bonus] = [r for r in await world.ledger(player) if r["type"] == "credit"]
    assert (bonus["kind"], str(bonus["campaign_id"])) == ("bonus", campaign_id)

    read = (await api.campaign(campaign_id)).json()
    assert (read["roundsUsed"], read["status"]) == (10, "exhausted")

    cancelled = await api.cancel(campaign_id)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["providerCancelledAt"] is not None
    assert (await _provider_campaign(providers, campaign_id))["cancelled_at"] is not None
    after = await callbacks.debit(
        session.token, 100, round_id="free-late", freeRoundsCampaignId=campaign_id
    )
    assert (after.status_code, after.json()["code"]) == (409, "FREE_ROUNDS_EXPIRED")
    assert await world.balance(player) == BALANCE + 250


async def test_a_cancelled_campaign_refuses_its_free_rounds_and_a_retry_hears_it_again(
    api: OperatorApi,
    callbacks: WalletCallbacks,
    world: CasinoWorld,
    providers: ProviderWorld,
    casino_system: CasinoSystem,
) -> None:
    game = _game(casino_system)
    player = await world.player(BALANCE)
    campaign_id = (await api.grant(player.user_id, game, rounds=5, bet=50)).json()["campaignId"]
    session = await world.session(player, game)
    played = await callbacks.debit(
        session.token, 50, round_id="f1", freeRoundsCampaignId=campaign_id
    )
    assert played.status_code == 200, played.text

    assert (await api.cancel(campaign_id)).status_code == 200
    tx = new_id("free")
    refused = await callbacks.debit(
        session.token, 50, tx=tx, round_id="f2", freeRoundsCampaignId=campaign_id
    )
    again = await callbacks.debit(
        session.token, 50, tx=tx, round_id="f2", freeRoundsCampaignId=campaign_id
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "FREE_ROUNDS_EXPIRED")
    assert again.json() == refused.json()
    assert await world.balance(player) == BALANCE
    assert (await _provider_campaign(providers, campaign_id))["cancelled_at"] is not None
    # Cancelling again changes nothing and still answers the campaign.
    twice = await api.cancel(campaign_id)
    assert twice.status_code == 200
    assert twice.json()["cancelledAt"] == (await api.campaign(campaign_id)).json()["cancelledAt"]


async def test_an_expired_campaign_refuses_its_free_rounds(
    api: OperatorApi, callbacks: WalletCallbacks, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    game = _game(casino_system)
    player = await world.player(BALANCE)
    granted = await api.grant(
        player.user_id, game, rounds=3, bet=10, expires_in=dt.timedelta(seconds=2)
    )
    assert granted.status_code == 200, granted.text
    campaign_id = granted.json()["campaignId"]
    session = await world.session(player, game)
    in_time = await callbacks.debit(
        session.token, 10, round_id="e1", freeRoundsCampaignId=campaign_id
    )
    assert in_time.status_code == 200, in_time.text
    await asyncio.sleep(2.5)
    late = await callbacks.debit(session.token, 10, round_id="e2", freeRoundsCampaignId=campaign_id)
    assert (late.status_code, late.json()["code"]) == (409, "FREE_ROUNDS_EXPIRED")
    assert (await api.campaign(campaign_id)).json()["status"] == "expired"
    assert await world.balance(player) == BALANCE


async def test_a_players_campaigns_are_listed_newest_first(
    api: OperatorApi, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    game = _game(casino_system)
    player = await world.player(0)
    first = (await api.grant(player.user_id, game, rounds=1)).json()["campaignId"]
    second = (await api.grant(player.user_id, game, rounds=2)).json()["campaignId"]
    listed = await api.campaigns(player.user_id)
    assert listed.status_code == 200
    assert [c["campaignId"] for c in listed.json()["campaigns"]] == [second, first]


async def test_a_grant_that_cannot_be_played_is_refused_with_its_code(
    api: OperatorApi, http: httpx.AsyncClient, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    game = _game(casino_system)
    player = await world.player(0)
    unknown_game = await api.grant(player.user_id, uuid.uuid4())
    unknown_player = await api.grant(uuid.uuid4(), game)
    past = await api.grant(player.user_id, game, expires_in=dt.timedelta(minutes=-1))
    no_rounds = await api.grant(player.user_id, game, rounds=0)
    float_bet = await http.post(
        "/casino/freeRounds",
        json={
            "userId": str(player.user_id),
            "gameId": str(game),
            "currency": "USD",
            "rounds": 1,
            "betAmount": 1.5,
            "expiresAt": "2099-01-01T00:00:00Z",
        },
        headers={"x-api-key": "e2e-operator-key"},
    )
    no_key = await http.post("/casino/freeRounds", json={})
    unknown_campaign = await api.campaign(str(uuid.uuid4()))
    not_an_id = await api.cancel("not-a-uuid")
    assert (unknown_game.status_code, unknown_game.json()["code"]) == (404, "GAME_NOT_FOUND")
    assert (unknown_player.status_code, unknown_player.json()["code"]) == (404, "USER_NOT_FOUND")
    assert (past.status_code, past.json()["code"]) == (400, "INVALID_REQUEST")
    assert "expiresAt" in past.json()["error"]
    assert (no_rounds.status_code, no_rounds.json()["code"]) == (400, "INVALID_REQUEST")
    assert (float_bet.status_code, float_bet.json()["code"]) == (400, "INVALID_AMOUNT")
    assert (no_key.status_code, no_key.json()["code"]) == (401, "API_KEY_INVALID")
    assert (unknown_campaign.status_code, unknown_campaign.json()["code"]) == (
        404,
        "FREE_ROUNDS_NOT_FOUND",
    )
    assert (not_an_id.status_code, not_an_id.json()["code"]) == (400, "INVALID_REQUEST")
    assert (await api.campaigns(player.user_id)).json()["campaigns"] == []
