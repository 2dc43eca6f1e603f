"""The casino's list of supported currencies on the real database: what migration 0007
seeds (the defaults and every currency a wallet already held), what an operator may add
(`casino.currencies.catalogue`), and that no wallet can be in a currency off the list."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from importlib.resources import files

import asyncpg
import pytest
import pytest_asyncio
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from casino.currencies.catalogue import CurrencyRefusedError, add_currency, supported_currencies
from casino.database import Database
from casino.tools.seed import SeedRefusedError, create_player
from tests.support import infrastructure as infra

pytestmark = pytest.mark.integration


async def test_the_defaults_are_supported_with_their_decimals(database: Database) -> None:
    supported = {c.code: c.decimals for c in await supported_currencies(database)}
    assert {code: supported.get(code) for code in ("EUR", "USD", "GBP", "JPY", "KWD", "BTC")} == {
        "EUR": 2,
        "USD": 2,
        "GBP": 2,
        "JPY": 0,
        "KWD": 3,
        "BTC": 8,
    }


async def test_an_iso_currency_is_added_with_iso_decimals_and_adding_it_again_is_harmless(
    database: Database,
) -> None:
    first = await add_currency(database, "SEK")
    again = await add_currency(database, "SEK", 2)

    assert (first.new, first.currency.decimals, first.currency.name) == (True, 2, "Swedish Krona")
    assert (again.new, again.currency) == (False, first.currency)
    assert first.currency in await supported_currencies(database)


async def test_a_code_neither_iso_nor_the_crypto_units_know_needs_its_decimals(
    database: Database,
) -> None:
    with pytest.raises(CurrencyRefusedError, match="--decimals"):
        await add_currency(database, "ZZB")

    added = await add_currency(database, "ZZB", 6, "Zeta Bucks")

    assert (added.currency.decimals, added.currency.name) == (6, "Zeta Bucks")
    with pytest.raises(CurrencyRefusedError, match="already supported with 6 decimals"):
        await add_currency(database, "ZZB", 4)


@pytest.mark.parametrize(
    ("code", "decimals", "why"),
    [
        ("JPY", 2, "JPY has 0 decimals"),  # contradicts ISO 4217
        ("ISK", 2, "ISK has 0 decimals"),  # the same, for a currency not yet added
        ("LTC", 2, "LTC has 8 decimals"),  # contradicts the configured crypto unit
        ("usd", None, "not a currency code"),
        ("EURO", None, "not a currency code"),
        ("ZZC", 19, "0 to 18 decimals"),
        ("ZZC", -1, "0 to 18 decimals"),
    ],
)
async def test_what_an_operator_may_not_add(
    code: str, decimals: int | None, why: str, database: Database
) -> None:
    before = await supported_currencies(database)

    with pytest.raises(CurrencyRefusedError, match=why):
        await add_currency(database, code, decimals)

    assert await supported_currencies(database) == before


async def test_no_wallet_can_be_in_a_currency_off_the_list(database: Database) -> None:
    with pytest.raises(SeedRefusedError, match="does not support ZZD"):
        await create_player(database, 0, "ZZD")
    with pytest.raises(IntegrityError, match="fk_casino_wallets_currency_casino_currencies"):
        await _wallet_in(database, "ZZD")  # the database refuses it too


async def _wallet_in(database: Database, currency: str) -> None:
    user_id = uuid.uuid4()
    async with database.begin() as db:
        await db.execute(
            text("INSERT INTO casino_users (id, email, display_name) VALUES (:id, :email, 'x')"),
            {"id": user_id, "email": f"{user_id}@test.example"},
        )
        await db.execute(
            text(
                "INSERT INTO casino_wallets (id, user_id, currency, balance, opening_balance)"
                " VALUES (:id, :user, :currency, 0, 0)"
            ),
            {"id": uuid.uuid4(), "user": user_id, "currency": currency},
        )


@pytest_asyncio.fixture(loop_scope="session")
async def database_at_0006(postgres_admin_url: str) -> AsyncIterator[tuple[str, Config]]:
    """A database of its own, migrated up to the revision before the currencies."""
    name = f"casino_currencies_{infra.RUN_ID}"
    await infra.create_database(postgres_admin_url, name)
    url = infra.database_url(postgres_admin_url, name)
    config = Config()
    config.set_main_option("script_location", str(files("casino") / "migrations"))
    config.attributes["database_url"] = url
    await asyncio.to_thread(command.upgrade, config, "0006")
    yield url, config
    await infra.drop_database(postgres_admin_url, name)


async def test_the_migration_supports_every_currency_a_wallet_already_holds(
    database_at_0006: tuple[str, Config],
) -> None:
    url, config = database_at_0006
    db = await asyncpg.connect(infra.plain_url(url))
    try:
        user_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO casino_users (id, email, display_name) VALUES ($1, 'old@x', 'old')",
            user_id,
        )
        for currency in ("USD", "CHF", "BHD", "ZZE"):
            await db.execute(
                "INSERT INTO casino_wallets (id, user_id, currency, balance, opening_balance)"
                " VALUES ($1, $2, $3, 5, 5)",
                uuid.uuid4(),
                user_id,
                currency,
            )

        await asyncio.to_thread(command.upgrade, config, "head")

        rows = await db.fetch("SELECT code, decimals, name FROM casino_currencies ORDER BY code")
    finally:
        await db.close()
    assert [tuple(row) for row in rows] == [
        ("BHD", 3, "Bahraini Dinar"),  # held by a wallet: ISO 4217's decimals and name
        ("BTC", 8, "Bitcoin"),
        ("CHF", 2, "Swiss Franc"),
        ("EUR", 2, "Euro"),
        ("GBP", 2, "Pound Sterling"),
        ("JPY", 0, "Yen"),
        ("KWD", 3, "Kuwaiti Dinar"),
        ("USD", 2, "US Dollar"),
        ("ZZE", 2, "ZZE"),  # known to no one: the cents it was always shown in
    ]
