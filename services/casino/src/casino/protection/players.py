"""What every protection change reads first: that the player exists, and the time."""

import datetime as dt
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from casino.lobby.errors import LobbyError
from casino.models import User
from contracts.errors import ErrorCode


async def check_player(db: AsyncSession, user_id: uuid.UUID) -> None:
    """Refuse an unknown player (USER_NOT_FOUND) before anything names them."""
    if await db.get(User, user_id) is None:
        raise LobbyError(ErrorCode.USER_NOT_FOUND)


async def clock(db: AsyncSession) -> dt.datetime:
    """The database's time now: the clock the wallet judges bets by. Read after any lock
    is held (`clock_timestamp()`, not the transaction's start), so changes made one after
    another are dated in that order."""
    now: dt.datetime = (await db.execute(text("SELECT clock_timestamp()"))).scalar_one()
    return now
