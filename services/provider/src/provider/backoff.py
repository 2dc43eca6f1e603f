"""The retry queue's schedule: when a pending payout or rollback is sent again.

Resend n waits `initial * 2**(n-1)` seconds, capped at the maximum (an hour by default),
plus up to 10% jitter so that calls queued together by one outage do not all return at
once. The queue goes on until the horizon after the call was first written (a day by
default), and makes its last attempt exactly then; after that the call waits for an
operator (`game-provider pending`). With the defaults (5 s, 1 h, 24 h) a call is sent
about 33 more times over its day.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from provider.settings import ProviderSettings

JITTER = 0.1


@dataclass(frozen=True)
class RetrySchedule:
    initial_seconds: float
    ceiling_seconds: float
    horizon: timedelta
    jitter: float = JITTER

    @classmethod
    def from_settings(cls, settings: ProviderSettings) -> "RetrySchedule":
        return cls(
            initial_seconds=settings.pending_retry_initial_backoff_seconds,
            ceiling_seconds=settings.pending_retry_max_backoff_seconds,
            horizon=timedelta(hours=settings.pending_retry_horizon_hours),
        )

    def delay(self, resend: int) -> float:
        """Seconds before resend number `resend` (1: the first), without jitter."""
        doublings = min(max(resend - 1, 0), 64)  # 2**64 times any initial is past any ceiling
        return float(min(self.initial_seconds * 2**doublings, self.ceiling_seconds))

    def next_attempt(
        self,
        written_at: datetime,
        now: datetime,
        resends_done: int,
        rng: random.Random | None = None,
    ) -> datetime | None:
        """When to send again, after `resends_done` resends; None once the horizon is
        reached (the call is left to an operator)."""
        last_chance = written_at + self.horizon
        if now >= last_chance:
            return None
        spread = 1 + self.jitter * (rng or random).random()
        wait = timedelta(seconds=self.delay(resends_done + 1) * spread)
        return min(now + wait, last_chance)

    def plan(self) -> list[float]:
        """Seconds after the call was written at which each resend happens, with no
        jitter and instant answers: the whole schedule, for the docs and the tests."""
        start = datetime(2000, 1, 1)
        flat = RetrySchedule(self.initial_seconds, self.ceiling_seconds, self.horizon, 0)
        offsets: list[float] = []
        now: datetime | None = min(start + timedelta(seconds=flat.delay(1)), start + self.horizon)
        while now is not None:
            offsets.append((now - start).total_seconds())
            now = flat.next_attempt(start, now, len(offsets))
        return offsets
