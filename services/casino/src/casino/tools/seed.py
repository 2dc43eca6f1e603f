"""The demo world (INTERFACES.md "Seed") and funded players for testing.

Seeding is idempotent: every row is inserted with ON CONFLICT DO NOTHING on its natural
key and then read back, so a second run (or two at once) creates nothing new and reports
the same ids. An existing wallet's balance is never reset.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.database import Database
from casino.models import Game, GameProvider, User, Wallet

DEMO_PROVIDER_CODE = "demo-provider"
DEMO_GAME_CODE = "demo-slots"
DEMO_PLAYER_EMAIL = "demo-player@example.com"
DEMO_CURRENCY = "USD"
DEMO_BALANCE = 100_000


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


async def seed_demo_world(database: Database) -> DemoWorld:
    async with database.begin() as db:
        await db.execute(
            insert(GameProvider)
            .values(id=uuid.uuid4(), code=DEMO_PROVIDER_CODE, name="Demo Provider")
            .on_conflict_do_nothing(index_elements=[GameProvider.code])
        )
        provider_id = (
            await db.execute(select(GameProvider.id).where(GameProvider.code == DEMO_PROVIDER_CODE))
        ).scalar_one()
        await db.execute(
            insert(Game)
            .values(
                id=uuid.uuid4(),
                provider_id=provider_id,
                provider_game_code=DEMO_GAME_CODE,
                name="Demo Slots",
            )
            .on_conflict_do_nothing(index_elements=[Game.provider_id, Game.provider_game_code])
        )
        game_id = (
            await db.execute(
                select(Game.id).where(
                    Game.provider_id == provider_id, Game.provider_game_code == DEMO_GAME_CODE
                )
            )
        ).scalar_one()
        player = await _funded_player(db, DEMO_PLAYER_EMAIL, DEMO_CURRENCY, DEMO_BALANCE)
    return DemoWorld(player, game_id, DEMO_PROVIDER_CODE)


async def create_player(database: Database, balance: int, currency: str) -> FundedPlayer:
    """A new player with one wallet holding `balance` minor units of `currency`."""
    async with database.begin() as db:
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
