"""Carrying out an operator's change: call the domain function, record the attempt in the
audit log (done, or refused with the rule's code), and leave a message for the page the
operator goes back to.

The domain functions are the ones the operator API and the `casino` commands call, so
their rules decide here too; a refusal is their `LobbyError` (with its catalogue code)
or a `RegistryError`, and is shown as it is.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request

from casino.backoffice import audit_log
from casino.backoffice.auth import back_office
from casino.backoffice.rendering import flash
from casino.lobby.errors import LobbyError
from casino.operators.accounts import OperatorAccount
from casino.providers.registry import RegistryError

T = TypeVar("T")


def set_by(operator: OperatorAccount) -> str:
    """Who the domain's records say made a change: `backoffice:<name>`."""
    return f"backoffice:{operator.name}"


async def carry_out(
    request: Request,
    operator: OperatorAccount,
    action: str,
    subject: str,
    details: dict[str, Any],
    change: Callable[[], Awaitable[T]],
) -> T | None:
    """`change()`'s result, recorded as done; or None, recorded and shown as refused."""
    database = back_office(request).database
    try:
        result = await change()
    except LobbyError as refused:
        await audit_log.record(
            database,
            operator.name,
            action,
            subject,
            {
                **details,
                "outcome": "refused",
                "code": refused.code.value,
                "reason": refused.message,
            },
        )
        flash(request, f"Refused ({refused.code.value}): {refused.message}", ok=False)
        return None
    except RegistryError as refused:
        await audit_log.record(
            database,
            operator.name,
            action,
            subject,
            {**details, "outcome": "refused", "reason": str(refused)},
        )
        flash(request, f"Refused: {refused}", ok=False)
        return None
    await audit_log.record(database, operator.name, action, subject, {**details, "outcome": "done"})
    return result
