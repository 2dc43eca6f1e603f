"""After the load: let the hurt system finish what it started, then audit both sides.

The provider's retry queue takes the calls a killed provider left pending only once
their in-flight period is over, and closes the rounds such a provider abandoned just as
late; so the wait for "every provider round closed, no call pending" is bounded by that
period plus a margin, not by the fault suite's minute. Then the gateway must await no
reply and the wallet queue be empty. The ledger check is the operator's command,
`casino check-ledger --provider-database-url … --json`, run as a process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from typing import Any

import asyncpg

from tests.benchmark.settle import settle as settle_the_wallet
from tests.faults.settle import ProviderTally, provider_tally
from tests.soak.system import SoakSystem
from tests.support.processes import BIN

SETTLE_MARGIN_S = 120.0
QUIET_CHECKS = 2  # a second apart


async def settle(soak: SoakSystem) -> dict[str, Any]:
    """Wait until the provider has closed every round and holds no pending call, and no
    wallet command is in flight; what was still open when the wait ended."""
    began = time.monotonic()
    deadline = began + soak.provider_in_flight_s + SETTLE_MARGIN_S
    tally: ProviderTally | None = None
    quiet = 0
    while time.monotonic() < deadline and quiet < QUIET_CHECKS:
        try:
            tally = await provider_tally(soak.faults.provider_database_url)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(0.5)
            continue
        quiet = quiet + 1 if tally.open_rounds == tally.pending_calls == 0 else 0
        await asyncio.sleep(1.0)
    await settle_the_wallet(soak.gateway_url, soak.amqp_url, soak.wallet_queue)
    return {
        "seconds": round(time.monotonic() - began, 1),
        "open_rounds": tally.open_rounds if tally else None,
        "pending_calls": tally.pending_calls if tally else None,
    }


def check_ledger(soak: SoakSystem) -> dict[str, Any]:
    """`casino check-ledger` on the casino's database, reconciled with the provider's."""
    command = [
        str(BIN / "casino"),
        "check-ledger",
        "--provider-database-url",
        soak.faults.provider_database_url,
        "--json",
    ]
    done = subprocess.run(
        command,
        env={**os.environ, "CASINO_DATABASE_URL": soak.faults.casino_database_url},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        return {"passed": False, "exit_code": done.returncode, "output": done.stderr[-2000:]}
    violations = report.get("violations", [])
    by_rule: dict[str, int] = {}
    for violation in violations:
        by_rule[violation["rule"]] = by_rule.get(violation["rule"], 0) + 1
    return {
        "passed": done.returncode == 0 and bool(report.get("ok")),
        "exit_code": done.returncode,
        "command": "casino check-ledger --provider-database-url <provider database> --json",
        "wallets": report.get("wallets"),
        "transactions": report.get("transactions"),
        "provider_rounds": report.get("provider_rounds"),
        "provider_calls": report.get("provider_calls"),
        "violations": len(violations),
        "violations_by_rule": dict(sorted(by_rule.items())),
        "first_violations": violations[:20],
    }
