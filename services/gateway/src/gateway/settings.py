"""The gateway's settings, read from the environment only (docs/INTERFACES.md).

`CASINO_SECRET` is a comma-separated list (`contracts.secrets`): any entry verifies a
wallet callback, so the provider can rotate its signing secret without downtime. Outside
development an empty or default-looking secret, or a weak operator key, refuses to start.
Secrets (and AMQP_URL, which may carry a password) are `SecretStr`: a repr, a log line or
a dump of the settings shows `**********`, and a refusal never echoes its input.

`WALLET_BATCHES_IN_FLIGHT` is how many messages may be outstanding to the wallet queue at
once (`gateway.callbacks.batching`): a wallet command that finds one free is sent at once,
alone; one that does not waits and goes with the others that queued up meanwhile, in
one message, when a reply frees a slot. Lower means bigger batches and fewer messages
under load; 1 is TigerBeetle's one request in flight, and the default: measured back to
back it gave lower latency and CPU at most rates (the figures are in docs/PERFORMANCE.md). A
higher figure lets other wallets' commands pass a batch that waits on a wallet's row lock,
and lets one gateway keep several workers busy.

`LOG_EVERY_COMMAND` (default: on in development, off in production) logs each command
answered with success at INFO; off, those go at DEBUG and only refusals and failures are
logged at INFO (`gateway.commands`): a JSON line per bet was a large share of a wallet
callback's CPU (docs/PERFORMANCE.md).

Many providers (`gateway.providers`): a callback names its provider in `x-provider-code`;
without it, it is DEFAULT_PROVIDER_CODE's, whose secret is CASINO_SECRET (plus any callback
secret the registry holds for it), so a seed-style client works unchanged;
REQUIRE_PROVIDER_CODE refuses a callback without the header. Every other provider's
secrets come from the casino's registry, re-read every REGISTRY_REFRESH_SECONDS and opened
with PROVIDER_SECRETS_KEY (Fernet keys, the casino's; refused outside development when it
is the development key).
"""

from typing import Annotated, Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.durations import Seconds
from contracts.secret_box import DEVELOPMENT_KEY, check_keys
from contracts.secrets import DEVELOPMENT, OptionalSecret, SecretList, check_secrets
from contracts.signing import DEFAULT_TOLERANCE_SECONDS
from contracts.topology import LOBBY_QUEUE, WALLET_QUEUE

DEVELOPMENT_CASINO_SECRET = "dev-casino-secret"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    environment: str = DEVELOPMENT
    gateway_port: Annotated[int, Field(ge=1, le=65535)] = 8000
    amqp_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    # Queue names are settings so that test runs and staging stacks can share a broker.
    wallet_queue: str = WALLET_QUEUE
    lobby_queue: str = LOBBY_QUEUE
    provider_url: str = "http://127.0.0.1:8002"
    # /provider/simulate plays a whole round (with wallet callbacks) before it answers.
    provider_timeout_seconds: Seconds = 60.0
    casino_secret: SecretList = (SecretStr(DEVELOPMENT_CASINO_SECRET),)
    default_provider_code: Annotated[str, Field(min_length=1)] = "demo-provider"
    require_provider_code: bool = False
    provider_secrets_key: SecretList = (DEVELOPMENT_KEY,)
    # How stale the registry may be: an operator's change is honoured within about this.
    registry_refresh_seconds: Seconds = 2.0
    signature_tolerance_seconds: Annotated[int, Field(ge=1)] = DEFAULT_TOLERANCE_SECONDS
    signature_timestamp_required: bool = False
    rpc_timeout_seconds: Seconds = 5.0
    wallet_batches_in_flight: Annotated[int, Field(ge=1, le=1000)] = 1
    # launchGame and simulateRound wait on the provider as well as on the casino.
    lobby_rpc_timeout_seconds: Seconds = 60.0
    max_body_bytes: Annotated[int, Field(ge=1)] = 65536
    # uvicorn's line per request; off: each command is logged once (`gateway.commands`).
    access_log: bool = False
    # Each command answered with success logged at INFO (else at DEBUG); when unset it
    # follows ENVIRONMENT (see below). Refusals and failures are always logged at INFO.
    log_every_command: bool
    # Empty means "not configured": the lobby endpoints are then open (development).
    operator_api_key: OptionalSecret = None
    # simulateRound can create wins; when unset it follows ENVIRONMENT (see below).
    simulate_round_enabled: bool

    @model_validator(mode="before")
    @classmethod
    def _derive_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        in_development = data.get("environment", DEVELOPMENT) == DEVELOPMENT
        for follows_environment in ("simulate_round_enabled", "log_every_command"):
            if data.get(follows_environment) in (None, ""):
                data[follows_environment] = in_development
        return data

    @model_validator(mode="after")
    def _refuse_insecure_secrets(self) -> "GatewaySettings":
        check_secrets("CASINO_SECRET", self.casino_secret, self.environment)
        check_keys(self.provider_secrets_key, self.environment)
        if self.operator_api_key is not None:
            check_secrets("OPERATOR_API_KEY", (self.operator_api_key,), self.environment)
        return self
