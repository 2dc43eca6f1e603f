"""HMAC-SHA256 request signatures, over the raw body bytes exactly as sent.

A request to the casino carries `x-casino-signature` made with CASINO_SECRET; a request to
the provider carries `x-provider-signature` made with PROVIDER_SECRET (docs/PROTOCOL.md).
With many providers, a callback names its provider in `x-provider-code` and is signed with
that provider's own callback secret.

Replay protection: with `x-signature-timestamp: <unix seconds>` the MAC covers
`b"<timestamp>." + body` and the receiver refuses it outside a tolerance. Several secrets
may verify at once, so a secret can be rotated without downtime.

A secret is a `SecretStr` from a service's settings (`contracts.secrets`), or a plain
string where a test or a tool signs with a literal; its value is read here, where the MAC
is computed, and nowhere else.
"""

import hashlib
import hmac
import time
from collections.abc import Sequence

from pydantic import SecretStr

CASINO_SIGNATURE_HEADER = "x-casino-signature"
PROVIDER_SIGNATURE_HEADER = "x-provider-signature"
TIMESTAMP_HEADER = "x-signature-timestamp"
PROVIDER_CODE_HEADER = "x-provider-code"
"""Names the provider whose secret signed a callback to the casino (many providers)."""
DEFAULT_TOLERANCE_SECONDS = 300

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_SIGNATURE_LENGTH = hashlib.sha256().digest_size * 2

Secret = SecretStr | str


class SignatureError(Exception):
    """Raised when a request's signature is missing, malformed, stale or wrong."""


def signed_payload(body: bytes, timestamp: int | None = None) -> bytes:
    if timestamp is None:
        return body
    return str(timestamp).encode() + b"." + body


def sign(body: bytes, secret: Secret, timestamp: int | None = None) -> str:
    """The hex HMAC-SHA256 of `body` (prefixed by the timestamp when one is given)."""
    return _mac(secret, signed_payload(body, timestamp)).hexdigest()


def signature_headers(
    body: bytes, secret: Secret, header: str, *, timestamp: int | None = None
) -> dict[str, str]:
    """The headers a sender adds to a request whose body is exactly `body`."""
    headers = {header: sign(body, secret, timestamp)}
    if timestamp is not None:
        headers[TIMESTAMP_HEADER] = str(timestamp)
    return headers


def verify(
    body: bytes,
    signature: str | None,
    secrets: Sequence[Secret],
    *,
    timestamp: str | None = None,
    require_timestamp: bool = False,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Accept the request if any of `secrets` made `signature` over `body`; raise otherwise."""
    if not signature:
        raise SignatureError("signature header is missing")
    if len(signature) != _SIGNATURE_LENGTH or not _HEX_DIGITS.issuperset(signature):
        raise SignatureError("signature is not a hex SHA-256 HMAC")
    stamp = _checked_timestamp(timestamp, require_timestamp, tolerance_seconds, now)
    payload = signed_payload(body, stamp)
    given = bytes.fromhex(signature)
    # Check every secret, so the time taken does not tell which one matched.
    matched = False
    for secret in secrets:
        expected = _mac(secret, payload).digest()
        matched |= hmac.compare_digest(expected, given)
    if not matched:
        raise SignatureError("signature does not match the body")


def _mac(secret: Secret, payload: bytes) -> hmac.HMAC:
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return hmac.new(key.encode(), payload, hashlib.sha256)


def _checked_timestamp(
    timestamp: str | None, required: bool, tolerance_seconds: int, now: float | None
) -> int | None:
    if timestamp is None or timestamp == "":
        if required:
            raise SignatureError(f"{TIMESTAMP_HEADER} header is required")
        return None
    if not timestamp.isdigit():
        raise SignatureError(f"{TIMESTAMP_HEADER} must be unix seconds")
    stamp = int(timestamp)
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance_seconds:
        raise SignatureError("signature timestamp is outside the tolerance")
    return stamp
