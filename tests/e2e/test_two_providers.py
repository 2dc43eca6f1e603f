"""Two providers on one casino, against the running services: the lobby's and the
provider's side of many providers.

A second provider is registered with the `casino` command while everything runs, given a
game, and started as a process of its own (`game-provider serve`) with its own database,
its own code (PROVIDER_CODE) and the secrets the command printed. A round of its game,
asked of the gateway like any other, is then launched and played by that provider: the
lobby calls it at its registered endpoint, signed with its casino secret, and its wallet
callbacks name it in `x-provider-code` and are signed with its callback secret. Both
sides agree on every call, and the default provider never hears of the round.

Last, no secret created here appears in any process's log, nor in clear in the casino's
database.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio

from casino.tools.seed import SECOND_PROVIDER_CALLBACK_SECRET, SECOND_PROVIDER_CASINO_SECRET
from contracts.signing import PROVIDER_CODE_HEADER
from tests.e2e.conftest import LOG_DIR, OPERATOR_API_KEY, CasinoSystem, run_command
from tests.support import infrastructure as infra
from tests.support.callbacks import WalletCallbacks
from tests.support.casino_world import CasinoWorld, Player
from tests.support.processes import ServiceProcess, free_port, http_ready, wait_until
from tests.support.provider_world import ProviderWorld

pytestmark = pytest.mark.e2e

OPERATOR = {"x-api-key": OPERATOR_API_KEY}
GAME_CODE = "e2e-fruits"
EXAMPLE_ROUND = {
    "bets": [{"amount": 1000}, {"amount": 500}],
    "wins": [{"amount": 2500, "relatedBetIndex": 0}],
    "rollbacks": [{"betIndex": 1}],
}
KNOWN_WITHIN = 15.0
"""The gateway's registry refresh (2 s) and a question's round trip, with room to spare."""


@dataclass
class SecondProvider:
    code: str
    url: str
    game_id: uuid.UUID
    callback_secret: str
    casino_secret: str
    records: ProviderWorld
    process: ServiceProcess


async def _casino(system: CasinoSystem, *argv: str) -> Any:
    return json.loads(await asyncio.to_thread(run_command, ["casino", *argv, "--json"], system.env))


async def _known_to_the_gateway(
    gateway_url: str, world: CasinoWorld, provider: SecondProvider
) -> None:
    """Wait until a getBalance signed as the new provider is answered."""
    session = await world.session(await world.player(0), provider.game_id)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as http:
        callbacks = WalletCallbacks(http, provider.callback_secret)

        async def answered() -> bool:
            response = await callbacks.send(
                "getBalance",
                {"sessionToken": session.token},
                headers={PROVIDER_CODE_HEADER: provider.code},
            )
            return response.status_code == 200

        await wait_until(answered, "the gateway learning the second provider", within=KNOWN_WITHIN)
    await world.end(session)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def second(
    casino_system: CasinoSystem,
    postgres_admin_url: str,
    world: CasinoWorld,
) -> AsyncIterator[SecondProvider]:
    port = free_port()
    code, url = f"e2e-second-{uuid.uuid4().hex[:8]}", f"http://127.0.0.1:{port}"
    added = await _casino(casino_system, "provider", "add", code, "--endpoint", url)
    game = await _casino(
        casino_system, "game", "add", "--provider", code, "--game-code", GAME_CODE, "--name", "F"
    )
    database = f"provider_second_test_{infra.RUN_ID}"
    await infra.create_database(postgres_admin_url, database)
    database_url = infra.database_url(postgres_admin_url, database)
    env = {
        "PROVIDER_DATABASE_URL": database_url,
        "PROVIDER_PORT": str(port),
        "PROVIDER_CODE": code,
        "PROVIDER_GAME_CODE": GAME_CODE,
        "CASINO_SECRET": added["callbackSecret"],
        "PROVIDER_SECRET": added["casinoSecret"],
        "GAME_URL_BASE": f"{url}/games",
    }
    for step in ("migrate", "seed"):
        await asyncio.to_thread(run_command, ["game-provider", step], {**casino_system.env, **env})
    process = casino_system.start("provider-second", ["game-provider", "serve"], **env)
    records = await ProviderWorld.connect(database_url)
    provider = SecondProvider(
        code,
        url,
        uuid.UUID(game["gameId"]),
        added["callbackSecret"],
        added["casinoSecret"],
        records,
        process,
    )
    try:
        await wait_until(lambda: http_ready(f"{url}/ready"), "the second provider", process=process)
        await _known_to_the_gateway(casino_system.gateway_url, world, provider)
        yield provider
    finally:
        process.stop()
        await records.close()
        await infra.drop_database(postgres_admin_url, database)


async def _simulate(http: httpx.AsyncClient, player: Player, game_id: object) -> dict[str, Any]:
    body = {"userId": str(player.user_id), "gameId": str(game_id), **EXAMPLE_ROUND}
    response = await http.post("/casino/simulateRound", json=body, headers=OPERATOR)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


async def _providers_of_the_ledger(world: CasinoWorld, player: Player) -> list[str]:
    rows = await world.pool.fetch(
        "SELECT DISTINCT p.code FROM casino_transactions t"
        " JOIN casino_game_providers p ON p.id = t.provider_id WHERE t.wallet_id = $1",
        player.wallet_id,
    )
    return [row["code"] for row in rows]


def _gateway_log() -> list[dict[str, Any]]:
    lines = "\n".join(path.read_text() for path in LOG_DIR.glob("gateway*.log")).splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


async def test_a_launch_of_the_second_providers_game_is_made_at_its_endpoint(
    http: httpx.AsyncClient, world: CasinoWorld, second: SecondProvider
) -> None:
    player = await world.player(5_000)
    body = {"userId": str(player.user_id), "gameId": str(second.game_id)}

    response = await http.post("/casino/launchGame", json=body, headers=OPERATOR)

    assert response.status_code == 200, response.text
    assert response.json()["gameUrl"].startswith(f"{second.url}/games/{GAME_CODE}?session=")
    assert response.json()["balance"] == 5_000


async def test_a_round_of_the_second_providers_game_is_played_by_that_provider(
    http: httpx.AsyncClient, world: CasinoWorld, providers: ProviderWorld, second: SecondProvider
) -> None:
    player = await world.player(100_000)

    reply = await _simulate(http, player, second.game_id)

    assert reply["finalBalance"] == 101_500 == await world.balance(player)
    await second.records.assert_agrees_with_casino(reply["roundId"], world, player)
    assert await providers.bets(reply["roundId"]) == []
    assert await _providers_of_the_ledger(world, player) == [second.code]
    # Each callback was verified as the second provider's: it named itself, and the
    # gateway checked its secret only (no header would have meant CASINO_SECRET).
    sent = {bet["transaction_id"] for bet in await second.records.bets(reply["roundId"])}
    answered = {
        line["transaction_id"]: line["provider"]
        for line in _gateway_log()
        if line.get("message") == "casino command answered" and line.get("transaction_id") in sent
    }
    assert answered == dict.fromkeys(sent, second.code)


async def test_the_two_providers_play_side_by_side(
    http: httpx.AsyncClient, world: CasinoWorld, providers: ProviderWorld, second: SecondProvider
) -> None:
    at_default, at_second = await world.player(100_000), await world.player(100_000)

    default_round, second_round = await asyncio.gather(
        _simulate(http, at_default, await world.game()),
        _simulate(http, at_second, second.game_id),
    )

    for reply, player in ((default_round, at_default), (second_round, at_second)):
        assert reply["finalBalance"] == 101_500 == await world.balance(player)
    await providers.assert_agrees_with_casino(default_round["roundId"], world, at_default)
    await second.records.assert_agrees_with_casino(second_round["roundId"], world, at_second)
    assert await providers.bets(second_round["roundId"]) == []
    assert await second.records.bets(default_round["roundId"]) == []
    assert await _providers_of_the_ledger(world, at_default) == ["demo-provider"]
    assert await _providers_of_the_ledger(world, at_second) == [second.code]


async def test_no_secret_is_in_any_log_or_stored_in_clear(
    world: CasinoWorld, second: SecondProvider
) -> None:
    """Every process of this run (gateway, lobby, wallet workers, both providers) has been
    at work on the second provider's rounds; none logged a secret. The seed's second
    provider's development secrets are looked for too."""
    created = [
        second.callback_secret,
        second.casino_secret,
        SECOND_PROVIDER_CALLBACK_SECRET.get_secret_value(),
        SECOND_PROVIDER_CASINO_SECRET.get_secret_value(),
    ]
    logs = {path.name: path.read_text(errors="replace") for path in LOG_DIR.glob("*.log")}
    assert {"gateway.log", "lobby.log", "provider.log", "provider-second.log"} <= set(logs)
    assert any(name.startswith("wallet-worker") for name in logs)
    assert [(name, s) for name, text in logs.items() for s in created if s in text] == []
    stored = await world.pool.fetchrow(
        "SELECT l.api_endpoint, l.casino_secret_sealed, s.secret_sealed"
        " FROM casino_game_providers p JOIN casino_provider_links l ON l.provider_id = p.id"
        " JOIN casino_provider_callback_secrets s ON s.provider_id = p.id WHERE p.code = $1",
        second.code,
    )
    assert stored is not None
    assert stored["api_endpoint"] == second.url
    assert not [s for s in created for column in stored.values() if s in column]
