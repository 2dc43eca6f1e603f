"""simulateRound's pass-throughs over RabbitMQ: jackpot contributions, free rounds of a
campaign, jackpot and promotion wins and the end of the round become the provider's
actions, in the protocol's order; bodies that cannot be played are refused before
anything is launched; the report carries each payout's kind and campaign."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from casino.lobby.round_report import round_report
from contracts.provider import ActionResult, ProviderSimulateReply
from contracts.wallet import CreditKind
from tests.integration.lobby.conftest import LobbyRig

pytestmark = pytest.mark.integration


async def _simulate(
    lobby: LobbyRig, user_id: object, game_id: object, **round_: object
) -> dict[str, Any]:
    request = {"userId": str(user_id), "gameId": str(game_id), **round_}
    return await lobby.caller.call(lobby.queue, "simulateRound", request)


def _token_of(lobby: LobbyRig, user_id: object) -> str:
    return next(
        token for token, sent in lobby.provider.launches.items() if sent["playerId"] == str(user_id)
    )


async def test_every_new_step_is_asked_of_the_provider_in_order(lobby: LobbyRig) -> None:
    player = await lobby.world.player(balance=100_000)
    game_id = await lobby.world.game()
    campaign_id = uuid.uuid4()

    reply = await _simulate(
        lobby,
        player.user_id,
        game_id,
        bets=[{"amount": 1000, "jackpotContribution": 20}, {"amount": 500}],
        freeRounds={"campaignId": str(campaign_id), "wins": [{"amount": 300}, {"amount": 0}]},
        rollbacks=[{"betIndex": 1}],
        wins=[{"amount": 2500, "relatedBetIndex": 0}],
        jackpotWins=[{"amount": 10_000}],
        promoWins=[{"amount": 700}, {"amount": 50}],
        closeRound=True,
    )

    assert reply["result"]["success"] is True, reply
    token = _token_of(lobby, player.user_id)
    campaign = str(campaign_id)
    assert lobby.provider.rounds[token]["actions"] == [
        {"type": "balance_check"},
        {"type": "bet", "amount": 1000, "jackpotContribution": 20},
        {"type": "bet", "amount": 500},
        {"type": "free_round", "campaignId": campaign},
        {"type": "free_round", "campaignId": campaign},
        {"type": "rollback", "betIndex": 1},
        {"type": "payout", "amount": 2500, "betIndex": 0},
        {"type": "payout", "amount": 300, "betIndex": 2},  # free round 0 is bet 2
        {"type": "payout", "amount": 0, "betIndex": 3},
        {"type": "jackpot_win", "amount": 10_000},
        {"type": "promo_win", "amount": 700},
        {"type": "promo_win", "amount": 50},
        {"type": "end_round"},
    ]
    steps = [step["type"] for step in reply["result"]["transactions"]]
    assert steps == [action["type"] for action in lobby.provider.rounds[token]["actions"]]


async def test_a_seed_style_round_asks_for_none_of_the_new_steps(lobby: LobbyRig) -> None:
    player = await lobby.world.player(balance=10_000)
    game_id = await lobby.world.game()
    await _simulate(lobby, player.user_id, game_id, bets=[{"amount": 100}], closeRound=False)
    actions = lobby.provider.rounds[_token_of(lobby, player.user_id)]["actions"]
    assert actions == [{"type": "balance_check"}, {"type": "bet", "amount": 100}]


@pytest.mark.parametrize(
    ("round_", "code", "field"),
    [
        ({"bets": [{"amount": 10, "jackpotContribution": 11}]}, "INVALID_AMOUNT", "bets[0]"),
        ({"jackpotWins": [{"amount": -1}]}, "INVALID_AMOUNT", "jackpotWins[0].amount"),
        ({"promoWins": [{"amount": 1}] * 11}, "INVALID_REQUEST", "promoWins"),
        ({"freeRounds": {"campaignId": "not-a-uuid", "wins": [{"amount": 0}]}}, None, "campaignId"),
        ({"freeRounds": {"campaignId": str(uuid.UUID(int=1)), "wins": []}}, None, "wins"),
        ({"closeRound": "maybe"}, "INVALID_REQUEST", "closeRound"),
    ],
)
async def test_a_round_that_cannot_be_played_is_refused_before_anything_is_launched(
    lobby: LobbyRig, round_: dict[str, Any], code: str | None, field: str
) -> None:
    player = await lobby.world.player(balance=10_000)
    game_id = await lobby.world.game()
    reply = await _simulate(lobby, player.user_id, game_id, **round_)
    error = reply["error"]
    assert error["code"] == (code or "INVALID_REQUEST")
    assert error["retryable"] is False
    assert field in error["error"]
    assert all(sent["playerId"] != str(player.user_id) for sent in lobby.provider.launches.values())


def test_the_report_shows_each_payouts_kind_and_campaign() -> None:
    played = ProviderSimulateReply(
        round_id="round-1",
        results=[
            ActionResult(
                type="free_round",
                transaction_id="bet-1",
                amount=50,
                status="accepted",
                campaign_id="c-1",
                balance_after=100,
            ),
            ActionResult(
                type="payout",
                transaction_id="payout-1",
                amount=120,
                bet_index=0,
                kind=CreditKind.BONUS,
                campaign_id="c-1",
                status="accepted",
                balance_after=220,
            ),
            ActionResult(
                type="jackpot_win",
                transaction_id="payout-2",
                amount=900,
                kind=CreditKind.JACKPOT,
                status="accepted",
                balance_after=1_120,
            ),
            ActionResult(
                type="end_round", transaction_id="end_round-1", amount=0, status="accepted"
            ),
        ],
        final_balance=1_120,
    )
    report = round_report(played, uuid.uuid4(), 1_120, "USD").to_wire()
    steps = [
        (s["type"], s.get("kind"), s.get("campaignId"), s.get("amount"))
        for s in report["transactions"]  # type: ignore[attr-defined]
    ]
    assert steps == [
        ("free_round", None, "c-1", 50),
        ("payout", "bonus", "c-1", 120),
        ("jackpot_win", "jackpot", None, 900),
        ("end_round", None, None, 0),
    ]
