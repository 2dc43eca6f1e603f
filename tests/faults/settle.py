"""Waiting for a hurt system to finish what it started, then auditing it.

A fault leaves work in flight: redelivered commands, the provider's retries, rollbacks of
bets whose outcome it never heard. The audit is only meaningful once the provider has
closed every round and holds no pending call, so that is awaited first, bounded.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg

from casino.audit import AuditReport, audit
from tests.support.infrastructure import plain_url

# A call the provider's own retries could not settle waits for its retry queue, which
# takes a call only after its longest retry sequence (`PROVIDER_RETRIES` in the suite's
# conftest: 110 s), so the wait outlasts that; it ends as soon as all is settled.
SETTLE_WITHIN_SECONDS = 180.0


@dataclass(frozen=True)
class ProviderTally:
    calls: int
    attempts: int
    open_rounds: int
    pending_calls: int


async def provider_tally(provider_database_url: str) -> ProviderTally:
    connection = await asyncpg.connect(plain_url(provider_database_url))
    try:
        row = await connection.fetchrow(
            "SELECT (SELECT count(*) FROM provider_bets) AS calls,"
            " (SELECT coalesce(sum(attempts), 0) FROM provider_bets) AS attempts,"
            " (SELECT count(*) FROM provider_game_rounds WHERE status <> 'closed') AS open,"
            " (SELECT count(*) FROM provider_bets WHERE status = 'pending') AS pending"
        )
    finally:
        await connection.close()
    assert row is not None
    return ProviderTally(row["calls"], row["attempts"], row["open"], row["pending"])


async def settle(provider_database_url: str) -> ProviderTally:
    """Wait until every provider round is closed and no call is pending (twice in a row,
    a second apart); the last tally when the wait runs out, for the audit to report."""
    deadline = time.monotonic() + SETTLE_WITHIN_SECONDS
    quiet = 0
    tally = None
    while time.monotonic() < deadline:
        try:
            tally = await provider_tally(provider_database_url)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(0.5)
            continue
        quiet = quiet + 1 if tally.open_rounds == tally.pending_calls == 0 else 0
        if quiet == 2:
            break
        await asyncio.sleep(1.0)
    assert tally is not None, "the provider's database never answered"
    return tally


async def settled_audit(casino_database_url: str, provider_database_url: str) -> AuditReport:
    await settle(provider_database_url)
    return await audit(casino_database_url, provider_database_url)
