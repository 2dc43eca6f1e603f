"""Rules every service applies to its shared secrets when it reads its settings.

A secret setting is a comma-separated list: the first entry signs, any entry verifies,
so a secret can be rotated by adding the new one first and dropping the old one later.
Outside development a service refuses to start with an empty or default-looking secret.
"""

from collections.abc import Sequence

DEVELOPMENT = "development"
_DEFAULT_LOOKING = ("changeme", "change-me", "secret", "default", "example", "dev-", "test")
MIN_PRODUCTION_LENGTH = 32


class InsecureSecretError(ValueError):
    """Raised when a secret is empty, or looks like a default, outside development."""


def parse_secret_list(raw: str | Sequence[str]) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(item.strip() for item in items if item.strip())


def check_secrets(name: str, secrets: Sequence[str], environment: str) -> None:
    """Refuse `secrets` for `name` unless they are fit for `environment`."""
    if not secrets:
        raise InsecureSecretError(f"{name} is empty")
    if environment == DEVELOPMENT:
        return
    for secret in secrets:
        lowered = secret.lower()
        if len(secret) < MIN_PRODUCTION_LENGTH or any(m in lowered for m in _DEFAULT_LOOKING):
            raise InsecureSecretError(
                f"{name} looks like a default or is shorter than {MIN_PRODUCTION_LENGTH} "
                f"characters; set a real secret (ENVIRONMENT={environment})"
            )
