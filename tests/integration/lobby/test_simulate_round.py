"""simulateRound over RabbitMQ: the actions the provider is asked to play, in the protocol's
order, and how its results and the casino's balance become the reply."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.lobby.conftest import LobbyRig, session_row
from tests.integration.lobby.fake_provider import PROVIDER_FINAL_BALANCE

pytestmark = pytest.mark.integration

# The protocol's example round (docs/PROTOCOL.md): bets 1000 and 500, a win of 2500 on
# bet 0, bet 1 rolled back.
README_ROUND = {
    "bets": [{"amount": 1000}, {"amount": 500}],
    "wins": [{"amount": 2500, "relatedBetIndex": 0}],
    "rollbacks": [{"betIndex": 1}],
}


async def _simulate(
    lobby: LobbyRig, user_id: object, game_id: object, **round_: object
) -> dict[str, Any]:
    request = {"userId": str(user_id), "gameId": str(game_id), **round_}
    return await lobby.caller.call(lobby.queue, "simulateRound", request)


async def test_the_round_is_played_check_bets_rollbacks_then_wins(lobby: LobbyRig) -> None:
    player = await lobby.world.player(balance=100_000)
    game_id = await lobby.world.game()

    reply = await _simulate(lobby, player.user_id, game_id, **README_ROUND)

    result = reply["result"]
    token = next(
        t for t, sent in lobby.provider.launches.items() if sent["playerId"] == str(player.user_id)
    )
    assert lobby.provider.rounds[token] == {
        "casinoCode": "demo-casino",
        "sessionToken": token,
        "gameId": "demo-slots",
        "actions": [
            {"type": "balance_check"},
            {"type": "bet", "amount": 1000},
            {"type": "bet", "amount": 500},
            {"type": "rollback", "betIndex": 1},
            {"type": "payout", "amount": 2500, "betIndex": 0},
        ],
    }
    assert result["success"] is True
    assert result["roundId"] == f"round-{token[:12]}"
    assert result["finalBalance"] == 101_500 == await lobby.world.balance(player)
    assert result["currency"] == "USD"
    row = await session_row(lobby.world.pool, token)
    assert row is not None
    assert str(row["id"]) == result["sessionId"]
    assert row["status"] == "ended"
    assert row["ended_at"] is not None


async def test_every_step_is_reported_as_the_provider_played_it(lobby: LobbyRig) -> None:
    player = await lobby.world.player(balance=700)
    game_id = await lobby.world.game()

    reply = await _simulate(
        lobby,
        player.user_id,
        game_id,
        bets=[{"amount": 600}, {"amount": 600}],
        wins=[{"amount": 0}],
    )

    result = reply["result"]
    token = next(
        t for t, sent in lobby.provider.launches.items() if sent["playerId"] == str(player.user_id)
    )
    played = lobby.provider.round_replies[token]["results"]
    assert [step["status"] for step in played] == ["accepted", "accepted", "rejected", "accepted"]
    expected = [{key: step[key] for key in REPORTED if step[key] is not None} for step in played]
    assert result["transactions"] == expected
    assert result["transactions"][2]["code"] == "INSUFFICIENT_FUNDS"
    # The provider's own final balance is ignored: the casino's wallet is the authority.
    assert result["finalBalance"] == 100 == await lobby.world.balance(player)
    assert result["finalBalance"] != PROVIDER_FINAL_BALANCE


REPORTED = (
    "type",
    "transactionId",
    "amount",
    "balanceAfter",
    "status",
    "code",
    "attempts",
    "betIndex",
)


@pytest.mark.parametrize(
    ("round_", "field"),
    [
        ({"bets": [{"amount": 100}], "rollbacks": [{"betIndex": 1}]}, "rollbacks[0].betIndex"),
        ({"bets": [], "wins": [{"amount": 5, "relatedBetIndex": 0}]}, "wins[0].relatedBetIndex"),
    ],
)
async def test_a_round_naming_a_missing_bet_is_refused_before_anything_is_played(
    lobby: LobbyRig, round_: dict[str, Any], field: str
) -> None:
    player = await lobby.world.player(balance=1_000)
    game_id = await lobby.world.game()

    reply = await _simulate(lobby, player.user_id, game_id, **round_)

    assert reply["error"]["code"] == "INVALID_REQUEST"
    assert field in reply["error"]["error"]
    assert not any(
        sent["playerId"] == str(player.user_id) for sent in lobby.provider.launches.values()
    )
    assert await lobby.world.balance(player) == 1_000
    sessions = await lobby.world.pool.fetchval(
        "SELECT count(*) FROM casino_game_sessions WHERE user_id = $1", player.user_id
    )
    assert sessions == 0
