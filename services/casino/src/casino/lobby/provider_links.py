"""Which provider a game's calls go to, and what they are signed with.

A provider in the registry (`casino provider add`) is called at its registered endpoint
and signed with its own casino secret, opened from its sealed column with
PROVIDER_SECRETS_KEY. The default provider, which has no link of its own, is reached as
before through the settings: PROVIDER_URL, signed with the first PROVIDER_SECRET.

The link is read at each command, so an operator's change needs no restart of the lobby;
the read is one primary-key lookup and the open a Fernet decryption, small beside the
provider call itself. Every provider's calls share one HTTP client, and so one connection
pool (kept per endpoint by httpx).
"""

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from pydantic import SecretStr

from casino.database import Database
from casino.lobby.errors import LobbyError
from casino.lobby.provider_client import LAUNCH_TIMEOUT_SECONDS, ProviderClient
from casino.providers.registry import link_of
from casino.settings import CasinoSettings
from contracts.errors import ErrorCode
from contracts.secret_box import SecretBox, UnreadableSecretError

log = logging.getLogger(__name__)


class ProviderLinks:
    """Makes the client of a game's provider: its endpoint and its secret."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        database: Database,
        box: SecretBox,
        default_endpoint: str,
        default_secret: SecretStr,
    ) -> None:
        self._http = http
        self._database = database
        self._box = box
        self._default = ProviderClient(http, default_endpoint, default_secret)

    async def client_for(self, provider_id: uuid.UUID) -> ProviderClient:
        try:
            link = await link_of(self._database, self._box, provider_id)
        except UnreadableSecretError:
            log.error(
                "a provider's casino secret cannot be opened with PROVIDER_SECRETS_KEY",
                extra={"provider_id": str(provider_id)},
            )
            raise LobbyError(
                ErrorCode.PROVIDER_UNAVAILABLE,
                "The casino cannot open the game provider's secret",
            ) from None
        if link is None:
            return self._default
        return ProviderClient(self._http, link.endpoint, link.casino_secret)


@asynccontextmanager
async def provider_links(
    settings: CasinoSettings, database: Database
) -> AsyncIterator[ProviderLinks]:
    """The links over one HTTP client, closed when the lobby stops."""
    async with httpx.AsyncClient(timeout=LAUNCH_TIMEOUT_SECONDS) as http:
        yield ProviderLinks(
            http,
            database,
            SecretBox(settings.provider_secrets_key),
            settings.provider_url,
            settings.signing_secret,
        )
