"""Secrets in every service's settings: their types, and the rules they are read by.

A secret is a pydantic `SecretStr`, so `repr(settings)`, `str(settings)` and
`settings.model_dump_json()` show `**********` instead of it; code that signs or compares
calls `.get_secret_value()` at that point only (`contracts.signing`).

A shared secret is a `SecretList`: a comma-separated list in the environment, where the
first entry signs and any entry verifies, so a secret can be rotated by adding the new one
first and dropping the old one later. Outside development a service refuses to start with
an empty or default-looking secret (`check_secrets`, from each settings' own validator,
which knows the environment).
"""

from collections.abc import Sequence
from typing import Annotated

from pydantic import BeforeValidator, SecretStr
from pydantic_settings import NoDecode

DEVELOPMENT = "development"
_DEFAULT_LOOKING = ("changeme", "change-me", "secret", "default", "example", "dev-", "test")
MIN_PRODUCTION_LENGTH = 32


class InsecureSecretError(ValueError):
    """Raised when a secret is empty, or looks like a default, outside development."""


def _entries(raw: object) -> object:
    """The entries of a secret list: from the environment's comma-separated string, or from
    a sequence given in code; trimmed, blanks dropped (`check_secrets` refuses an empty list)."""
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list | tuple):
        return raw
    plain = [item.get_secret_value() if isinstance(item, SecretStr) else item for item in raw]
    trimmed = [item.strip() if isinstance(item, str) else item for item in plain]
    return tuple(item for item in trimmed if item != "")


def _none_if_empty(raw: object) -> object:
    return raw or None


SecretList = Annotated[tuple[SecretStr, ...], NoDecode, BeforeValidator(_entries)]
"""A shared secret and its rotation: the first entry signs, any entry verifies. `NoDecode`:
the environment's string is split on commas here, not parsed as JSON by pydantic-settings."""

OptionalSecret = Annotated[SecretStr | None, BeforeValidator(_none_if_empty)]
"""A secret that may be left unset: empty in the environment means not configured."""


def check_secrets(name: str, secrets: Sequence[SecretStr], environment: str) -> None:
    """Refuse `secrets` for the setting `name` unless they are fit for `environment`. The
    message names the setting, never the secret."""
    if not secrets:
        raise InsecureSecretError(f"{name} is empty")
    if environment == DEVELOPMENT:
        return
    for secret in secrets:
        value = secret.get_secret_value()
        lowered = value.lower()
        if len(value) < MIN_PRODUCTION_LENGTH or any(m in lowered for m in _DEFAULT_LOOKING):
            raise InsecureSecretError(
                f"{name} looks like a default or is shorter than {MIN_PRODUCTION_LENGTH} "
                f"characters; set a real secret (ENVIRONMENT={environment})"
            )
