"""The correlation id of the request being served.

It is the caller's `x-correlation-id` or a new uuid; it is echoed in the response, sent
with the RPC command (AMQP header `x-correlation-id`) and logged, so one grep follows a
debit from the provider through the gateway to the wallet worker. `gateway.envelope`
sets it for every request.
"""

import uuid
from contextvars import ContextVar

from starlette.types import Scope

CORRELATION_HEADER = "x-correlation-id"
_HEADER_BYTES = CORRELATION_HEADER.encode()
_MAX_LENGTH = 128

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")


def incoming_id(scope: Scope) -> str:
    """The caller's id when it is usable, else a new one."""
    for name, value in scope["headers"]:
        if name == _HEADER_BYTES:
            given: str = value.decode("latin-1")
            # A caller's id goes into logs and AMQP headers: keep it short and printable.
            if 0 < len(given) <= _MAX_LENGTH and given.isprintable():
                return given
            break
    return str(uuid.uuid4())
