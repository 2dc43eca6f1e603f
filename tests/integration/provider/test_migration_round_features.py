"""Migration 0003 (round features) on a database that already holds calls: they are kept
as they were, the new kinds of row fit, the schema it makes is exactly the models', and it
can be undone."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from importlib.resources import files
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from provider.models import Base
from tests.support import infrastructure as infra

pytestmark = pytest.mark.integration


def alembic(database_url: str, step: Callable[[Config, str], None], revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(files("provider") / "migrations"))
    config.attributes["database_url"] = database_url
    step(config, revision)


@pytest_asyncio.fixture(loop_scope="session")
async def database_at_0002(postgres_admin_url: str) -> AsyncIterator[str]:
    name = f"provider_migration_{infra.RUN_ID}_{uuid.uuid4().hex[:6]}"
    await infra.create_database(postgres_admin_url, name)
    url = infra.database_url(postgres_admin_url, name)
    await asyncio.to_thread(alembic, url, command.upgrade, "0002")
    yield url
    await infra.drop_database(postgres_admin_url, name)


async def a_round(connection: asyncpg.Connection) -> uuid.UUID:
    """A casino, game, player, session and round, the rows a call needs."""
    ids = {name: uuid.uuid4() for name in ("casino", "game", "user", "session", "round")}
    statements = [
        ("INSERT INTO provider_casinos (id, code, name) VALUES ($1, 'c', 'C')", "casino"),
        ("INSERT INTO provider_games (id, code, name) VALUES ($1, 'g', 'G')", "game"),
    ]
    for sql, name in statements:
        await connection.execute(sql, ids[name])
    await connection.execute(
        "INSERT INTO provider_casino_users (id, casino_id, casino_player_id) VALUES ($1, $2, 'p')",
        ids["user"],
        ids["casino"],
    )
    await connection.execute(
        "INSERT INTO provider_sessions (id, casino_id, casino_user_id, game_id, session_token,"
        " currency, opening_balance) VALUES ($1, $2, $3, $4, 'tok', 'USD', 0)",
        ids["session"],
        ids["casino"],
        ids["user"],
        ids["game"],
    )
    await connection.execute(
        "INSERT INTO provider_game_rounds (id, session_id, game_id) VALUES ($1, $2, $3)",
        ids["round"],
        ids["session"],
        ids["game"],
    )
    return ids["round"]


INSERT_CALL = (
    "INSERT INTO provider_bets (id, round_id, type, transaction_id, amount, status, kind)"
    " VALUES ($1, $2, $3, $4, $5, 'accepted', $6)"
)


async def test_calls_are_kept_the_new_rows_fit_and_it_can_be_undone(
    database_at_0002: str,
) -> None:
    connection = await asyncpg.connect(infra.plain_url(database_at_0002))
    try:
        round_id = await a_round(connection)
        payout = uuid.uuid4()
        await connection.execute(
            "INSERT INTO provider_bets (id, round_id, type, transaction_id, amount, status)"
            " VALUES ($1, $2, 'payout', 'payout-old', 250, 'accepted')",
            payout,
            round_id,
        )
        await asyncio.to_thread(alembic, database_at_0002, command.upgrade, "0003")

        kept = await connection.fetchrow(
            "SELECT type, amount, kind, campaign_id FROM provider_bets WHERE id = $1", payout
        )
        assert tuple(kept) == ("payout", 250, None, None)

        async def call(kind: str, amount: int, credit_kind: str | None = None) -> Any:
            return await connection.execute(
                INSERT_CALL,
                uuid.uuid4(),
                round_id,
                kind,
                f"{kind}-{uuid.uuid4()}",
                amount,
                credit_kind,
            )

        await call("end_round", 0)
        await call("payout", 500, "jackpot")
        for refused in (("end_round", 5, None), ("bet", 5, "win"), ("payout", 5, "lottery")):
            with pytest.raises(asyncpg.CheckViolationError):
                await call(*refused)

        await connection.execute("DELETE FROM provider_bets WHERE type = 'end_round'")
        await asyncio.to_thread(alembic, database_at_0002, command.downgrade, "0002")
        columns = await connection.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'provider_bets' AND column_name IN ('kind', 'campaign_id')"
        )
        assert columns == []
        assert await connection.fetchval("SELECT count(*) FROM provider_bets") == 2
    finally:
        await connection.close()


async def test_the_migrated_schema_is_the_models(database_at_0002: str) -> None:
    await asyncio.to_thread(alembic, database_at_0002, command.upgrade, "head")
    engine = create_async_engine(database_at_0002)

    def differences(connection: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
