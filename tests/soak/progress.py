"""A progress line every few seconds while the soak runs: operations done, the rate over
the last interval and overall, errors, requests given up on, and the fault under way (or
the next one and the operation it waits for)."""

from __future__ import annotations

import asyncio
import sys
import time

from tests.soak.accounting import Accounting
from tests.soak.injector import Injector


def progress_line(
    accounting: Accounting, injector: Injector, elapsed_s: float, recent: float
) -> str:
    done, total = accounting.done, accounting.budget.total
    overall = done / elapsed_s if elapsed_s > 0 else 0.0
    line = (
        f"[{elapsed_s:6.0f} s] {done:,} / {total:,} ops ({recent:,.0f}/s now,"
        f" {overall:,.0f}/s overall), errors {accounting.errors:,},"
        f" no answer {accounting.unanswered:,}, faults {len(injector.injected)}"
    )
    if (fault := injector.current) is not None:
        since = max(elapsed_s - fault.at_s, 0.0)
        return f"{line} | fault: {fault.description} (for {since:.0f} s)"
    if (planned := injector.waiting_for) is not None:
        return f"{line} | next fault: {planned.kind} at {planned.at_operation:,} ops"
    return line


async def report_progress(
    accounting: Accounting, injector: Injector, started: float, every_s: float
) -> None:
    """Print a line every `every_s` seconds until cancelled."""
    last_done, last_at = 0, started
    while True:
        await asyncio.sleep(every_s)
        now, done = time.monotonic(), accounting.done
        recent = (done - last_done) / (now - last_at)
        last_done, last_at = done, now
        print(
            progress_line(accounting, injector, now - started, recent), file=sys.stderr, flush=True
        )
