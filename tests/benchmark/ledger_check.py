"""After a run: `casino check-ledger` over the database the run wrote to.

Every accepted request moved money; the check proves the balances still equal opening
balances plus the ledger's moves, with no overdraft and one row per transactionId.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from tests.support.processes import BIN


def check_ledger(casino_database_url: str) -> dict[str, Any]:
    """Run the check; `passed` is its verdict, or None when the command does not exist."""
    casino = BIN / "casino"
    usage = subprocess.run([str(casino), "--help"], capture_output=True, text=True)
    if "check-ledger" not in usage.stdout:
        return {"passed": None, "note": "casino check-ledger does not exist in this version"}
    done = subprocess.run(
        [str(casino), "check-ledger", "--json"],
        env={**os.environ, "CASINO_DATABASE_URL": casino_database_url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report: Any = json.loads(done.stdout)
    except ValueError:
        report = done.stdout[-2000:] + done.stderr[-2000:]
    return {"passed": done.returncode == 0, "exit_code": done.returncode, "report": report}
