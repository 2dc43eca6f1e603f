"""Baseline 1: pgbench running the SQL of one debit, one transaction per operation.

The script is the naive design our targets are measured against: what the wallet worker did
for one debit before group commit (one transaction per command; casino/ledger.py and
wallet.py at commit 78a54b6), statement for statement, against a scratch database with
the casino's schema (migrated, so the same indexes and constraints) and funded sessions.
The worker now decides a batch per transaction; for a batch of one its statements are
much the same (lock, advisory lock, one read of what the rules need, insert, update):

1. lock the wallet row through the session join (`SELECT … FOR UPDATE OF w`);
2. look the idempotency key up (`SELECT` the whole ledger row, as the ORM does);
3. take the bet's advisory lock (`pg_advisory_xact_lock(hashtextextended(…))`);
4. check for a tombstone (`SELECT EXISTS …`);
5. append the ledger row with its JSONB reply (only if the balance covers the bet) and
   move the wallet's balance and newest row, in one statement; then COMMIT.

Step 5 was two statements (a conditional `UPDATE`, then the `INSERT`) before the ledger
became a chain the database checks (migration 0003): the wallet must point at its newest
row by the end of the statement that appends it, so the two now go together, as they do
in the worker. One round trip fewer makes this baseline a little harder to beat.

Prepared statements (`-M prepared`), as asyncpg uses. What a worker does besides the
SQL (the driver, JSON, AMQP) is exactly what this baseline leaves out: it is the
database's bound for a design of one transaction per debit.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.benchmark.world import create_sessions
from tests.support import infrastructure as infra

TOKEN_PREFIX = "pgb-"

# Variables come from pgbench (`:w`, `:tx`, `:client_id`) and from `\gset` of step 1.
# No literal contains a colon: pgbench would read `:name` in it as a variable.
DEBIT_SCRIPT = r"""
\set w random(1, :wallets)
\set tx random(1, 1000000000000000)
BEGIN;
SELECT s.id AS session_id, s.wallet_id, s.status, g.provider_id, w.currency,
       w.balance AS balance_before
  FROM casino_game_sessions s
  JOIN casino_games g ON g.id = s.game_id
  JOIN casino_wallets w ON w.id = s.wallet_id
 WHERE s.token = 'pgb-' || (:w)::text
   FOR UPDATE OF w \gset
SELECT id, provider_id, transaction_id, type, outcome, error_code, session_id, wallet_id,
       round_id, amount, original_transaction_id, original_id, related_transaction_id,
       is_tombstone, fingerprint, reply, balance_after, created_at
  FROM casino_transactions
 WHERE provider_id = (:provider_id)::uuid
   AND transaction_id = 'pgb-' || (:client_id)::text || '-' || (:tx)::text;
SELECT pg_advisory_xact_lock(hashtextextended(
         (:provider_id)::text || chr(58) || 'pgb-' || (:client_id)::text || '-' || (:tx)::text, 0));
SELECT EXISTS (SELECT 1 FROM casino_transactions
                WHERE provider_id = (:provider_id)::uuid
                  AND original_transaction_id = 'pgb-' || (:client_id)::text || '-' || (:tx)::text
                  AND is_tombstone);
WITH appended AS (
  INSERT INTO casino_transactions
    (id, provider_id, transaction_id, type, outcome, error_code, session_id, wallet_id,
     round_id, amount, original_transaction_id, original_id, related_transaction_id,
     is_tombstone, fingerprint, reply, balance_before, balance_after, previous_id)
  SELECT
     md5('pgb-' || (:client_id)::text || '-' || (:tx)::text)::uuid, (:provider_id)::uuid,
     'pgb-' || (:client_id)::text || '-' || (:tx)::text, 'debit', 'accepted', NULL,
     (:session_id)::uuid, w.id, 'pgb-round-' || (:tx)::text, 1, NULL, NULL, NULL,
     false, md5((:tx)::text) || md5((:client_id)::text),
     jsonb_build_object('result', jsonb_build_object(
       'success', true,
       'transactionId', 'pgb-' || (:client_id)::text || '-' || (:tx)::text,
       'balance', w.balance - 1, 'currency', 'USD')),
     w.balance, w.balance - 1, w.last_transaction_id
  FROM casino_wallets w WHERE w.id = (:wallet_id)::uuid AND w.balance >= 1
  RETURNING id, balance_after
)
UPDATE casino_wallets w SET balance = a.balance_after, last_transaction_id = a.id
  FROM appended a WHERE w.id = (:wallet_id)::uuid
RETURNING w.balance AS balance_after;
COMMIT;
"""

_TPS = re.compile(r"^tps = ([0-9.]+)", re.MULTILINE)
_LATENCY = re.compile(r"^latency average = ([0-9.]+) ms", re.MULTILINE)
_FAILED = re.compile(r"^number of failed transactions: (\d+)", re.MULTILINE)


def parse_pgbench(output: str) -> dict[str, float]:
    """tps, average latency and failed transactions from pgbench's summary."""
    tps = _TPS.search(output)
    if tps is None:
        raise RuntimeError(f"pgbench printed no tps:\n{output[-2000:]}")
    latency = _LATENCY.search(output)
    failed = _FAILED.search(output)
    return {
        "tps": round(float(tps.group(1)), 1),
        "latency_avg_ms": float(latency.group(1)) if latency else 0.0,
        "failed_transactions": float(failed.group(1)) if failed else 0.0,
    }


async def prepare_database(admin_url: str, run_id: str, wallets: int) -> str:
    """A scratch database with the casino's schema and `wallets` funded sessions."""
    from casino.database import migrate

    name = f"casino_pgbench_{run_id}"
    await infra.create_database(admin_url, name)
    url = infra.database_url(admin_url, name)
    await asyncio.to_thread(migrate, url)
    await create_sessions(url, wallets, TOKEN_PREFIX)
    return name


def run_pgbench(
    admin_url: str, database: str, *, wallets: int, clients: int, duration_s: int
) -> dict[str, Any]:
    """Run the debit script with `clients` connections, picking among `wallets` wallets."""
    parts = urlsplit(admin_url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(DEBIT_SCRIPT)
    command = [
        "pgbench",
        "--no-vacuum",
        "--protocol=prepared",
        f"--client={clients}",
        f"--jobs={min(clients, 2)}",
        f"--time={duration_s}",
        f"--define=wallets={wallets}",
        f"--file={script.name}",
        f"--host={parts.hostname or '127.0.0.1'}",
        f"--port={parts.port or 5432}",
        f"--username={parts.username or 'postgres'}",
        database,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration_s + 120, check=False
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return {
        "wallets": wallets,
        "clients": clients,
        "duration_s": duration_s,
        **parse_pgbench(done.stdout),
        "command": " ".join([*command[:-1], "<scratch database>"]),
    }
