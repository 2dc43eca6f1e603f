"""`Seconds`: every duration a service's settings hold, a time limit or a backoff.

Its bounds say what a sane operator can mean. Above zero: a zero time limit fails every
call at once, and a zero backoff retries into the failure it is meant to wait out.
At most ten minutes: nothing in this system waits longer for one step (the longest, a
simulated round with its retried callbacks, takes seconds), so a larger figure is a unit
mistake (milliseconds for seconds) caught at start-up rather than a hang in production.
"""

from typing import Annotated

from pydantic import Field

Seconds = Annotated[float, Field(gt=0, le=600)]
