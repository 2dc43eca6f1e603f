"""Many providers, the lobby's side: a game of a provider in the registry is launched and
played at that provider's registered endpoint, signed with its own casino secret; the
default provider's games still go to PROVIDER_URL with PROVIDER_SECRET (the other lobby
tests). Each registered provider here is a fake of its own, which refuses any call not
signed with the secret it was told, so a call that reaches it signed is a call made with
that secret.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from casino.database import Database, make_database, make_engine
from casino.providers import registry
from casino.tools.seed import (
    SECOND_GAME_CODE,
    SECOND_PROVIDER_CALLBACK_SECRET,
    SECOND_PROVIDER_CASINO_SECRET,
    SECOND_PROVIDER_CODE,
    SeedRefusedError,
    seed_second_provider,
)
from contracts.secret_box import SecretBox
from tests.integration.lobby.conftest import LobbyRig, session_row
from tests.integration.lobby.fake_provider import FakeProvider, serving
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

EXAMPLE_ROUND = {
    "bets": [{"amount": 1000}, {"amount": 500}],
    "wins": [{"amount": 2500, "relatedBetIndex": 0}],
    "rollbacks": [{"betIndex": 1}],
}


@dataclass(frozen=True)
class Registered:
    """A provider added with the registry's own code, served by a fake at its endpoint."""

    code: str
    game_id: uuid.UUID
    casino_secret: str
    fake: FakeProvider


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def database(casino_database_url: str) -> AsyncIterator[Database]:
    engine = make_engine(casino_database_url)
    yield make_database(engine)
    await engine.dispose()


@pytest.fixture
def box(lobby: LobbyRig) -> SecretBox:
    return SecretBox(lobby.settings.provider_secrets_key)


@asynccontextmanager
async def registered_provider(
    lobby: LobbyRig, database: Database, box: SecretBox, *, fake_secret: str | None = None
) -> AsyncIterator[Registered]:
    """A provider registered at a free port, a game of it, and a fake there that accepts
    only `fake_secret` (by default the casino secret the registry made for it)."""
    port, code = free_port(), f"lobby-{uuid.uuid4().hex[:10]}"
    new = await registry.add_provider(database, box, code, f"http://127.0.0.1:{port}")
    game_id = await registry.add_game(database, code, "other-slots", "Other Slots")
    secret = new.casino_secret.get_secret_value()
    fake = FakeProvider(fake_secret or secret, lobby.world.pool)
    async with serving(fake.app, port):
        yield Registered(code, game_id, secret, fake)


async def _call(lobby: LobbyRig, command: str, user_id: object, game_id: object) -> Any:
    request: dict[str, Any] = {"userId": str(user_id), "gameId": str(game_id)}
    if command == "simulateRound":
        request.update(EXAMPLE_ROUND)
    return await lobby.caller.call(lobby.queue, command, request)


async def test_a_registered_providers_game_is_launched_at_its_endpoint_with_its_secret(
    lobby: LobbyRig, database: Database, box: SecretBox
) -> None:
    player = await lobby.world.player(balance=7_000)
    async with registered_provider(lobby, database, box) as other:
        reply = await _call(lobby, "launchGame", player.user_id, other.game_id)

    result = reply["result"]
    token = result["sessionToken"]
    assert other.fake.launches[token]["gameId"] == "other-slots"
    assert other.fake.launches[token]["balance"] == 7_000
    assert token not in lobby.provider.launches
    assert result["gameUrl"] == f"https://games.example/other-slots?s={token}"
    row = await session_row(lobby.world.pool, token)
    assert row is not None
    assert row["provider_session_id"] == f"ps-{token[:12]}"


async def test_a_round_of_a_registered_providers_game_is_played_by_that_provider(
    lobby: LobbyRig, database: Database, box: SecretBox
) -> None:
    player = await lobby.world.player(balance=100_000)
    async with registered_provider(lobby, database, box) as other:
        reply = await _call(lobby, "simulateRound", player.user_id, other.game_id)

    result = reply["result"]
    [token] = other.fake.rounds
    assert other.fake.rounds[token]["gameId"] == "other-slots"
    assert token in other.fake.launches
    assert token not in lobby.provider.launches
    assert token not in lobby.provider.rounds
    assert result["finalBalance"] == 101_500 == await lobby.world.balance(player)


async def test_the_default_providers_game_still_goes_to_the_settings_provider(
    lobby: LobbyRig, database: Database, box: SecretBox
) -> None:
    """With another provider registered, the default provider's game is still played at
    PROVIDER_URL with PROVIDER_SECRET."""
    player = await lobby.world.player(balance=3_000)
    async with registered_provider(lobby, database, box) as other:
        reply = await _call(lobby, "launchGame", player.user_id, await lobby.world.game())

    token = reply["result"]["sessionToken"]
    assert token in lobby.provider.launches
    assert other.fake.launches == {}


async def test_a_provider_expecting_another_secret_refuses_and_no_secret_is_told(
    lobby: LobbyRig, database: Database, box: SecretBox, caplog: pytest.LogCaptureFixture
) -> None:
    """The registered secret is what signs: a provider that expects any other refuses the
    call. The refusal reaches the caller as PROVIDER_UNAVAILABLE, naming the provider's
    own code, and neither the reply nor a log line holds the secret."""
    player = await lobby.world.player(balance=1_000)
    caplog.set_level(logging.DEBUG)
    async with registered_provider(lobby, database, box, fake_secret="not-the-registered") as other:
        reply = await _call(lobby, "simulateRound", player.user_id, other.game_id)

    error = reply["error"]
    assert error["code"] == "PROVIDER_UNAVAILABLE"
    assert "SIGNATURE_INVALID" in error["error"]
    assert other.fake.launches == {}
    assert await lobby.world.balance(player) == 1_000
    assert other.casino_secret not in str(reply)
    assert other.casino_secret not in caplog.text
    assert "lobby command answered" in caplog.text


async def test_a_disabled_registered_provider_is_not_called(
    lobby: LobbyRig, database: Database, box: SecretBox
) -> None:
    player = await lobby.world.player(balance=1_000)
    async with registered_provider(lobby, database, box) as other:
        await registry.set_enabled(database, other.code, False)
        refused = await _call(lobby, "launchGame", player.user_id, other.game_id)
        await registry.set_enabled(database, other.code, True)
        restored = await _call(lobby, "launchGame", player.user_id, other.game_id)

    assert refused["error"]["code"] == "PROVIDER_DISABLED"
    assert list(other.fake.launches) == [restored["result"]["sessionToken"]]


async def test_the_seeds_second_provider_is_called_with_its_development_secret(
    lobby: LobbyRig, database: Database, box: SecretBox
) -> None:
    """The seed registers `acme-games` with the fixed development secrets a second
    provider process is started with (scripts/demo): that provider accepts the lobby's
    calls. Seeding again changes nothing, and the secrets are stored sealed."""
    port = free_port()
    first = await seed_second_provider(
        database, box, "development", endpoint=f"http://127.0.0.1:{port}"
    )
    again = await seed_second_provider(database, box, "development", endpoint="http://elsewhere")
    assert again == first
    assert (first.code, first.game_code) == (SECOND_PROVIDER_CODE, SECOND_GAME_CODE)
    stored = await lobby.world.pool.fetch(
        "SELECT l.api_endpoint, l.casino_secret_sealed, s.secret_sealed"
        " FROM casino_game_providers p JOIN casino_provider_links l ON l.provider_id = p.id"
        " JOIN casino_provider_callback_secrets s ON s.provider_id = p.id WHERE p.code = $1",
        SECOND_PROVIDER_CODE,
    )
    [row] = stored
    assert row["api_endpoint"] == first.endpoint
    for column in ("casino_secret_sealed", "secret_sealed"):
        for secret in (SECOND_PROVIDER_CASINO_SECRET, SECOND_PROVIDER_CALLBACK_SECRET):
            assert secret.get_secret_value() not in row[column]
    assert box.open(row["casino_secret_sealed"]) == SECOND_PROVIDER_CASINO_SECRET
    assert box.open(row["secret_sealed"]) == SECOND_PROVIDER_CALLBACK_SECRET
    # Another test run of this session may have seeded it first, elsewhere: point it here.
    await lobby.world.pool.execute(
        "UPDATE casino_provider_links SET api_endpoint = $1 WHERE api_endpoint = $2",
        f"http://127.0.0.1:{port}",
        first.endpoint,
    )
    fake = FakeProvider(SECOND_PROVIDER_CASINO_SECRET.get_secret_value(), lobby.world.pool)
    player = await lobby.world.player(balance=2_000)
    async with serving(fake.app, port):
        reply = await _call(lobby, "launchGame", player.user_id, first.game_id)

    assert fake.launches[reply["result"]["sessionToken"]]["gameId"] == SECOND_GAME_CODE


async def test_the_seeds_second_provider_is_refused_outside_development(
    database: Database, box: SecretBox
) -> None:
    with pytest.raises(SeedRefusedError):
        await seed_second_provider(database, box, "production")
