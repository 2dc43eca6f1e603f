"""The fault suite's figures: what each test did, written to `.run/faults/last-run.json`
for docs/RELIABILITY.md."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

FIGURES_PATH = Path(".run") / "faults" / "last-run.json"


class Figures:
    def __init__(self) -> None:
        self.started = time.time()
        self.tests: dict[str, dict[str, Any]] = {}

    def record(self, test: str, **figures: Any) -> None:
        self.tests[test] = figures

    def write(self) -> None:
        totals: dict[str, int] = {}
        for figures in self.tests.values():
            for name in ("rounds", "money_calls", "faults_injected", "violations"):
                totals[name] = totals.get(name, 0) + int(figures.get(name, 0))
        FIGURES_PATH.parent.mkdir(parents=True, exist_ok=True)
        FIGURES_PATH.write_text(
            json.dumps(
                {
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "seconds": round(time.time() - self.started, 1),
                    "totals": totals,
                    "tests": self.tests,
                },
                indent=2,
            )
        )
