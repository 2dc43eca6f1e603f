"""One soak, from the system's start to the result: the load and the faults side by
side with progress lines, then the settling, the ledger check and the figures.

The load, the injector and the faulty link run on one event loop (asyncio's own, as in
the fault suite): a fault's blocking steps (rabbitmqctl, pg_ctlcluster) run in threads,
so the load goes on through them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from typing import Any

from tests.e2e.conftest import OPERATOR_API_KEY
from tests.faults.conftest import LOBBY_RPC_TIMEOUT_SECONDS, RPC_TIMEOUT_SECONDS
from tests.faults.settle import provider_tally
from tests.soak.accounting import NO_ANSWER, Accounting, Budget, StreamTally
from tests.soak.faults import FAULTS
from tests.soak.injector import Injector
from tests.soak.load import MARGIN_S, Load, LoadTarget
from tests.soak.progress import report_progress
from tests.soak.recovery import recovery_seconds
from tests.soak.schedule import PlannedFault
from tests.soak.settle import check_ledger, settle
from tests.soak.system import SoakSystem, soak_system


class CannotRunError(RuntimeError):
    """Raised when the chosen faults cannot be injected on this machine."""


async def soak(
    args: Any, plan: list[PlannedFault], wallet_rate: float, run_id: str
) -> dict[str, Any]:
    async with soak_system(
        args.postgres_url,
        args.amqp_url,
        run_id,
        players=args.players,
        wallets=args.wallets,
        keep=args.keep_databases,
    ) as system:
        refusal = system.faults.restart_refusal
        if refusal and any(FAULTS[p.kind].restarts_servers for p in plan):
            raise CannotRunError(refusal)
        return await _run(args, system, plan, wallet_rate, run_id)


async def _run(
    args: Any, system: SoakSystem, plan: list[PlannedFault], wallet_rate: float, run_id: str
) -> dict[str, Any]:
    accounting = Accounting(
        Budget(args.operations),
        {
            "wallet": StreamTally(RPC_TIMEOUT_SECONDS),
            "round": StreamTally(LOBBY_RPC_TIMEOUT_SECONDS),
        },
    )
    fs = system.faults
    target = LoadTarget(
        system.gateway_url,
        system.wallet_load.code,
        system.wallet_load.secret,
        system.wallet_load.tokens,
        fs.players,
        fs.game_id,
        OPERATOR_API_KEY,
        RPC_TIMEOUT_SECONDS,
        LOBBY_RPC_TIMEOUT_SECONDS,
    )
    before = await provider_tally(fs.provider_database_url)
    started, cpu_before = time.monotonic(), time.process_time()
    load = Load(
        target,
        accounting,
        started,
        wallet_rate,
        args.round_rate,
        args.max_outstanding,
        args.seed,
        f"soak-{run_id}",
    )
    injector = Injector(system, plan, accounting.budget)
    progress = asyncio.create_task(
        report_progress(accounting, injector, started, args.progress_every)
    )
    injecting = asyncio.create_task(injector.run(started))
    try:
        await load.run()
        await injecting
    finally:
        for task in (progress, injecting):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    load_s = time.monotonic() - started
    # The load, the faulty link and the injector's own work: near 1.0, the soak itself
    # would be what sets the pace.
    soak_cpu_share = round((time.process_time() - cpu_before) / load_s, 2)
    settled = await settle(system)
    after = await provider_tally(fs.provider_database_url)
    ledger = await asyncio.to_thread(check_ledger, system)
    end_of_load = load.ended_at_s if load.ended_at_s is not None else load_s
    series = {name: accounting.timeline.series(name) for name in accounting.streams}
    for index, fault in enumerate(injector.injected):
        later = injector.injected[index + 1 :]
        until = later[0].at_s if later else end_of_load
        fault.recovery_s = recovery_seconds(series, fault.at_s, until)
    return {
        "operations": {
            "planned": args.operations,
            "done": accounting.done,
            "load_s": round(load_s, 1),
            "per_s": round(accounting.done / load_s, 1) if load_s else 0.0,
            "wallet_rate": round(wallet_rate, 1),
            "round_rate": args.round_rate,
            "errors": accounting.errors,
            "no_answer": accounting.unanswered,
            "by_kind": accounting.by_kind(),
            "soak_process_cpu_share_of_one_core": soak_cpu_share,
        },
        "wallet": _stream(accounting.streams["wallet"]),
        "rounds": {
            **_stream(accounting.streams["round"]),
            "steps": dict(load.round_steps.most_common()),
        },
        "provider": {
            "money_calls": after.calls - before.calls,
            "retries": (after.attempts - before.attempts) - (after.calls - before.calls),
        },
        "faults_planned": [planned.kind for planned in plan],
        "faults_by_kind": dict(Counter(fault.kind for fault in injector.injected)),
        "faults": [fault.to_json() for fault in injector.injected],
        "settle": settled,
        "ledger_check": ledger,
        "timeline": {
            name: [list(second) for second in seconds] for name, seconds in series.items()
        },
        "log_dir": str(system.log_dir),
    }


def _stream(tally: StreamTally) -> dict[str, Any]:
    return {
        "done": tally.done,
        "ok": tally.ok,
        "errors_by_code": tally.errors_by_code,
        "no_answer": tally.outcomes[NO_ANSWER],
        "answered_at_timeout": tally.at_timeout,
        "gateway_timeout_s": tally.gateway_timeout_s,
        "margin_s": MARGIN_S,
        "latency_ms": tally.latency.summary_ms(),
    }
