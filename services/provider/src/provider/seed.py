"""The provider's demo world, matching the casino's seed (docs/INTERFACES.md): casino
`demo-casino` and the game `demo-slots`, plus a second active game and a retired one so a
launch of an inactive game can be tried.

Idempotent: rows are inserted only when their code is new, so a second run creates
nothing and reports the same ids.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from provider.models import Casino, Game

DEMO_CASINO = {"code": "demo-casino", "name": "Demo Casino"}
DEMO_GAMES = (
    {"code": "demo-slots", "name": "Demo Slots", "is_active": True},
    {"code": "demo-roulette", "name": "Demo Roulette", "is_active": True},
    {"code": "demo-retired", "name": "Demo Retired Game", "is_active": False},
)


async def seed(db: AsyncSession) -> dict[str, Any]:
    """Create what is missing of the demo world and describe all of it (JSON-ready)."""
    await db.execute(insert(Casino).values(**DEMO_CASINO).on_conflict_do_nothing())
    for game in DEMO_GAMES:
        await db.execute(insert(Game).values(**game).on_conflict_do_nothing())
    await db.commit()
    casino = (await db.scalars(select(Casino).where(Casino.code == DEMO_CASINO["code"]))).one()
    codes = [game["code"] for game in DEMO_GAMES]
    games = (await db.scalars(select(Game).where(Game.code.in_(codes)).order_by(Game.code))).all()
    return {
        "casinoCode": casino.code,
        "casinoId": str(casino.id),
        "games": [
            {"code": game.code, "id": str(game.id), "active": game.is_active} for game in games
        ],
    }
