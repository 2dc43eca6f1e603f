"""Who is signed in: the operator's name in the signed session cookie, checked against
`casino_operators` at every request (a disabled operator is signed out at their next
click, and a role changed takes effect at once; the cookie holds no role).

Signing in makes a new CSRF token and drops whatever the session held before, so nothing
from before the sign-in (a token, a flash) carries over.
"""

import logging
from typing import Any

from starlette.requests import Request

from casino.backoffice import csrf
from casino.backoffice.resources import BackOffice
from casino.operators import accounts
from casino.operators.accounts import OperatorAccount

log = logging.getLogger(__name__)

_KEY = "operator"


class SignInRequiredError(Exception):
    """Raised when a page needs a signed-in operator and there is none: to the sign-in."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


def back_office(request: Request) -> BackOffice:
    found: BackOffice = request.app.state.back_office
    return found


async def current_operator(request: Request) -> OperatorAccount | None:
    name = request.session.get(_KEY)
    if not isinstance(name, str):
        return None
    operator = await accounts.find_operator(back_office(request).database, name)
    if operator is None or not operator.active:
        log.info("a session of an operator unknown or disabled ended", extra={"operator": name})
        request.session.clear()
        return None
    return operator


async def require_operator(request: Request) -> OperatorAccount:
    """The signed-in operator, or off to the sign-in page (and back here after)."""
    operator = await current_operator(request)
    if operator is None:
        path = request.url.path if request.method == "GET" else "/"
        raise SignInRequiredError(path)
    return operator


def sign_in(session: dict[str, Any], operator: OperatorAccount) -> None:
    session.clear()
    session[_KEY] = operator.name
    csrf.renew(session)


def sign_out(session: dict[str, Any]) -> None:
    session.clear()
