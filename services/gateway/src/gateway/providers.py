"""The provider registry as this gateway knows it: which providers may sign a wallet
callback, with which secrets, and which of them are enabled.

The gateway has no database. `RegistryRefresher`, started in the lifespan, asks the casino
for the registry (`contracts.registry`: a `RegistryCommand` over the RPC client to
`contracts.topology.registry_queue(LOBBY_QUEUE)`) every REGISTRY_REFRESH_SECONDS, opens
the sealed callback secrets then, once per answer (PROVIDER_SECRETS_KEY,
`contracts.secret_box`), and swaps in a new immutable `KnownProviders`. A callback only
looks its provider up in the one in force (`callbacks.signature`): a dict lookup, no I/O,
no decryption. So an operator's change (`casino provider add`, `rotate-secret`,
`retire-secret`, `disable`, `enable`) is honoured within one interval and a round trip,
without a restart, and the callback path costs what it did.

The default provider (DEFAULT_PROVIDER_CODE) verifies with CASINO_SECRET, from the
settings, and with any callback secret the registry holds for it: a seed-style client
works before the first answer, and whatever the registry says (only `disable` reaches it).

When the casino does not answer, or answers something unreadable, the registry in force
stays: callbacks are verified as they were rather than all refused while the lobby
restarts (a secret retired meanwhile verifies until the next answer). One warning is
logged per run of failures, one line when answers come back, and
`gateway_registry_age_seconds` says how old the registry in force is. No log line
carries a secret, sealed or open, nor the casino's answer.

(A little over 200 lines: the registry and its refreshing are one idea, and what happens
on a failure, an unreadable secret or a slow broker is most of it.)
"""

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, SecretStr, ValidationError

from contracts.registry import ProviderRegistry, RegisteredProvider, RegistryCommand
from contracts.rpc import RpcReply
from contracts.secret_box import SecretBox, UnreadableSecretError
from contracts.topology import registry_queue
from gateway import metrics
from gateway.errors import GatewayError
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)

# Before the broker connection first opens, the registry is asked as soon as it does.
_CONNECTION_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class KnownProvider:
    code: str
    enabled: bool
    secrets: tuple[SecretStr, ...]
    """Any one of them verifies (rotation)."""


@dataclass(frozen=True, slots=True)
class KnownProviders:
    """The registry in force: never changed, replaced whole by the next answer."""

    by_code: Mapping[str, KnownProvider]
    answered_at: float | None
    """`time.monotonic()` when the casino gave this registry; None before its first answer."""

    @property
    def loaded(self) -> bool:
        return self.answered_at is not None


class UnusableRegistryError(Exception):
    """Raised when the casino's answer to a registry question cannot be used."""


class Casino(Protocol):
    """Where the registry is asked: `rpc.RpcClient`, or a test's fake."""

    @property
    def ready(self) -> bool: ...

    async def call(
        self,
        queue: str,
        command: BaseModel,
        *,
        reply_within: float,
        correlation_id: str,
        quiet: bool = False,
    ) -> RpcReply: ...


class RegistryRefresher:
    """Holds the registry in force (`known`) and, once started, keeps it fresh by asking
    `casino`; with no `casino`, the default provider is all it ever knows."""

    def __init__(self, casino: Casino | None, settings: GatewaySettings) -> None:
        self._casino = casino
        self._settings = settings
        self._box = SecretBox(settings.provider_secrets_key)
        self._queue = registry_queue(settings.lobby_queue)
        self._default = KnownProvider(
            settings.default_provider_code, True, tuple(settings.casino_secret)
        )
        self.known = KnownProviders({self._default.code: self._default}, None)
        self._failures = 0
        self._unreadable: frozenset[str] = frozenset()
        self._opened_before: dict[str, SecretStr] = {}
        self._task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"RegistryRefresher({len(self.known.by_code)} providers, age {self.age():.1f}s)"

    def age(self) -> float:
        """Seconds since the casino gave the registry in force; infinite before its first."""
        answered_at = self.known.answered_at
        return math.inf if answered_at is None else time.monotonic() - answered_at

    async def start(self) -> None:
        metrics.REGISTRY_AGE.set_function(self.age)
        if self._casino is not None:
            self._task = asyncio.create_task(self._refresh_forever(self._casino))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def refresh(self) -> bool:
        """Ask the casino once; its answer is the registry in force if it can be read.
        Whether it was."""
        if self._casino is None:
            return False
        try:
            registry = await self._ask(self._casino)
        except (GatewayError, UnusableRegistryError) as failure:
            self._failed(str(failure))
            return False
        self.known = self._opened(registry, time.monotonic())
        if self._failures:
            log.info("provider registry answered again after %d failures", self._failures)
            self._failures = 0
        return True

    async def _refresh_forever(self, casino: Casino) -> None:
        interval = self._settings.registry_refresh_seconds
        while True:
            await _until_connected(casino, within=interval)
            try:
                await self.refresh()
            except Exception:
                # A bug must not stop the refreshing for the life of the process.
                log.exception("provider registry refresh failed")
            await asyncio.sleep(interval)

    async def _ask(self, casino: Casino) -> ProviderRegistry:
        try:
            reply = await casino.call(
                self._queue,
                RegistryCommand(),
                reply_within=self._settings.rpc_timeout_seconds,
                correlation_id=f"registry-{uuid.uuid4().hex}",
                quiet=True,
            )
        except ValidationError:
            raise UnusableRegistryError("the casino's reply is not an RPC reply") from None
        if reply.error is not None:
            raise UnusableRegistryError(f"the casino answered {reply.error.code.value}")
        try:
            return ProviderRegistry.model_validate(reply.result)
        except ValidationError:
            # Its message would quote the answer: sealed secrets are still not for logs.
            raise UnusableRegistryError(
                "the casino's registry does not match the contract"
            ) from None

    def _failed(self, reason: str) -> None:
        metrics.REGISTRY_REFRESH_FAILURES.inc()
        self._failures += 1
        if self._failures == 1:
            log.warning("provider registry not refreshed, the last one stays: %s", reason)
        else:
            log.debug("provider registry not refreshed: %s", reason)

    def _opened(self, registry: ProviderRegistry, answered_at: float) -> KnownProviders:
        by_code = {self._default.code: self._default}
        unreadable = set()
        opened_now: dict[str, SecretStr] = {}
        for registered in registry.providers:
            secrets = self._open_secrets(registered, opened_now)
            if len(secrets) < len(registered.callback_secrets):
                unreadable.add(registered.code)
            if registered.code == self._default.code:
                secrets = self._default.secrets + secrets
            by_code[registered.code] = KnownProvider(registered.code, registered.enabled, secrets)
        if unreadable != self._unreadable:
            self._unreadable = frozenset(unreadable)
            if unreadable:
                log.warning(
                    "callback secrets of %s were sealed with another PROVIDER_SECRETS_KEY; "
                    "they do not verify",
                    ", ".join(sorted(unreadable)),
                )
        self._opened_before = opened_now
        return KnownProviders(by_code, answered_at)

    def _open_secrets(
        self, registered: RegisteredProvider, opened_now: dict[str, SecretStr]
    ) -> tuple[SecretStr, ...]:
        """Its secrets that open. One opened by an earlier answer is not opened again (a
        Fernet open costs some 20 µs of the event loop, every provider every interval)."""
        for sealed in registered.callback_secrets:
            try:
                opened_now[sealed] = self._opened_before.get(sealed) or self._box.open(sealed)
            except UnreadableSecretError:
                continue
        return tuple(opened_now[s] for s in registered.callback_secrets if s in opened_now)


async def _until_connected(casino: Casino, within: float) -> None:
    # Polled: the RPC client tells whether it is connected, not when it becomes so.
    for _ in range(math.ceil(within / _CONNECTION_POLL_SECONDS)):
        if casino.ready:
            return
        await asyncio.sleep(_CONNECTION_POLL_SECONDS)
