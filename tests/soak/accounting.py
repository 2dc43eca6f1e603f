"""What the soak did, counted as it goes: operations sent and answered, outcomes by code,
latency histograms and a per-second timeline (by the second each request was sent), all
of fixed size (no per-request list).

An operation is one request the soak sends: a wallet callback (debit, credit, rollback,
getBalance) or a whole round (simulateRound, which makes its own wallet calls through
the provider). The budget hands out exactly the run's number of operations, shared by
the wallet load and the round callers, and each operation is recorded once when it is
answered, errs or is given up on, so at the end `done == issued == total`.

A request "got no answer" (`NO_ANSWER`) when the client gave up on it: it waited past
the gateway's own timeout plus a margin, so the gateway failed to answer in time. One
answered only once the gateway's timeout had passed (typically the gateway's own 503
when the casino did not answer it in time) is counted `at_timeout`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from tests.soak.histogram import LatencyHistogram

OK = "OK"
NO_ANSWER = "NO_ANSWER"


class Budget:
    """The run's operations, handed out one at a time to whoever sends next; whoever
    waits for a point of the run (the fault injector) is woken when it is reached."""

    def __init__(self, total: int) -> None:
        if total < 0:
            raise ValueError(f"a number of operations, not {total}")
        self.total = total
        self.issued = 0
        self._marks: dict[int, asyncio.Event] = {}

    def take(self) -> bool:
        if self.issued >= self.total:
            return False
        self.issued += 1
        if (mark := self._marks.pop(self.issued, None)) is not None:
            mark.set()
        return True

    async def reached(self, issued: int) -> None:
        """Return once `issued` operations have been handed out (all of them, at most)."""
        issued = min(issued, self.total)
        if self.issued < issued:
            await self._marks.setdefault(issued, asyncio.Event()).wait()

    @property
    def exhausted(self) -> bool:
        return self.issued >= self.total


@dataclass
class StreamTally:
    """The outcomes of one stream of requests (the wallet callbacks, or the rounds)."""

    gateway_timeout_s: float
    outcomes: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    at_timeout: int = 0
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)

    def record(self, kind: str, code: str, latency_s: float) -> None:
        self.outcomes[code] += 1
        self.by_kind[kind] += 1
        if code != NO_ANSWER:
            self.latency.record(latency_s)
            if latency_s >= self.gateway_timeout_s:
                self.at_timeout += 1

    @property
    def done(self) -> int:
        return sum(self.outcomes.values())

    @property
    def ok(self) -> int:
        return self.outcomes[OK]

    @property
    def errors_by_code(self) -> dict[str, int]:
        return dict(sorted((code, n) for code, n in self.outcomes.items() if code != OK))


@dataclass
class Timeline:
    """Per stream, per whole second since the start: how many of the requests sent in
    that second [succeeded, failed]."""

    seconds: dict[str, list[list[int]]] = field(default_factory=dict)

    def add(self, stream: str, second: int, succeeded: bool) -> None:
        buckets = self.seconds.setdefault(stream, [])
        while len(buckets) <= second:
            buckets.append([0, 0])
        buckets[second][0 if succeeded else 1] += 1

    def series(self, stream: str) -> list[tuple[int, int]]:
        return [(ok, failed) for ok, failed in self.seconds.get(stream, [])]


@dataclass
class Accounting:
    budget: Budget
    streams: dict[str, StreamTally]
    timeline: Timeline = field(default_factory=Timeline)

    def record(self, stream: str, kind: str, code: str, latency_s: float, sent_s: float) -> None:
        """One operation's end: its outcome, how long it took, when it was sent (seconds
        since the start)."""
        self.streams[stream].record(kind, code, latency_s)
        self.timeline.add(stream, max(int(sent_s), 0), code == OK)

    @property
    def done(self) -> int:
        return sum(tally.done for tally in self.streams.values())

    @property
    def errors(self) -> int:
        return sum(tally.done - tally.ok for tally in self.streams.values())

    @property
    def unanswered(self) -> int:
        return sum(tally.outcomes[NO_ANSWER] for tally in self.streams.values())

    def by_kind(self) -> dict[str, int]:
        kinds: Counter[str] = Counter()
        for tally in self.streams.values():
            kinds.update(tally.by_kind)
        return dict(sorted(kinds.items()))
