"""Expiring rounds left open too long: no more bets go into them (`ROUND_CLOSED`), while
their payouts and rollbacks are still accepted, since the provider may still settle.

`expire_rounds` does it once (`casino rounds expire`); `expire_periodically` is the wallet
worker's job, every `round_expiry_check_seconds`:

    pool = await open_ledger_pool(settings.casino_database_url.get_secret_value())
    task = asyncio.create_task(
        expire_periodically(
            pool,
            older_than=timedelta(hours=settings.round_expiry_hours),
            every_seconds=settings.round_expiry_check_seconds,
        )
    )
    ...
    task.cancel()  # on shutdown

Only open rows are turned expired, one chunk per short transaction, so the job never holds
many rows locked at once. The wallet decides a batch under its wallets' row locks and the
expiry takes the same lock, so a bet is decided either before the expiry (accepted; the
round then expires) or after it (refused). Several workers running the job at once is
harmless: a row already expired is not open, and one locked by another run is skipped.
"""

import asyncio
import logging
from datetime import timedelta

from casino.database import LedgerPool

log = logging.getLogger(__name__)

CHUNK = 1_000
"""How many rounds one transaction expires at most."""

# The oldest open rounds first. Each round's wallet row is locked with it, as the wallet
# locks it to decide a command: so a round expires between two of its wallet's batches,
# never while one is deciding a bet into it. A round or wallet locked at this moment (a
# batch deciding, another expiry) is skipped, never waited for, and taken by a later run.
_EXPIRE_A_CHUNK = """
    WITH due AS (
        SELECT r.provider_id, r.round_id, r.wallet_id FROM casino_rounds AS r
        JOIN casino_wallets AS w ON w.id = r.wallet_id
        WHERE r.status = 'open' AND r.opened_at < now() - $1::interval
        ORDER BY r.opened_at
        LIMIT $2
        FOR UPDATE OF r, w SKIP LOCKED
    )
    UPDATE casino_rounds AS r SET status = 'expired', ended_at = now()
    FROM due
    WHERE (r.provider_id, r.round_id, r.wallet_id) = (due.provider_id, due.round_id, due.wallet_id)
      AND r.status = 'open'
"""


async def expire_rounds(pool: LedgerPool, older_than: timedelta, *, chunk: int = CHUNK) -> int:
    """Expire every round opened more than `older_than` ago and still open; how many.

    Works in chunks of `chunk` rounds, each its own transaction, until none is left; a
    round whose row is locked at that moment (by the wallet, deciding a command in it) is
    left for the next run.
    """
    if chunk < 1:
        raise ValueError("a chunk is at least one round")
    expired = 0
    while True:
        status = await pool.execute(_EXPIRE_A_CHUNK, older_than, chunk)
        done = int(status.split()[-1])  # "UPDATE <count>"
        expired += done
        if done < chunk:
            return expired


async def expire_periodically(
    pool: LedgerPool, *, older_than: timedelta, every_seconds: float
) -> None:
    """Run `expire_rounds` now and then every `every_seconds`, until cancelled.

    A failure (the database down, a statement timing out) is logged and the job goes on at
    its next turn: expiry is catch-up work, and every run takes whatever is due then.
    """
    while True:
        try:
            expired = await expire_rounds(pool, older_than)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("round expiry failed; trying again in %s s", every_seconds)
        else:
            if expired:
                log.info("expired %d rounds open longer than %s", expired, older_than)
        await asyncio.sleep(every_seconds)
