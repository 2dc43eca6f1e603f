"""Injects the planned faults one after the other, each once the load has sent its
operations up to the fault's point and the system is healthy again.

Each injection is recorded with its start (seconds since the run began, and the clock
time), the operations sent by then, how long the injection took and what it reported.
An injection that fails is recorded with its error, and what it may have left broken is
put right (servers started, link healed, a worker and the provider running) before the
run goes on. Faults still planned when the load runs out are not injected, and the run
then says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import time
from dataclasses import asdict, dataclass
from typing import Any

from tests.soak.accounting import Budget
from tests.soak.faults import FAULTS
from tests.soak.schedule import PlannedFault
from tests.soak.system import SoakSystem, bring_back_the_servers
from tests.support.processes import wait_until

HEALTHY_WITHIN_S = 120.0


@dataclass
class InjectedFault:
    kind: str
    description: str
    at_s: float
    at: str  # UTC, to the second
    at_operation: int
    waited_for_health_s: float
    took_s: float | None = None
    reported: int | None = None  # the injection's own count (connections closed, …)
    error: str | None = None
    recovery_s: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Injector:
    def __init__(self, soak: SoakSystem, plan: list[PlannedFault], budget: Budget) -> None:
        self.soak, self.plan, self.budget = soak, plan, budget
        self.injected: list[InjectedFault] = []
        self.current: InjectedFault | None = None
        self.waiting_for: PlannedFault | None = None
        self.started = time.monotonic()

    async def run(self, started: float) -> None:
        self.started = started
        for planned in self.plan:
            self.waiting_for = planned
            await self.budget.reached(planned.at_operation)
            if self.budget.exhausted:
                break
            began = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await wait_until(self.soak.healthy, "a healthy system", within=HEALTHY_WITHIN_S)
            await self._inject(planned, time.monotonic() - began)
        self.waiting_for = None

    async def _inject(self, planned: PlannedFault, waited_s: float) -> None:
        kind = FAULTS[planned.kind]
        fault = InjectedFault(
            planned.kind,
            kind.description,
            round(time.monotonic() - self.started, 1),
            datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            self.budget.issued,
            round(waited_s, 1),
        )
        self.current = fault
        began = time.monotonic()
        try:
            fault.reported = await kind.inject(self.soak.faults)
        except Exception as error:  # recorded, repaired, and the run goes on
            fault.error = f"{type(error).__name__}: {error}"[:500]
            await self.repair()
        fault.took_s = round(time.monotonic() - began, 1)
        self.current = None
        self.injected.append(fault)

    async def repair(self) -> None:
        """Undo whatever a failed injection may have left: the soak must go on, and the
        machine's servers must be up at the end."""
        fs = self.soak.faults
        fs.proxy.heal()
        await asyncio.to_thread(bring_back_the_servers, *self.soak.servers)
        if not fs.system.running_workers():
            await fs.system.start_worker()
        for process in fs.system.others:
            if not process.running:
                process.start()
