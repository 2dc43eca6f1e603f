"""The provider's settings, read from the environment only (docs/INTERFACES.md).

Secrets follow `contracts.secrets`: comma-separated lists, the first entry signs and any
entry verifies. `PROVIDER_SECRET` verifies the casino's calls to us; `CASINO_SECRET`
signs our wallet callbacks, which name us (`PROVIDER_CODE`) in `x-provider-code`.
Outside development an empty or default-looking secret, or a fault injector left switched
on, refuses to start. Secrets (and the database URL, which
may carry a password) are `SecretStr`: a repr, a log line or a dump of the settings shows
`**********`, and a refusal never echoes its input.
"""

from typing import Annotated

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.durations import Seconds
from contracts.secrets import DEVELOPMENT, SecretList, check_secrets
from contracts.signing import DEFAULT_TOLERANCE_SECONDS

DEVELOPMENT_PROVIDER_SECRET = "dev-provider-secret"
DEVELOPMENT_CASINO_SECRET = "dev-casino-secret"
# Time for a settled call's outcome to be written after its last attempt.
IN_FLIGHT_MARGIN_SECONDS = 10.0


class ProviderSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    environment: str = DEVELOPMENT
    # Who we are to the casino: every wallet callback names this code in x-provider-code,
    # and the casino verifies it with this provider's secrets. Several providers are
    # several processes, each with its own settings and database (scripts/demo runs two).
    # Visible ASCII only: it travels in a header.
    provider_code: Annotated[str, Field(pattern=r"^[!-~]{1,64}$")] = "demo-provider"
    # The game `game-provider seed` creates for this provider (with two demo games beside it).
    provider_game_code: Annotated[str, Field(min_length=1, max_length=128)] = "demo-slots"
    provider_database_url: SecretStr = SecretStr(
        "postgresql+asyncpg://postgres@127.0.0.1:5432/provider"
    )
    # 127.0.0.1 unless told otherwise: a container sets PROVIDER_HOST=0.0.0.0.
    provider_host: str = "127.0.0.1"
    provider_port: Annotated[int, Field(ge=1, le=65535)] = 8002
    casino_url: str = "http://127.0.0.1:8000"
    game_url_base: str = "http://127.0.0.1:8002/games"
    provider_secret: SecretList = (SecretStr(DEVELOPMENT_PROVIDER_SECRET),)
    casino_secret: SecretList = (SecretStr(DEVELOPMENT_CASINO_SECRET),)
    signature_tolerance_seconds: Annotated[int, Field(ge=1)] = DEFAULT_TOLERANCE_SECONDS
    signature_timestamp_required: bool = False
    # Our callbacks carry x-signature-timestamp, so a captured one cannot be replayed later.
    sign_with_timestamp: bool = True
    max_body_bytes: Annotated[int, Field(ge=1)] = 65536

    # Wallet callbacks: transient failures are retried with the same bytes, a bounded
    # number of times. One attempt may wait longer than the gateway's own RPC timeout
    # (5 s), so that we hear its 503 rather than time out ourselves.
    casino_retry_attempts: Annotated[int, Field(ge=1, le=50)] = 4
    casino_retry_initial_backoff_seconds: Seconds = 0.2
    casino_retry_max_backoff_seconds: Seconds = 2.0
    casino_attempt_timeout_seconds: Seconds = 8.0
    # A debit whose outcome stays unknown is rolled back; that rollback must get a final
    # answer, so it is tried more often than an ordinary call.
    unknown_debit_rollback_attempts: Annotated[int, Field(ge=1, le=100)] = 10

    # The retry queue (`provider.resuming`): calls left `pending` by a crash or by retries
    # that ran out are sent again. The queue looks for due calls this often (0: never;
    # `game-provider pending retry` still works); a call is retried with a backoff that
    # doubles from the initial figure up to the maximum, until the horizon after it was
    # first written, counted in hours (a day by default: real providers keep theirs a day).
    pending_resume_interval_seconds: Annotated[float, Field(ge=0, le=600)] = 5.0
    pending_retry_initial_backoff_seconds: Seconds = 5.0
    pending_retry_max_backoff_seconds: Annotated[float, Field(gt=0, le=86_400)] = 3_600.0
    pending_retry_horizon_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24.0

    # Fault injection: drop this share of the casino's responses after the casino has
    # processed the request, so retries and idempotency show in an ordinary run.
    fault_lose_response_ratio: Annotated[float, Field(ge=0, le=1)] = 0.0
    fault_seed: int | None = None

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "ProviderSettings":
        check_secrets("PROVIDER_SECRET", self.provider_secret, self.environment)
        check_secrets("CASINO_SECRET", self.casino_secret, self.environment)
        if self.fault_lose_response_ratio > 0 and self.environment != DEVELOPMENT:
            raise ValueError(
                "FAULT_LOSE_RESPONSE_RATIO drops real wallet replies; it is for development only"
            )
        return self

    @property
    def call_in_flight_seconds(self) -> float:
        """How long a call just written may still be in the hands of the request that
        wrote it (every attempt of its longest retry sequence, plus a margin): the queue
        leaves it alone until then, and a claim by the queue lasts as long."""
        attempts = max(self.casino_retry_attempts, self.unknown_debit_rollback_attempts)
        per_attempt = self.casino_attempt_timeout_seconds + self.casino_retry_max_backoff_seconds
        return attempts * per_attempt + IN_FLIGHT_MARGIN_SECONDS

    @property
    def signing_secret(self) -> SecretStr:
        """The secret our wallet callbacks are signed with: the first CASINO_SECRET."""
        return self.casino_secret[0]
