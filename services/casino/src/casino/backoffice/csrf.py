"""Cross-site request forgery: every form carries its session's token, every POST must
send it back.

The token is random, made once per session (and made anew at sign-in, so a token seen
before signing in is worthless after), kept in the signed session cookie, and compared
in constant time. Another site can make a browser send the cookie, but cannot read the
page to learn the token, so its forged form is refused (403).
"""

import hmac
import secrets
from typing import Any

FIELD = "csrf_token"
_KEY = "csrf"


def token(session: dict[str, Any]) -> str:
    """The session's token, made if it has none yet."""
    current = session.get(_KEY)
    if not isinstance(current, str) or not current:
        current = session[_KEY] = secrets.token_urlsafe(32)
    return current


def renew(session: dict[str, Any]) -> str:
    session[_KEY] = secrets.token_urlsafe(32)
    return str(session[_KEY])


def valid(session: dict[str, Any], sent: object) -> bool:
    """Whether `sent` (the form's field) is the session's token."""
    expected = session.get(_KEY)
    return (
        isinstance(expected, str)
        and bool(expected)
        and isinstance(sent, str)
        and hmac.compare_digest(expected.encode(), sent.encode())
    )
