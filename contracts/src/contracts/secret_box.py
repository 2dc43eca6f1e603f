"""Provider secrets at rest and in transit: sealed with a key from the settings.

The casino stores every provider's secrets sealed (Fernet: AES-128-CBC with an
HMAC-SHA256, from the `cryptography` package), and hands them to the gateway still sealed;
only a process holding PROVIDER_SECRETS_KEY can open them, and it opens them in memory,
where they are `SecretStr`. The key is a list like every shared secret: the first one
seals, any one opens (`MultiFernet`), so the key itself can be rotated.

A secret handed to an operator (`casino provider add`, `rotate-secret`) is made here too:
32 random bytes, URL-safe base64 (43 characters), from the operating system's generator.
"""

import secrets
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

from contracts.secrets import DEVELOPMENT

DEVELOPMENT_KEY = SecretStr("zyyy5i1iCKakVWcyQ4pJA4a73VR3H6YgOfWXnOZbtmM=")
"""The key of development and tests; a service outside development refuses it."""


class UnreadableSecretError(ValueError):
    """Raised when a sealed secret was not sealed with any of the configured keys."""


class SecretBox:
    """Seals and opens provider secrets with the keys of PROVIDER_SECRETS_KEY."""

    def __init__(self, keys: Sequence[SecretStr]) -> None:
        if not keys:
            raise ValueError("PROVIDER_SECRETS_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(key.get_secret_value()) for key in keys])
        except ValueError:
            # Fernet's own message is safe, but say which setting, never the key.
            raise ValueError(
                "PROVIDER_SECRETS_KEY must be Fernet keys (32 bytes, URL-safe base64)"
            ) from None

    def __repr__(self) -> str:
        return "SecretBox(**********)"

    def seal(self, secret: SecretStr) -> str:
        return self._fernet.encrypt(secret.get_secret_value().encode()).decode()

    def open(self, sealed: str) -> SecretStr:
        try:
            return SecretStr(self._fernet.decrypt(sealed.encode()).decode())
        except InvalidToken:
            raise UnreadableSecretError("a provider secret was sealed with another key") from None


def new_secret() -> SecretStr:
    """A fresh shared secret for a provider."""
    return SecretStr(secrets.token_urlsafe(32))


def check_keys(keys: Sequence[SecretStr], environment: str) -> None:
    """Refuse PROVIDER_SECRETS_KEY outside development if it is the development key, or
    is not a list of Fernet keys (the message never shows a key)."""
    SecretBox(keys)
    if environment != DEVELOPMENT and any(
        key.get_secret_value() == DEVELOPMENT_KEY.get_secret_value() for key in keys
    ):
        raise ValueError(
            f"PROVIDER_SECRETS_KEY is the development key; set a real one "
            f"(ENVIRONMENT={environment})"
        )
