"""Writing down what is already settled, through a database outage.

Once the casino has answered a call, that answer must reach the call's row, and a played
round must be closed: otherwise the row stays `pending` and the round `open` for ever,
though the money is decided (the fault suite found this with PostgreSQL restarted
mid-round). These writes are idempotent UPDATEs, so a failure of the connection is
retried, with backoff, for as long as a database restart takes; anything else is a bug
and is raised at once.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

OUTAGE_SECONDS = 60.0


def is_outage(error: BaseException) -> bool:
    """A lost or refused connection (the server restarting), not a refused statement."""
    if isinstance(error, OSError):
        return True
    return isinstance(error, DBAPIError) and not isinstance(
        error, IntegrityError | ProgrammingError
    )


async def through_outage(write: Callable[[], Awaitable[T]], what: str) -> T:
    retrying = AsyncRetrying(
        stop=stop_after_delay(OUTAGE_SECONDS),
        wait=wait_exponential_jitter(multiplier=0.2, max=2.0, jitter=0.2),
        retry=retry_if_exception(is_outage),
        before_sleep=lambda state: _log_retry(state, what),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await write()
    raise AssertionError("unreachable: tenacity returns or re-raises")


def _log_retry(state: RetryCallState, what: str) -> None:
    failure = state.outcome.exception() if state.outcome else None
    log.warning(
        "database unavailable; retrying a settled write",
        extra={"write": what, "attempt": state.attempt_number, "error": repr(failure)},
    )
