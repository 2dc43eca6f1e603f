"""Player protection at the bet: the limits in force, the exclusion, and the running loss
of the day, week and month a bet would add to. Pure values, no I/O.

A player's loss in a period is bets - wins - refunds decided in it: exactly minus the
net move of the wallet's money (a free bet moves nothing and costs nothing). So the
wallet keeps one running loss per period on the wallet row, moved by every decision with
the balance, and a bet is judged against it without reading the ledger. The periods are
calendar ones in the configured time zone (weeks begin on Monday); a counter whose period
has passed counts from 0 again.

Only bets are refused: a win or a refund is always paid, whatever the limits say.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from casino.vocabulary import LimitKind
from casino.wallet.errors import (
    BetLimitExceededError,
    LossLimitExceededError,
    SessionTimeExceededError,
    WalletError,
)


@dataclass(frozen=True)
class Limits:
    """The limits in force for one player in one currency (None: no such limit)."""

    max_bet: int | None = None
    daily_loss: int | None = None
    weekly_loss: int | None = None
    monthly_loss: int | None = None
    session_minutes: int | None = None


NO_LIMITS = Limits()


def limits_in_force(
    rows: Iterable[tuple[str, int | None, dt.datetime]], now: dt.datetime
) -> Limits:
    """From (kind, value, applies_at) rows: for each kind, the value of the row that
    applied last (a pending raise, applying later, is not yet in force)."""
    newest: dict[str, tuple[dt.datetime, int | None]] = {}
    for kind, value, applies_at in rows:
        if applies_at <= now and (kind not in newest or newest[kind][0] < applies_at):
            newest[kind] = (applies_at, value)
    return Limits(**{LimitKind(kind).value: value for kind, (_, value) in newest.items()})


@dataclass(frozen=True)
class Periods:
    """Where the current day, week and month began, in the loss-limit time zone."""

    day: dt.date
    week: dt.date
    month: dt.date

    @classmethod
    def at(cls, now: dt.datetime, zone: ZoneInfo) -> "Periods":
        today = now.astimezone(zone).date()
        return cls(today, today - dt.timedelta(days=today.weekday()), today.replace(day=1))


@dataclass(frozen=True)
class Losses:
    """A wallet's running loss in the periods that began on each date (a date None: the
    counter never ran). Negative when the player is ahead."""

    day_start: dt.date | None = None
    day: int = 0
    week_start: dt.date | None = None
    week: int = 0
    month_start: dt.date | None = None
    month: int = 0

    def now_in(self, periods: Periods) -> "Losses":
        """The counters of the current periods: a counter of a past period starts at 0."""
        if (self.day_start, self.week_start, self.month_start) == (
            periods.day,
            periods.week,
            periods.month,
        ):
            return self  # the common case, every decision after a wallet's first today
        return Losses(
            periods.day,
            self.day if self.day_start == periods.day else 0,
            periods.week,
            self.week if self.week_start == periods.week else 0,
            periods.month,
            self.month if self.month_start == periods.month else 0,
        )

    def plus(self, loss: int) -> "Losses":
        # Built directly, not with `dataclasses.replace`: this runs for every decision.
        return Losses(
            self.day_start,
            self.day + loss,
            self.week_start,
            self.week + loss,
            self.month_start,
            self.month + loss,
        )

    def as_columns(self) -> Sequence[object]:
        return (
            self.day_start,
            self.day,
            self.week_start,
            self.week,
            self.month_start,
            self.month,
        )


def excluded(exclusion: Sequence[dt.datetime | None] | None, now: dt.datetime) -> bool:
    """Whether an exclusion holds: `exclusion` is None (the player has none) or [until],
    where until None is for ever."""
    if exclusion is None:
        return False
    [until] = exclusion
    return until is None or now < until


def bet_refusal(
    limits: Limits,
    losses: Losses,
    amount: int,
    session_started: dt.datetime,
    now: dt.datetime,
) -> WalletError | None:
    """Why a paid bet of `amount` may not be placed, or None: the session's time first,
    then the bet limit, then each loss limit the bet would pass."""
    minutes = limits.session_minutes
    if minutes is not None and now - session_started >= dt.timedelta(minutes=minutes):
        return SessionTimeExceededError(
            f"The session is older than the player's limit of {minutes} minutes"
        )
    if limits.max_bet is not None and amount > limits.max_bet:
        return BetLimitExceededError(
            f"The bet of {amount} is above the player's bet limit of {limits.max_bet}"
        )
    for period, limit, lost in (
        ("daily", limits.daily_loss, losses.day),
        ("weekly", limits.weekly_loss, losses.week),
        ("monthly", limits.monthly_loss, losses.month),
    ):
        if limit is not None and lost + amount > limit:
            return LossLimitExceededError(
                f"The bet would take the player's {period} loss to {lost + amount}, "
                f"past the limit of {limit}"
            )
    return None
