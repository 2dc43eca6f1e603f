"""Excluding a player from play, until a moment or for ever, and reading it.

An exclusion refuses the player's launches and every bet (403 PLAYER_EXCLUDED; the
wallet and the launch read `casino_player_exclusions`); wins and refunds are still paid.

Setting one never shortens one in force: the player stays excluded until the later of
the two moments, and a permanent exclusion stays permanent. A self-exclusion that could
be lifted at the player's next request would protect nobody; an operator correcting a
mistake does it in the database, deliberately. An exclusion that has run out is simply
replaced. The moment given must be in the future.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.models import PlayerExclusion
from casino.protection.players import check_player, clock
from contracts.errors import ErrorCode


@dataclass(frozen=True)
class Exclusion:
    """A player's exclusion as of `now` (`recorded` False: never excluded)."""

    user_id: uuid.UUID
    recorded: bool
    until: dt.datetime | None
    set_at: dt.datetime | None
    set_by: str | None
    now: dt.datetime

    @property
    def excluded(self) -> bool:
        return self.recorded and (self.until is None or self.now < self.until)

    @property
    def permanent(self) -> bool:
        return self.recorded and self.until is None


def lasting_until(
    kept: dt.datetime | None, asked: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    """The end of the exclusion after asking for one until `asked` (None: for ever) when
    one until `kept` is recorded: the later of the two, unless the kept one has run out."""
    if kept is not None and kept <= now:
        return asked
    if kept is None or asked is None:
        return None
    return max(kept, asked)


async def exclude(
    database: Database, user_id: uuid.UUID, until: dt.datetime | None, set_by: str
) -> Exclusion:
    """Exclude the player until `until` (None: for ever), keeping a longer exclusion in
    force if there is one."""
    async with database.begin() as db:
        await check_player(db, user_id)
        now = await clock(db)
        if until is not None and until <= now:
            raise LobbyError(ErrorCode.INVALID_REQUEST, "until: must be in the future")
        # The first exclusion inserts; any later one (or one racing it) updates the row
        # it locks, so two at once both count.
        inserted = await db.scalar(
            insert(PlayerExclusion)
            .values(user_id=user_id, until=until, set_at=now, set_by=set_by)
            .on_conflict_do_nothing(index_elements=[PlayerExclusion.user_id])
            .returning(PlayerExclusion.user_id)
        )
        if inserted is None:
            kept = (
                await db.execute(
                    select(PlayerExclusion.until)
                    .where(PlayerExclusion.user_id == user_id)
                    .with_for_update()
                )
            ).scalar_one()
            await db.execute(
                update(PlayerExclusion)
                .where(PlayerExclusion.user_id == user_id)
                .values(until=lasting_until(kept, until, now), set_at=now, set_by=set_by)
            )
        return await _read(db, user_id, now)


async def read_exclusion(database: Database, user_id: uuid.UUID) -> Exclusion:
    """The player's exclusion now (not excluded if none was ever set, or it ran out)."""
    async with database.begin() as db:
        await check_player(db, user_id)
        return await _read(db, user_id, await clock(db))


async def _read(db: AsyncSession, user_id: uuid.UUID, now: dt.datetime) -> Exclusion:
    row = (
        await db.execute(select(PlayerExclusion).where(PlayerExclusion.user_id == user_id))
    ).scalar_one_or_none()
    if row is None:
        return Exclusion(user_id, False, None, None, None, now)
    return Exclusion(user_id, True, row.until, row.set_at, row.set_by, now)
