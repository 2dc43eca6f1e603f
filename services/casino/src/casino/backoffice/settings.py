"""The back office's settings: the casino's (`CasinoSettings`, from the environment),
and the provider's database, which it reads, read-only, to show the provider's view of a
round and the provider's pending calls. Unset, those parts say they are not configured.
"""

import logging
import secrets

from pydantic import SecretStr

from casino.settings import CasinoSettings
from contracts.secrets import DEVELOPMENT, OptionalSecret, check_secrets

log = logging.getLogger(__name__)

DEFAULT_PORT = 8090


class BackOfficeSettings(CasinoSettings):
    # The default provider's database (PROVIDER_DATABASE_URL, as the provider reads it).
    provider_database_url: OptionalSecret = None


def session_secret(settings: CasinoSettings) -> SecretStr:
    """What signs the session cookies: BACK_OFFICE_SESSION_SECRET; in development, when it
    is unset, a new random one (said in the log, never shown), so sign-ins last until the
    back office restarts. Outside development it must be set and look like a secret."""
    configured = settings.back_office_session_secret
    if configured is None:
        if settings.environment != DEVELOPMENT:
            raise ValueError(
                f"BACK_OFFICE_SESSION_SECRET is not set (ENVIRONMENT={settings.environment})"
            )
        log.warning(
            "BACK_OFFICE_SESSION_SECRET is not set: a random one is made for this run "
            "(development only); operators sign in again after a restart"
        )
        return SecretStr(secrets.token_urlsafe(32))
    check_secrets("BACK_OFFICE_SESSION_SECRET", (configured,), settings.environment)
    return configured
