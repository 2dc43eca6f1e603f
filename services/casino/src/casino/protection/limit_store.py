"""A player's limits in the casino database: setting them by the storage rule the wallet
relies on, and reading what is in force and what is pending.

The rule (the wallet reads it at every bet): for each kind, the limit in force is the
row with the latest `applies_at` not after now, and a NULL value means "no limit". Setting
a kind deletes its pending rows (a newer decision replaces them) and its applied rows
older than the newest applied one (superseded for good), then inserts the new row; so a
kind has at most one row in force and one pending, plus, between a change and the next,
the row it superseded.

Changes of one player's limits in one currency are serialised by an advisory lock, and
"now" is read after it is held (`clock_timestamp()`, not the transaction's start): a
change that waited for another is then never dated before it, so it can never take that
one's fresh row for a pending one and delete it.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casino.currencies.catalogue import supported_currency
from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.models import PlayerLimit
from casino.protection.limits import applies_at
from casino.protection.players import check_player, clock
from casino.vocabulary import LimitKind
from contracts.errors import ErrorCode


@dataclass(frozen=True)
class Pending:
    kind: LimitKind
    value: int | None
    applies_at: dt.datetime


@dataclass(frozen=True)
class PlayerLimits:
    """One player's limits in one currency, as of `now`."""

    user_id: uuid.UUID
    currency: str
    in_force: dict[LimitKind, int | None]
    pending: list[Pending]
    now: dt.datetime

    def value(self, kind: LimitKind) -> int | None:
        return self.in_force.get(kind)


async def set_limits(
    database: Database,
    user_id: uuid.UUID,
    currency: str,
    changes: Sequence[tuple[LimitKind, int | None]],
    cooling_off: dt.timedelta,
    set_by: str,
) -> PlayerLimits:
    """Apply each (kind, value) change (None removes the limit): a stricter one at once,
    a raise or a removal after `cooling_off`. The limits after it."""
    async with database.begin() as db:
        await check_player(db, user_id)
        if await supported_currency(db, currency) is None:
            raise LobbyError(
                ErrorCode.UNSUPPORTED_CURRENCY,
                f"The casino does not take this currency: {currency}",
            )
        await db.execute(
            select(
                func.pg_advisory_xact_lock(func.hashtextextended(_lock_key(user_id, currency), 0))
            )
        )
        now = await clock(db)
        before = _limits(user_id, currency, await _rows(db, user_id, currency), now)
        for kind, value in dict(changes).items():
            await _replace(db, user_id, currency, kind, now)
            await db.execute(
                insert(PlayerLimit).values(
                    user_id=user_id,
                    currency=currency,
                    kind=kind.value,
                    value=value,
                    applies_at=applies_at(before.value(kind), value, now, cooling_off),
                    set_at=now,
                    set_by=set_by,
                )
            )
        return _limits(user_id, currency, await _rows(db, user_id, currency), now)


async def read_limits(database: Database, user_id: uuid.UUID, currency: str) -> PlayerLimits:
    """The limits in force now and the changes pending."""
    async with database.begin() as db:
        await check_player(db, user_id)
        now = await clock(db)
        return _limits(user_id, currency, await _rows(db, user_id, currency), now)


async def _replace(
    db: AsyncSession, user_id: uuid.UUID, currency: str, kind: LimitKind, now: dt.datetime
) -> None:
    """Delete what a new row of `kind` supersedes: its pending rows and the applied rows
    older than the newest applied one."""
    of_kind = (
        PlayerLimit.user_id == user_id,
        PlayerLimit.currency == currency,
        PlayerLimit.kind == kind.value,
    )
    newest_applied = (
        select(func.max(PlayerLimit.applies_at))
        .where(*of_kind, PlayerLimit.applies_at <= now)
        .scalar_subquery()
    )
    await db.execute(
        delete(PlayerLimit).where(
            *of_kind,
            or_(PlayerLimit.applies_at > now, PlayerLimit.applies_at < newest_applied),
        )
    )


def _lock_key(user_id: uuid.UUID, currency: str) -> str:
    return f"casino.player_limits:{user_id}:{currency}"


async def _rows(db: AsyncSession, user_id: uuid.UUID, currency: str) -> list[PlayerLimit]:
    return list(
        (
            await db.execute(
                select(PlayerLimit).where(
                    PlayerLimit.user_id == user_id, PlayerLimit.currency == currency
                )
            )
        ).scalars()
    )


def _limits(
    user_id: uuid.UUID, currency: str, rows: Iterable[PlayerLimit], now: dt.datetime
) -> PlayerLimits:
    newest: dict[LimitKind, PlayerLimit] = {}
    pending: list[Pending] = []
    for row in rows:
        kind = LimitKind(row.kind)
        if row.applies_at > now:
            pending.append(Pending(kind, row.value, row.applies_at))
        elif kind not in newest or newest[kind].applies_at < row.applies_at:
            newest[kind] = row
    in_force = {kind: row.value for kind, row in newest.items()}
    pending.sort(key=lambda change: (change.applies_at, change.kind))
    return PlayerLimits(user_id, currency, in_force, pending, now)
