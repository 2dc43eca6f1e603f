"""Player limits and exclusions as stored: the rule the wallet reads at every bet (the limit
in force is the row that applied last; NULL is no limit), the cooling-off of raises and
removals, what a change supersedes, and exclusions that are never shortened. Checked on
the rows in the database, read with plain SQL."""

import asyncio
import datetime as dt
import uuid

import pytest
from sqlalchemy import text

from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.protection.exclusions import exclude, read_exclusion
from casino.protection.limit_store import read_limits, set_limits
from casino.tools.seed import create_player
from casino.vocabulary import LimitKind
from contracts.errors import ErrorCode

DAY = dt.timedelta(hours=24)
MAX_BET, DAILY = LimitKind.MAX_BET, LimitKind.DAILY_LOSS


async def _player(database: Database) -> uuid.UUID:
    return (await create_player(database, 1_000, "USD")).user_id


async def _rows(
    database: Database, user_id: uuid.UUID, kind: LimitKind
) -> list[tuple[object, ...]]:
    """(value, pending) of each stored row of `kind`, oldest first."""
    async with database.begin() as db:
        rows = await db.execute(
            text(
                "SELECT value, applies_at > clock_timestamp() FROM casino_player_limits"
                " WHERE user_id = :user AND currency = 'USD' AND kind = :kind"
                " ORDER BY applies_at"
            ),
            {"user": user_id, "kind": kind.value},
        )
        return [tuple(row) for row in rows]


async def _in_force(database: Database, user_id: uuid.UUID, kind: LimitKind) -> int | None:
    """The wallet's rule, in SQL: the value of the row with the latest applies_at <= now."""
    async with database.begin() as db:
        value: int | None = await db.scalar(
            text(
                "SELECT value FROM casino_player_limits WHERE user_id = :user"
                " AND currency = 'USD' AND kind = :kind AND applies_at <= clock_timestamp()"
                " ORDER BY applies_at DESC LIMIT 1"
            ),
            {"user": user_id, "kind": kind.value},
        )
        return value


async def test_a_first_limit_and_a_lowering_apply_at_once(database: Database) -> None:
    user = await _player(database)
    limits = await set_limits(database, user, "USD", [(MAX_BET, 500)], DAY, "test")
    assert limits.value(MAX_BET) == 500
    assert limits.pending == []
    assert await _in_force(database, user, MAX_BET) == 500
    await set_limits(database, user, "USD", [(MAX_BET, 200)], DAY, "test")
    assert await _in_force(database, user, MAX_BET) == 200
    # The superseded 500 stays until the next change (it is older than the newest applied).
    assert await _rows(database, user, MAX_BET) == [(500, False), (200, False)]
    await set_limits(database, user, "USD", [(MAX_BET, 100)], DAY, "test")
    assert await _rows(database, user, MAX_BET) == [(200, False), (100, False)]


async def test_a_raise_and_a_removal_wait_for_the_cooling_off(database: Database) -> None:
    user = await _player(database)
    await set_limits(database, user, "USD", [(DAILY, 500)], DAY, "test")
    raised = await set_limits(database, user, "USD", [(DAILY, 900)], DAY, "test")
    assert raised.value(DAILY) == 500
    [pending] = raised.pending
    assert (pending.kind, pending.value) == (DAILY, 900)
    assert DAY - dt.timedelta(seconds=5) < pending.applies_at - raised.now <= DAY
    assert await _in_force(database, user, DAILY) == 500
    # A removal replaces the pending raise; still nothing changes before the cooling-off.
    removed = await set_limits(database, user, "USD", [(DAILY, None)], DAY, "test")
    assert [(p.kind, p.value) for p in removed.pending] == [(DAILY, None)]
    assert await _rows(database, user, DAILY) == [(500, False), (None, True)]
    assert await _in_force(database, user, DAILY) == 500


async def test_a_lowering_withdraws_a_pending_raise(database: Database) -> None:
    user = await _player(database)
    await set_limits(database, user, "USD", [(DAILY, 500)], DAY, "test")
    await set_limits(database, user, "USD", [(DAILY, 900)], DAY, "test")
    lowered = await set_limits(database, user, "USD", [(DAILY, 300)], DAY, "test")
    assert lowered.value(DAILY) == 300
    assert lowered.pending == []
    assert await _rows(database, user, DAILY) == [(500, False), (300, False)]


async def test_a_raise_applies_once_its_cooling_off_has_passed(database: Database) -> None:
    user = await _player(database)
    short = dt.timedelta(seconds=1)
    await set_limits(database, user, "USD", [(MAX_BET, 100)], short, "test")
    await set_limits(database, user, "USD", [(MAX_BET, 1_000)], short, "test")
    assert await _in_force(database, user, MAX_BET) == 100
    await asyncio.sleep(1.2)
    assert await _in_force(database, user, MAX_BET) == 1_000
    limits = await read_limits(database, user, "USD")
    assert limits.value(MAX_BET) == 1_000
    assert limits.pending == []


async def test_only_the_limits_named_change(database: Database) -> None:
    user = await _player(database)
    await set_limits(
        database, user, "USD", [(MAX_BET, 100), (LimitKind.SESSION_MINUTES, 60)], DAY, "test"
    )
    after = await set_limits(database, user, "USD", [(DAILY, 50)], DAY, "test")
    assert after.in_force == {MAX_BET: 100, LimitKind.SESSION_MINUTES: 60, DAILY: 50}
    other_currency = await read_limits(database, user, "EUR")
    assert other_currency.in_force == {}
    assert other_currency.pending == []


async def test_racing_changes_leave_one_limit_in_force_and_one_pending(database: Database) -> None:
    user = await _player(database)
    await set_limits(database, user, "USD", [(DAILY, 1_000)], DAY, "test")
    values = [1_000 + step * 10 * (-1) ** step for step in range(1, 21)]  # raises and lowerings
    await asyncio.gather(
        *(set_limits(database, user, "USD", [(DAILY, value)], DAY, "test") for value in values)
    )
    rows = await _rows(database, user, DAILY)
    applied = [row for row in rows if row[1] is False]
    pending = [row for row in rows if row[1] is True]
    assert len(pending) <= 1
    assert 1 <= len(applied) <= 2
    limits = await read_limits(database, user, "USD")
    assert limits.value(DAILY) == await _in_force(database, user, DAILY)
    # Only lowerings apply at once, so what is in force is no higher than the first limit.
    in_force = limits.value(DAILY)
    assert in_force is not None
    assert in_force <= 1_000


async def test_limits_of_an_unknown_player_are_refused(database: Database) -> None:
    with pytest.raises(LobbyError) as refused:
        await set_limits(database, uuid.uuid4(), "USD", [(MAX_BET, 1)], DAY, "test")
    assert refused.value.code is ErrorCode.USER_NOT_FOUND


async def test_limits_in_a_currency_the_casino_does_not_take_are_refused(
    database: Database,
) -> None:
    user = await _player(database)
    with pytest.raises(LobbyError) as refused:
        await set_limits(database, user, "XYZ", [(MAX_BET, 1)], DAY, "test")
    assert refused.value.code is ErrorCode.UNSUPPORTED_CURRENCY


async def test_an_exclusion_is_never_shortened_and_a_permanent_one_stays(
    database: Database,
) -> None:
    user = await _player(database)
    assert not (await read_exclusion(database, user)).excluded
    now = dt.datetime.now(dt.UTC)
    week = await exclude(database, user, now + 7 * DAY, "test")
    assert week.excluded
    assert not week.permanent
    shorter = await exclude(database, user, now + DAY, "test")
    assert shorter.until == week.until
    permanent = await exclude(database, user, None, "test")
    assert permanent.excluded
    assert permanent.permanent
    again = await exclude(database, user, now + 30 * DAY, "test")
    assert again.permanent
    assert again.set_by == "test"


async def test_an_exclusion_in_the_past_is_refused(database: Database) -> None:
    user = await _player(database)
    with pytest.raises(LobbyError) as refused:
        await exclude(database, user, dt.datetime.now(dt.UTC) - DAY, "test")
    assert refused.value.code is ErrorCode.INVALID_REQUEST
    assert not (await read_exclusion(database, user)).excluded


async def test_an_exclusion_that_ran_out_is_replaced(database: Database) -> None:
    user = await _player(database)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    await exclude(database, user, soon, "test")
    await asyncio.sleep(1.2)
    assert not (await read_exclusion(database, user)).excluded
    later = dt.datetime.now(dt.UTC) + DAY
    renewed = await exclude(database, user, later, "test")
    assert renewed.excluded
    assert renewed.until == later
