"""The demo world (INTERFACES.md "Seed") and funded players for testing.

Seeding is idempotent: every row is inserted with ON CONFLICT DO NOTHING on its natural
key and then read back, so a second run (or two at once) creates nothing new and reports
the same ids. An existing wallet's balance is never reset.

The demo player has two wallets: 1,000.00 USD (100,000 cents) and 100,000 JPY (the yen
has no minor unit: 100,000 minor units are 100,000 yen), so the demo plays in two
currencies with different decimals.

The demo world has two providers. The default one (`demo-provider`) is reached through
the settings (PROVIDER_URL, PROVIDER_SECRET, CASINO_SECRET). The second (`acme-games`,
game `acme-fruits`) is in the registry like any provider an operator adds, but with
fixed development secrets, so that a second provider process can be started with them
(scripts/demo, compose.yaml): it is seeded in development only.
"""

import uuid
from dataclasses import dataclass

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.currencies.catalogue import supported_currency
from casino.database import Database
from casino.models import Game, GameProvider, User, Wallet
from casino.providers.registry import NewProvider, register_provider
from casino.providers.tables import ProviderLink
from contracts.secret_box import SecretBox
from contracts.secrets import DEVELOPMENT

DEMO_PROVIDER_CODE = "demo-provider"
DEMO_GAME_CODE = "demo-slots"
DEMO_PLAYER_EMAIL = "demo-player@example.com"
DEMO_CURRENCY = "USD"
DEMO_BALANCE = 100_000
# The demo player's second wallet, in a currency with other decimals (migration 0007
# supports it from the start).
DEMO_SECOND_CURRENCY = "JPY"
DEMO_SECOND_BALANCE = 100_000

SECOND_PROVIDER_CODE = "acme-games"
SECOND_GAME_CODE = "acme-fruits"
SECOND_PROVIDER_URL = "http://127.0.0.1:8003"
# The second provider's process is configured with these (its CASINO_SECRET and
# PROVIDER_SECRET). Default-looking on purpose: outside development every service refuses
# them, and the seed does not register them.
SECOND_PROVIDER_CALLBACK_SECRET = SecretStr("dev-acme-callback-secret")
SECOND_PROVIDER_CASINO_SECRET = SecretStr("dev-acme-provider-secret")


class SeedRefusedError(Exception):
    """Raised when the development-only part of the seed is asked for outside development,
    or a player in a currency the casino does not support."""


@dataclass(frozen=True)
class FundedPlayer:
    user_id: uuid.UUID
    wallet_id: uuid.UUID
    currency: str
    balance: int


@dataclass(frozen=True)
class DemoWorld:
    player: FundedPlayer
    game_id: uuid.UUID
    provider_code: str
    second_wallet: FundedPlayer
    """The same player's wallet in DEMO_SECOND_CURRENCY."""


@dataclass(frozen=True)
class SeededProvider:
    """A provider of the demo world and its game; `endpoint` is None for the default
    provider, which is reached through PROVIDER_URL."""

    code: str
    game_code: str
    game_id: uuid.UUID
    endpoint: str | None


async def seed_demo_world(database: Database) -> DemoWorld:
    """The default provider, its game and the demo player with both wallets."""
    async with database.begin() as db:
        await db.execute(
            insert(GameProvider)
            .values(id=uuid.uuid4(), code=DEMO_PROVIDER_CODE, name="Demo Provider")
            .on_conflict_do_nothing(index_elements=[GameProvider.code])
        )
        provider_id = (
            await db.execute(select(GameProvider.id).where(GameProvider.code == DEMO_PROVIDER_CODE))
        ).scalar_one()
        game_id = await _game(db, provider_id, DEMO_GAME_CODE, "Demo Slots")
        player = await _funded_player(db, DEMO_PLAYER_EMAIL, DEMO_CURRENCY, DEMO_BALANCE)
        second = await _funded_player(
            db, DEMO_PLAYER_EMAIL, DEMO_SECOND_CURRENCY, DEMO_SECOND_BALANCE
        )
    return DemoWorld(player, game_id, DEMO_PROVIDER_CODE, second)


async def seed_second_provider(
    database: Database, box: SecretBox, environment: str, endpoint: str = SECOND_PROVIDER_URL
) -> SeededProvider:
    """The second provider (registered with its development secrets, sealed with `box`)
    and its game. Refused outside development: its secrets are public. A provider already
    registered under its code is kept as it is, endpoint included."""
    if environment != DEVELOPMENT:
        raise SeedRefusedError(
            f"the second demo provider ({SECOND_PROVIDER_CODE}) has fixed development "
            f"secrets and is seeded in development only (ENVIRONMENT={environment})"
        )
    await register_provider(
        database,
        box,
        NewProvider(
            code=SECOND_PROVIDER_CODE,
            name="Acme Games",
            endpoint=endpoint,
            callback_secret=SECOND_PROVIDER_CALLBACK_SECRET,
            casino_secret=SECOND_PROVIDER_CASINO_SECRET,
        ),
    )
    async with database.begin() as db:
        provider_id = (
            await db.execute(
                select(GameProvider.id).where(GameProvider.code == SECOND_PROVIDER_CODE)
            )
        ).scalar_one()
        game_id = await _game(db, provider_id, SECOND_GAME_CODE, "Acme Fruits")
        registered = await db.scalar(
            select(ProviderLink.api_endpoint).where(ProviderLink.provider_id == provider_id)
        )
    return SeededProvider(SECOND_PROVIDER_CODE, SECOND_GAME_CODE, game_id, registered)


async def _game(db: AsyncSession, provider_id: uuid.UUID, code: str, name: str) -> uuid.UUID:
    await db.execute(
        insert(Game)
        .values(id=uuid.uuid4(), provider_id=provider_id, provider_game_code=code, name=name)
        .on_conflict_do_nothing(index_elements=[Game.provider_id, Game.provider_game_code])
    )
    return (
        await db.execute(
            select(Game.id).where(Game.provider_id == provider_id, Game.provider_game_code == code)
        )
    ).scalar_one()


async def create_player(database: Database, balance: int, currency: str) -> FundedPlayer:
    """A new player with one wallet holding `balance` minor units of `currency`, which
    must be a currency the casino supports (`casino currency list`)."""
    async with database.begin() as db:
        if await supported_currency(db, currency) is None:
            raise SeedRefusedError(
                f"the casino does not support {currency} (add it with `casino currency add`)"
            )
        user_id = uuid.uuid4()
        return await _funded_player(db, f"player-{user_id}@example.com", currency, balance)


async def _funded_player(db: AsyncSession, email: str, currency: str, balance: int) -> FundedPlayer:
    await db.execute(
        insert(User)
        .values(id=uuid.uuid4(), email=email, display_name=email.split("@")[0])
        .on_conflict_do_nothing(index_elements=[User.email])
    )
    user_id = (await db.execute(select(User.id).where(User.email == email))).scalar_one()
    await db.execute(
        insert(Wallet)
        .values(
            id=uuid.uuid4(),
            user_id=user_id,
            currency=currency,
            balance=balance,
            opening_balance=balance,
        )
        .on_conflict_do_nothing(index_elements=[Wallet.user_id, Wallet.currency])
    )
    wallet = (
        await db.execute(
            select(Wallet).where(Wallet.user_id == user_id, Wallet.currency == currency)
        )
    ).scalar_one()
    return FundedPlayer(wallet.user_id, wallet.id, wallet.currency, wallet.balance)
