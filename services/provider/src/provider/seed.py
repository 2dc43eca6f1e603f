"""The provider's demo world, matching the casino's seed (docs/INTERFACES.md): casino
`demo-casino` and this provider's own game (PROVIDER_GAME_CODE: `demo-slots` for the
default provider, `acme-fruits` for the demo's second), plus a second active game and a
retired one so a launch of an inactive game can be tried.

Idempotent: rows are inserted only when their code is new, so a second run creates
nothing and reports the same ids.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from provider.models import Casino, Game

DEMO_CASINO = {"code": "demo-casino", "name": "Demo Casino"}
DEMO_GAME_CODE = "demo-slots"
OTHER_GAMES = (
    {"code": "demo-roulette", "name": "Demo Roulette", "is_active": True},
    {"code": "demo-retired", "name": "Demo Retired Game", "is_active": False},
)


def demo_games(game_code: str) -> tuple[dict[str, Any], ...]:
    """This provider's game (`acme-fruits` is "Acme Fruits"), then the other two."""
    own = {"code": game_code, "name": game_code.replace("-", " ").title(), "is_active": True}
    return (own, *OTHER_GAMES)


async def seed(db: AsyncSession, game_code: str = DEMO_GAME_CODE) -> dict[str, Any]:
    """Create what is missing of the demo world and describe all of it (JSON-ready)."""
    await db.execute(insert(Casino).values(**DEMO_CASINO).on_conflict_do_nothing())
    wanted = demo_games(game_code)
    for game in wanted:
        await db.execute(insert(Game).values(**game).on_conflict_do_nothing())
    await db.commit()
    casino = (await db.scalars(select(Casino).where(Casino.code == DEMO_CASINO["code"]))).one()
    codes = [game["code"] for game in wanted]
    games = (await db.scalars(select(Game).where(Game.code.in_(codes)).order_by(Game.code))).all()
    return {
        "casinoCode": casino.code,
        "casinoId": str(casino.id),
        "games": [
            {"code": game.code, "id": str(game.id), "active": game.is_active} for game in games
        ],
    }
