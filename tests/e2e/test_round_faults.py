"""Issue 3's acceptance under faults: lost responses, a wallet that is down, a closed door.

Extra provider (or gateway) processes with their own settings run beside the suite's
system, on the same databases, and the rounds are played on them directly, signed as the
casino signs them.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from contracts.signing import PROVIDER_SIGNATURE_HEADER, signature_headers
from tests.e2e.conftest import OPERATOR_API_KEY, PROVIDER_SECRET, CasinoSystem
from tests.support.casino_world import CasinoWorld, Player
from tests.support.processes import free_port, http_ready, wait_until
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

OPERATOR = {"x-api-key": OPERATOR_API_KEY}


@contextlib.asynccontextmanager
async def extra_service(
    system: CasinoSystem, name: str, argv: list[str], port_setting: str, **env: str
) -> AsyncIterator[str]:
    port = free_port()
    process = system.start(name, argv, **{port_setting: str(port)}, **env)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until(lambda: http_ready(f"{url}/ready"), name, process=process)
        yield url
    finally:
        process.stop()


def extra_provider(system: CasinoSystem, name: str, **env: str):  # type: ignore[no-untyped-def]
    return extra_service(system, name, ["game-provider", "serve"], "PROVIDER_PORT", **env)


async def launch(http: httpx.AsyncClient, player: Player, game: object) -> str:
    body = {"userId": str(player.user_id), "gameId": str(game)}
    response = await http.post("/casino/launchGame", json=body, headers=OPERATOR)
    assert response.status_code == 200, response.text
    return str(response.json()["sessionToken"])


async def play(provider_url: str, token: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """Ask a provider to play a round, signed with PROVIDER_SECRET as the casino does."""
    body = json.dumps(
        {
            "casinoCode": "demo-casino",
            "sessionToken": token,
            "gameId": "demo-slots",
            "actions": actions,
        }
    ).encode()
    headers = signature_headers(body, PROVIDER_SECRET, PROVIDER_SIGNATURE_HEADER)
    async with httpx.AsyncClient(timeout=120) as client:
        response = await client.post(
            f"{provider_url}/provider/simulate", content=body, headers=headers
        )
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


def round_actions(number: int) -> list[dict[str, Any]]:
    """Varied rounds: two bets, the second cancelled, a payout (sometimes 0) on the first."""
    return [
        {"type": "balance_check"},
        {"type": "bet", "amount": 1_000 + 10 * number},
        {"type": "bet", "amount": 500},
        {"type": "rollback", "betIndex": 1},
        {"type": "payout", "amount": (number % 3) * 1_000, "betIndex": 0},
    ]


async def test_losing_half_the_responses_changes_no_balance(
    casino_system: CasinoSystem,
    http: httpx.AsyncClient,
    world: CasinoWorld,
    providers: ProviderWorld,
) -> None:
    game = await world.game()
    calm_player, lossy_player = await world.player(100_000), await world.player(100_000)
    lossy_rounds = []
    async with extra_provider(
        casino_system,
        "lossy-provider",
        FAULT_LOSE_RESPONSE_RATIO="0.5",
        FAULT_SEED="7",
        CASINO_RETRY_ATTEMPTS="20",
        CASINO_RETRY_INITIAL_BACKOFF_SECONDS="0.01",
        CASINO_RETRY_MAX_BACKOFF_SECONDS="0.05",
    ) as lossy_url:
        for number in range(20):
            actions = round_actions(number)
            await play(casino_system.provider_url, await launch(http, calm_player, game), actions)
            lossy_rounds.append(
                await play(lossy_url, await launch(http, lossy_player, game), actions)
            )

    assert await world.balance(lossy_player) == await world.balance(calm_player)
    assert await world.balance(lossy_player) == 100_000 + sum(
        n % 3 for n in range(20)
    ) * 1_000 - sum(1_000 + 10 * n for n in range(20))
    results = [result for played in lossy_rounds for result in played["results"]]
    assert {result["status"] for result in results} == {"accepted"}
    calls = [r for r in results if r["type"] != "balance_check"]
    assert sum(r["attempts"] for r in calls) > len(calls), "no response was lost"
    for played in lossy_rounds:
        recorded = await providers.bets(played["roundId"])
        assert sum(bet["attempts"] for bet in recorded) >= len(recorded)
        await providers.assert_agrees_with_casino(played["roundId"], world, lossy_player)
    assert await world.balance(lossy_player) == 100_000 + await world.movement(lossy_player)


async def test_a_debit_lost_while_the_wallet_is_down_is_rolled_back_by_the_provider(
    casino_system: CasinoSystem,
    http: httpx.AsyncClient,
    world: CasinoWorld,
    providers: ProviderWorld,
) -> None:
    player = await world.player(10_000)
    async with extra_provider(
        casino_system,
        "impatient-provider",
        CASINO_RETRY_ATTEMPTS="2",
        CASINO_RETRY_INITIAL_BACKOFF_SECONDS="0.1",
        CASINO_RETRY_MAX_BACKOFF_SECONDS="0.2",
        UNKNOWN_DEBIT_ROLLBACK_ATTEMPTS="40",
    ) as provider_url:
        token = await launch(http, player, await world.game())
        for worker in casino_system.running_workers():
            worker.stop()
        played = asyncio.create_task(play(provider_url, token, [{"type": "bet", "amount": 1_000}]))

        async def rollback_under_way() -> bool:
            rollbacks = await providers.pool.fetchval(
                "SELECT count(*) FROM provider_bets b"
                " JOIN provider_game_rounds r ON r.id = b.round_id"
                " JOIN provider_sessions s ON s.id = r.session_id"
                " WHERE s.session_token = $1 AND b.type = 'rollback'",
                token,
            )
            return bool(rollbacks)

        # The debit's retries wait out the gateway's timeout; then the provider starts to
        # roll it back, and only then does the wallet come back.
        await wait_until(rollback_under_way, "the provider's rollback", within=60)
        await casino_system.start_worker()
        reply = await played

    [bet] = reply["results"]
    assert bet["status"] == "unknown"
    assert "rolled back" in bet["error"]
    assert await world.balance(player) == 10_000
    await providers.assert_agrees_with_casino(reply["roundId"], world, player)
    rollback = [b for b in await providers.bets(reply["roundId"]) if b["type"] == "rollback"]
    assert [r["status"] for r in rollback] == ["accepted"]


async def test_simulate_round_is_refused_where_it_is_disabled(
    casino_system: CasinoSystem, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    body = {
        "userId": str(player.user_id),
        "gameId": str(await world.game()),
        "bets": [{"amount": 100}],
        "wins": [{"amount": 5_000, "relatedBetIndex": 0}],
    }
    async with (
        extra_service(
            casino_system,
            "closed-gateway",
            ["casino-gateway"],
            "GATEWAY_PORT",
            SIMULATE_ROUND_ENABLED="false",
        ) as gateway_url,
        httpx.AsyncClient(base_url=gateway_url) as client,
    ):
        response = await client.post("/casino/simulateRound", json=body, headers=OPERATOR)
    assert (response.status_code, response.json()["code"]) == (403, "FEATURE_DISABLED")
    assert await world.balance(player) == 1_000
