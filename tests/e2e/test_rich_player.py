"""Issue 17, acceptance 2: a player whose balance is far above the largest amount (10^15)
can launch a game and play, up to the balance ceiling (10^18).

A balance and an amount are different quantities: the lobby once sent the wallet's balance
to the provider's launch typed as a bet amount, and a wallet above 10^15 made launchGame
fail with a 500. Both ways of playing are tried: the provider's own wallet calls on a
launched session, and a whole round simulated through the lobby and the provider.
"""

import httpx
import pytest

from contracts.money import MAX_AMOUNT, MAX_BALANCE
from tests.e2e.conftest import OPERATOR_API_KEY
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld, Player
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

OPERATOR = {"x-api-key": OPERATOR_API_KEY}
RICH = [pytest.param(MAX_AMOUNT + 1, id="10^15+1"), pytest.param(MAX_BALANCE, id="10^18")]
BET, WIN = MAX_AMOUNT, 2_500  # the largest bet there is; a win that keeps under the ceiling


@pytest.mark.parametrize("balance", RICH)
async def test_a_rich_player_launches_a_game_and_plays_a_bet_and_a_win(
    balance: int, http: httpx.AsyncClient, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(balance)

    launch = await http.post(
        "/casino/launchGame", json=launch_body(player, await world.game()), headers=OPERATOR
    )

    assert launch.status_code == 200, launch.text
    assert (launch.json()["balance"], launch.json()["currency"]) == (balance, "USD")
    token = launch.json()["sessionToken"]
    assert (await callbacks.balance(token)).json()["balance"] == balance

    bet, round_id = new_id("bet"), new_id("round")
    debit = await callbacks.debit(token, BET, tx=bet, round_id=round_id)
    assert debit.status_code == 200, debit.text
    assert debit.json()["balance"] == balance - BET
    credit = await callbacks.credit(token, WIN, round_id=round_id, related=bet)
    assert credit.status_code == 200, credit.text
    assert credit.json()["balance"] == balance - BET + WIN

    assert await world.balance(player) == balance - BET + WIN
    ledger = await world.ledger(player)
    assert [(row["type"], row["outcome"], row["balance_after"]) for row in ledger] == [
        ("debit", "accepted", balance - BET),
        ("credit", "accepted", balance - BET + WIN),
    ]


@pytest.mark.parametrize("balance", RICH)
async def test_a_rich_player_plays_a_simulated_round(
    balance: int, http: httpx.AsyncClient, world: CasinoWorld, providers: ProviderWorld
) -> None:
    player = await world.player(balance)
    body = {
        **launch_body(player, await world.game()),
        "bets": [{"amount": BET}],
        "wins": [{"amount": WIN, "relatedBetIndex": 0}],
    }

    response = await http.post("/casino/simulateRound", json=body, headers=OPERATOR)

    assert response.status_code == 200, response.text
    reply = response.json()
    steps = [(t["type"], t["status"], t["balanceAfter"]) for t in reply["transactions"]]
    assert steps == [
        ("balance_check", "accepted", balance),
        ("bet", "accepted", balance - BET),
        ("payout", "accepted", balance - BET + WIN),
    ]
    assert reply["finalBalance"] == balance - BET + WIN
    assert await world.balance(player) == balance - BET + WIN
    await providers.assert_agrees_with_casino(reply["roundId"], world, player)


def launch_body(player: Player, game: object) -> dict[str, str]:
    return {"userId": str(player.user_id), "gameId": str(game), "currency": player.currency}
