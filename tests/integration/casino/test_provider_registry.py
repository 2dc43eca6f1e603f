"""The provider registry on the real casino database: the operator's changes, what the
gateway and the lobby read from it, and secrets that never sit in clear text."""

import asyncio
import json
import os
import uuid

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from casino.database import Database
from casino.providers import registry
from casino.providers.registry import ProviderExistsError, UnknownProviderError
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox

pytestmark = pytest.mark.integration

BOX = SecretBox([DEVELOPMENT_KEY])


def _code() -> str:
    return f"prov-{uuid.uuid4().hex[:10]}"


async def _stored_text(database: Database, code: str) -> str:
    """Every stored value of the provider's rows, as one string."""
    async with database() as db:
        rows = await db.execute(
            text(
                "SELECT l.*::text AS link, s.*::text AS secret"
                " FROM casino_game_providers p"
                " JOIN casino_provider_links l ON l.provider_id = p.id"
                " JOIN casino_provider_callback_secrets s ON s.provider_id = p.id"
                " WHERE p.code = :code"
            ),
            {"code": code},
        )
        return " ".join(f"{row.link} {row.secret}" for row in rows)


async def test_a_new_provider_is_enabled_with_secrets_stored_sealed(database: Database) -> None:
    code = _code()
    new = await registry.add_provider(database, BOX, code, "http://provider.example:8002")

    stored = await _stored_text(database, code)
    for secret in (new.callback_secret, new.casino_secret):
        assert len(secret.get_secret_value()) >= 32
        assert secret.get_secret_value() not in stored
    [entry] = [p for p in (await registry.snapshot(database)).providers if p.code == code]
    assert entry.enabled is True
    assert [BOX.open(sealed) for sealed in entry.callback_secrets] == [new.callback_secret]


async def test_a_code_is_registered_once(database: Database) -> None:
    code = _code()
    await registry.add_provider(database, BOX, code, "http://a.example")
    with pytest.raises(ProviderExistsError):
        await registry.add_provider(database, BOX, code, "http://b.example")


async def test_rotation_keeps_the_old_secret_until_it_is_retired(database: Database) -> None:
    code = _code()
    first = (await registry.add_provider(database, BOX, code, "http://a.example")).callback_secret
    second = await registry.rotate_secret(database, BOX, code)

    async def verifying() -> list[SecretStr]:
        [entry] = [p for p in (await registry.snapshot(database)).providers if p.code == code]
        return [BOX.open(sealed) for sealed in entry.callback_secrets]

    assert await verifying() == [second, first]
    assert await registry.retire_secrets(database, code) == 1
    assert await verifying() == [second]


async def test_disable_and_enable_show_in_the_snapshot(database: Database) -> None:
    code = _code()
    await registry.add_provider(database, BOX, code, "http://a.example")

    async def enabled() -> bool:
        [entry] = [p for p in (await registry.snapshot(database)).providers if p.code == code]
        return entry.enabled

    await registry.set_enabled(database, code, False)
    assert await enabled() is False
    await registry.set_enabled(database, code, True)
    assert await enabled() is True
    with pytest.raises(UnknownProviderError):
        await registry.set_enabled(database, _code(), False)


async def test_a_game_belongs_to_its_provider_and_the_lobby_finds_its_link(
    database: Database,
) -> None:
    code = _code()
    new = await registry.add_provider(database, BOX, code, "http://a.example:9000")
    game_id = await registry.add_game(database, code, "fruit-slots", "Fruit Slots")

    async with database() as db:
        provider_id = await db.scalar(
            text(
                "SELECT g.provider_id FROM casino_games g JOIN casino_game_providers p"
                " ON p.id = g.provider_id WHERE g.id = :game AND p.code = :code"
            ),
            {"game": game_id, "code": code},
        )
    link = await registry.link_of(database, BOX, provider_id)
    assert link is not None
    assert (link.endpoint, link.casino_secret) == ("http://a.example:9000", new.casino_secret)
    [summary] = [p for p in await registry.list_providers(database) if p.code == code]
    assert (summary.enabled, summary.callback_secrets, summary.games) == (True, 1, 1)


async def _casino(database_url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        *args,
        env={**os.environ, "CASINO_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_the_commands_print_a_secret_once_and_list_none(casino_database_url: str) -> None:
    code = _code()
    status, out = await _casino(
        casino_database_url, "provider", "add", code, "--endpoint", "http://a.example", "--json"
    )
    added = json.loads(out)
    assert status == 0
    assert added["code"] == code
    status, out = await _casino(casino_database_url, "provider", "rotate-secret", code, "--json")
    rotated = json.loads(out)["callbackSecret"]
    _, listed = await _casino(casino_database_url, "provider", "list", "--json")
    [row] = [p for p in json.loads(listed) if p["code"] == code]
    assert row == {
        "code": code,
        "name": code,
        "enabled": True,
        "endpoint": "http://a.example",
        "callbackSecrets": 2,
        "games": 0,
    }
    for secret in (added["callbackSecret"], added["casinoSecret"], rotated):
        assert secret not in listed
    status, out = await _casino(casino_database_url, "provider", "disable", _code(), "--json")
    assert status == 1
    assert "no provider has the code" in json.loads(out)["error"]
