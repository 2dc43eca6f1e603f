"""The migrations, the seed, and the invariants the database itself enforces."""

import asyncio
import json
import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from casino import wallet
from casino.database import Database, LedgerPool, migrate
from casino.tools.seed import DEMO_PLAYER_EMAIL, seed_demo_world
from tests.integration.casino.support import NewSession, bet

pytestmark = pytest.mark.integration


async def test_migrating_an_up_to_date_database_changes_nothing(
    casino_database_url: str, database: Database
) -> None:
    await asyncio.to_thread(migrate, casino_database_url)
    async with database() as db:
        assert (
            await db.execute(text("SELECT version_num FROM alembic_version"))
        ).scalars().all() == ["0010"]


async def test_seeding_twice_creates_nothing_new(database: Database) -> None:
    first, second = await seed_demo_world(database), await seed_demo_world(database)
    assert second == first
    assert first.provider_code == "demo-provider"
    assert first.player.currency == "USD"
    async with database() as db:
        players = await db.scalar(
            text("SELECT count(*) FROM casino_users WHERE email = :email"),
            {"email": DEMO_PLAYER_EMAIL},
        )
        code = await db.scalar(
            text("SELECT provider_game_code FROM casino_games WHERE id = :id"),
            {"id": first.game_id},
        )
    assert (players, code) == (1, "demo-slots")


async def test_the_database_refuses_a_negative_balance(
    database: Database, new_session: NewSession
) -> None:
    session = await new_session(100)
    with pytest.raises(IntegrityError, match="balance_not_negative"):
        async with database.begin() as db:
            await db.execute(
                text(
                    "UPDATE casino_wallets SET balance = balance - 101,"
                    " opening_balance = opening_balance - 101 WHERE id = :id"
                ),
                {"id": session.player.wallet_id},
            )


async def test_the_database_refuses_a_second_row_for_one_transaction_id(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(100)
    placed = bet(session, 10)
    await wallet.debit(ledger, placed)
    with pytest.raises(IntegrityError, match="uq_casino_transactions_provider_transaction"):
        async with database.begin() as db:
            await db.execute(
                text(
                    "INSERT INTO casino_transactions (id, provider_id, transaction_id, type,"
                    " outcome, session_id, wallet_id, round_id, amount, is_tombstone,"
                    " fingerprint, reply, balance_before, balance_after, previous_id)"
                    " SELECT gen_random_uuid(), provider_id, transaction_id, type, outcome,"
                    " session_id, wallet_id, round_id, amount, is_tombstone, fingerprint, reply,"
                    " balance_before, balance_after, previous_id"
                    " FROM casino_transactions WHERE transaction_id = :tx"
                ),
                {"tx": placed.transaction_id},
            )


async def _casino_cli(database_url: str, *args: str) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        *args,
        env={**os.environ, "CASINO_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    parsed: dict[str, object] = json.loads(out)
    return parsed


async def test_the_seed_command_prints_the_same_demo_world_twice(casino_database_url: str) -> None:
    first = await _casino_cli(casino_database_url, "seed", "--json")
    second = await _casino_cli(casino_database_url, "seed", "--json")
    assert second == first
    assert set(first) == {
        "userId",
        "gameId",
        "providerCode",
        "currency",
        "balance",
        "walletId",
        "providers",
    }
    assert (first["providerCode"], first["currency"]) == ("demo-provider", "USD")
    codes = [provider["code"] for provider in first["providers"]]  # type: ignore[attr-defined]
    assert codes == ["demo-provider", "acme-games"]


async def test_create_player_makes_a_funded_wallet(
    casino_database_url: str, database: Database
) -> None:
    made = await _casino_cli(casino_database_url, "create-player", "--balance", "4321", "--json")
    assert (made["balance"], made["currency"]) == (4321, "USD")
    async with database() as db:
        stored = await db.scalar(
            text("SELECT balance FROM casino_wallets WHERE id = :id AND user_id = :user"),
            {"id": made["walletId"], "user": made["userId"]},
        )
    assert stored == 4321
