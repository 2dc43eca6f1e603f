"""Currencies and player protection at launch, through the gateway on the real services.

- A JPY wallet: the yen has no minor unit, so its amounts are whole yen, and what a person
  reads (the round report of `casino play-round`, `casino currency list`) shows no decimals.
- launchGame in a currency the casino does not support: 400 UNSUPPORTED_CURRENCY, nothing
  opened; once an operator adds it (`casino currency add`), the same launch is played.
- launchGame for an excluded player (for ever, or until a later moment): 403
  PLAYER_EXCLUDED, nothing opened; an exclusion that has run out excludes no more.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.conftest import OPERATOR_API_KEY, CasinoSystem, run_command
from tests.support.casino_world import CasinoWorld, Player

pytestmark = pytest.mark.e2e

OPERATOR = {"x-api-key": OPERATOR_API_KEY}


async def launch(
    http: httpx.AsyncClient, user_id: uuid.UUID, game_id: uuid.UUID, currency: str
) -> httpx.Response:
    return await http.post(
        "/casino/launchGame",
        json={"userId": str(user_id), "gameId": str(game_id), "currency": currency},
        headers=OPERATOR,
    )


async def casino(system: CasinoSystem, *argv: str) -> str:
    """A `casino` command's output, run against the system's database and gateway."""
    return await asyncio.to_thread(run_command, ["casino", *argv], system.env)


async def sessions_of(world: CasinoWorld, player: Player) -> int:
    return int(
        await world.pool.fetchval(
            "SELECT count(*) FROM casino_game_sessions WHERE user_id = $1", player.user_id
        )
    )


async def test_a_yen_wallet_plays_in_whole_yen_and_is_shown_without_decimals(
    http: httpx.AsyncClient, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    player = await world.player(100_000, "JPY")  # 100,000 yen
    game = await world.game()

    launched = await launch(http, player.user_id, game, "JPY")
    assert launched.status_code == 200, launched.text
    assert (launched.json()["balance"], launched.json()["currency"]) == (100_000, "JPY")

    # The seed example round (bets 1000 and 500, 2500 won on the first, the second rolled
    # back) played through the gateway by the operator's command, in the yen wallet.
    report = await casino(
        casino_system,
        "play-round",
        "--gateway",
        casino_system.gateway_url,
        "--user",
        str(player.user_id),
        "--game",
        str(game),
        "--currency",
        "JPY",
    )

    lines = report.splitlines()
    assert "final balance: 101,500 JPY" in lines, report
    assert "change:        +1,500 JPY" in lines, report
    bets = [line.split() for line in lines if " bet " in f" {line} "]
    assert [bet[3:5] for bet in bets[:2]] == [["1,000", "JPY"], ["500", "JPY"]], report
    amounts = [
        words[i - 1]
        for words in map(str.split, lines)
        for i in range(1, len(words))
        if words[i] == "JPY"
    ]
    assert len(amounts) >= 8, report
    assert [amount for amount in amounts if "." in amount] == [], report  # no decimals
    # The money is whole yen in the database: 1500 minor units are 1500 yen.
    assert await world.balance(player) == 101_500
    assert await world.movement(player) == 1_500

    listed = await casino(casino_system, "currency", "list")
    [jpy] = [line.split() for line in listed.splitlines() if line.startswith("JPY ")]
    assert jpy[:4] == ["JPY", "0", "1", "123,456,789"], listed
    [usd] = [line.split() for line in listed.splitlines() if line.startswith("USD ")]
    assert usd[:4] == ["USD", "2", "0.01", "1,234,567.89"], listed


async def test_a_currency_the_casino_does_not_support_is_refused_until_an_operator_adds_it(
    http: httpx.AsyncClient, world: CasinoWorld, casino_system: CasinoSystem
) -> None:
    player = await world.player(1_000)
    game = await world.game()
    # ISO 4217's Swiss franc (2 decimals), not among the casino's defaults.
    assert "CHF" not in await casino(casino_system, "currency", "list")

    refused = await launch(http, player.user_id, game, "CHF")

    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert (body["success"], body["code"], body["retryable"]) == (
        False,
        "UNSUPPORTED_CURRENCY",
        False,
    )
    assert await sessions_of(world, player) == 0
    wallets = await world.pool.fetchval(
        "SELECT count(*) FROM casino_wallets WHERE user_id = $1", player.user_id
    )
    assert wallets == 1  # no CHF wallet was made

    added = await casino(casino_system, "currency", "add", "CHF")
    assert "CHF (Swiss Franc) now supported, 2 decimals" in added, added

    launched = await launch(http, player.user_id, game, "CHF")
    assert launched.status_code == 200, launched.text
    assert (launched.json()["balance"], launched.json()["currency"]) == (0, "CHF")


async def test_a_code_no_one_knows_is_unsupported_not_invalid(
    http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(1_000)

    refused = await launch(http, player.user_id, await world.game(), "QQQ")

    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "UNSUPPORTED_CURRENCY"


@pytest.mark.parametrize(
    "until",
    [
        pytest.param(None, id="for-ever"),
        pytest.param(datetime.now(UTC) + timedelta(days=30), id="until-next-month"),
    ],
)
async def test_an_excluded_player_cannot_launch_a_game(
    until: datetime | None, http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(10_000)
    await world.pool.execute(
        "INSERT INTO casino_player_exclusions (user_id, until, set_by) VALUES ($1, $2, 'e2e')",
        player.user_id,
        until,
    )

    refused = await launch(http, player.user_id, await world.game(), "USD")

    assert refused.status_code == 403, refused.text
    body = refused.json()
    assert (body["success"], body["code"], body["retryable"]) == (
        False,
        "PLAYER_EXCLUDED",
        False,
    )
    assert await sessions_of(world, player) == 0
    assert await world.balance(player) == 10_000


async def test_an_exclusion_that_has_run_out_excludes_no_more(
    http: httpx.AsyncClient, world: CasinoWorld
) -> None:
    player = await world.player(10_000)
    await world.pool.execute(
        "INSERT INTO casino_player_exclusions (user_id, until, set_by) VALUES ($1, $2, 'e2e')",
        player.user_id,
        datetime.now(UTC) - timedelta(minutes=1),
    )

    launched = await launch(http, player.user_id, await world.game(), "USD")

    assert launched.status_code == 200, launched.text
    assert await sessions_of(world, player) == 1
