"""The casino service's settings, read from the environment only (INTERFACES.md).

One class for the wallet worker, the lobby and the CLI. `PROVIDER_SECRET` signs the lobby's
calls to the provider; it follows `contracts.secrets`: comma-separated, the first entry
signs, and outside development an empty or default-looking secret refuses to start.
Secrets are `SecretStr`: a repr, a log line or a dump of the settings shows `**********`,
and a refusal never echoes its input.
"""

from typing import Annotated

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.secret_box import DEVELOPMENT_KEY, check_keys
from contracts.secrets import DEVELOPMENT, OptionalSecret, SecretList, check_secrets
from contracts.text import Identifier
from contracts.time_zones import ZoneInfoName
from contracts.topology import LOBBY_QUEUE, WALLET_QUEUE

DEVELOPMENT_PROVIDER_SECRET = "dev-provider-secret"


class CasinoSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    environment: str = DEVELOPMENT
    # URLs may carry a password: SecretStr, like the secrets.
    casino_database_url: SecretStr = SecretStr(
        "postgresql+asyncpg://postgres@127.0.0.1:5432/casino"
    )
    amqp_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    provider_url: str = "http://127.0.0.1:8002"
    # It is sent to providers in every launch: an identifier, checked when the casino starts.
    casino_code: Identifier = "demo-casino"
    # The queues are settings so that test runs (and staging stacks) can share a broker.
    wallet_queue: str = WALLET_QUEUE
    lobby_queue: str = LOBBY_QUEUE
    # Only `casino play-round` uses it: the gateway's key for the operator endpoints.
    operator_api_key: OptionalSecret = None
    provider_secret: SecretList = (SecretStr(DEVELOPMENT_PROVIDER_SECRET),)
    # The provider the seed's single secrets belong to: reached at PROVIDER_URL, signed
    # with PROVIDER_SECRET (the gateway verifies its callbacks with CASINO_SECRET). Every
    # other provider is in the registry (`casino provider add`).
    default_provider_code: str = "demo-provider"
    # Seals provider secrets at rest (`contracts.secret_box`): Fernet keys, the first seals.
    provider_secrets_key: SecretList = (DEVELOPMENT_KEY,)
    # How many wallet commands one worker holds unacknowledged, and so runs at once. Each
    # one in flight holds a database connection, so the pool is sized from it.
    wallet_prefetch: Annotated[int, Field(ge=1, le=1000)] = 20
    database_pool_size: Annotated[int, Field(ge=1, le=500)] = 20
    # /health, /ready and /metrics of the consumers (`casino.consuming.probes`). Two ports,
    # so a worker and a lobby can share a host; 127.0.0.1 unless told (a container: 0.0.0.0).
    probes_host: str = "127.0.0.1"
    wallet_probes_port: Annotated[int, Field(ge=1, le=65535)] = 8010
    lobby_probes_port: Annotated[int, Field(ge=1, le=65535)] = 8011
    # Rounds left open this long are expired (no more bets; still settled), checked by the
    # worker this often and by `casino rounds expire` on demand.
    round_expiry_hours: Annotated[float, Field(gt=0)] = 48
    round_expiry_check_seconds: Annotated[float, Field(gt=0)] = 300
    # Player protection: a raised or removed limit applies after this long (a lowered one
    # at once); loss limits count calendar days, weeks (from Monday) and months here.
    limit_cooling_off_seconds: Annotated[float, Field(ge=0)] = 24 * 3600
    loss_limit_time_zone: ZoneInfoName = "UTC"
    # Signs the back office's session cookies (`casino backoffice`). Unset in development:
    # the back office makes one per start (sign-ins then last until it restarts).
    back_office_session_secret: OptionalSecret = None

    @model_validator(mode="after")
    def _refuse_insecure_secrets(self) -> "CasinoSettings":
        check_secrets("PROVIDER_SECRET", self.provider_secret, self.environment)
        check_keys(self.provider_secrets_key, self.environment)
        return self

    @property
    def signing_secret(self) -> SecretStr:
        """The secret the lobby signs provider calls with: the first one listed."""
        return self.provider_secret[0]
