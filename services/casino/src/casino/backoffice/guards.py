"""The checks every form's POST passes before it changes anything, in this order:

1. signed in (else to the sign-in page);
2. the form's CSRF token is the session's (else 403, nothing done);
3. the operator's role may change things (a viewer: 403, nothing done).

Every changing route reads its form through `change`, so none can skip a check.
"""

from starlette.datastructures import FormData
from starlette.requests import Request

from casino.backoffice import csrf
from casino.backoffice.auth import require_operator
from casino.operators.accounts import OperatorAccount

# A form of the back office is a few short fields; anything far larger is not one.
MAX_FORM_FIELDS = 50
MAX_FIELD_BYTES = 64 * 1024


class CsrfRefusedError(Exception):
    """Raised when a POST's CSRF token is missing or is not its session's."""


class ForbiddenError(Exception):
    """Raised when the signed-in operator's role may not do what was asked."""


async def checked_form(request: Request) -> tuple[OperatorAccount, FormData]:
    """The signed-in operator and the form, once its CSRF token is checked (any role)."""
    operator = await require_operator(request)
    form = await request.form(
        max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FIELD_BYTES
    )
    if not csrf.valid(request.session, form.get(csrf.FIELD)):
        raise CsrfRefusedError()
    return operator, form


async def change(request: Request) -> tuple[OperatorAccount, FormData]:
    """As `checked_form`, for a change: only an operator of role `operator` passes."""
    operator, form = await checked_form(request)
    if not operator.may_change:
        raise ForbiddenError(
            f"{operator.name} is a {operator.role.value}: a viewer can read every page but"
            " change nothing"
        )
    return operator, form


def field(form: FormData, name: str) -> str:
    """A text field, trimmed ("" when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
