"""Operators' passwords: hashed with Argon2id (`argon2-cffi`, its default parameters),
checked against the hash, never kept, printed or logged in clear.

An unknown name is checked against a hash too (`check` with None), so a sign-in takes
as long whether or not the name exists: timing tells nobody which names are real.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 200  # Argon2 takes any length; a bound keeps a huge form field cheap to refuse

_HASHER = PasswordHasher()
_NOBODY = _HASHER.hash("no operator has this password, it only costs the same time")


class WeakPasswordError(ValueError):
    """Raised when a new password is too short or too long (the message says which)."""


def hash_password(password: str) -> str:
    """The Argon2id hash to store for a new password."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise WeakPasswordError(f"a password is {MIN_LENGTH} to {MAX_LENGTH} characters long")
    return _HASHER.hash(password)


def check(password: str, stored_hash: str | None) -> bool:
    """Whether `password` is the one `stored_hash` was made from (None: nobody's)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash or _NOBODY, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's defaults."""
    return _HASHER.check_needs_rehash(stored_hash)
