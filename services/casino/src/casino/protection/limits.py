"""When a change of a player's limit applies, and what the operator's names mean.

Lowering a limit protects the player, so it applies at once; raising or removing one
applies only after the cooling-off (LIMIT_COOLING_OFF_SECONDS), so a player cannot lift a
limit on an impulse and play on. Setting a limit where none was is a lowering (from
"unlimited"); setting the value already in force applies at once too, which withdraws a
pending raise. The comparison is with the limit in force now, never with a pending change.
Pure values, no I/O.
"""

import datetime as dt

from casino.vocabulary import LimitKind
from contracts.operator import LimitName

KIND_OF: dict[LimitName, LimitKind] = {
    LimitName.MAX_BET: LimitKind.MAX_BET,
    LimitName.DAILY_LOSS: LimitKind.DAILY_LOSS,
    LimitName.WEEKLY_LOSS: LimitKind.WEEKLY_LOSS,
    LimitName.MONTHLY_LOSS: LimitKind.MONTHLY_LOSS,
    LimitName.SESSION_MINUTES: LimitKind.SESSION_MINUTES,
}
"""The operator's name of each limit (on the wire and in the CLI), and its stored kind."""

NAME_OF: dict[LimitKind, LimitName] = {kind: name for name, kind in KIND_OF.items()}


def is_stricter(in_force: int | None, new: int | None) -> bool:
    """Whether `new` restricts play at least as much as the limit `in_force` (None: no
    limit): a value where none was, or one no higher."""
    return new is not None and (in_force is None or new <= in_force)


def applies_at(
    in_force: int | None, new: int | None, now: dt.datetime, cooling_off: dt.timedelta
) -> dt.datetime:
    """When a change from `in_force` to `new` takes effect: now if it is stricter, after
    the cooling-off if it raises or removes the limit."""
    return now if is_stricter(in_force, new) else now + cooling_off
