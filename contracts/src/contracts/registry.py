"""The provider registry as the casino hands it to the gateway over RabbitMQ.

The gateway has no database. It asks the casino for the registry (`RegistryCommand` on
`contracts.topology.registry_queue(LOBBY_QUEUE)`, answered by the lobby process with an
`RpcReply` whose `result` is a `ProviderRegistry`) every few seconds, keeps the last answer in
memory, and verifies each callback against it. The callback secrets travel sealed
(`contracts.secret_box`): the gateway opens them with PROVIDER_SECRETS_KEY, and nothing
on the broker can read them.
"""

from typing import Literal

from pydantic import BaseModel

from contracts.base import WireModel


class RegistryCommand(BaseModel):
    command: Literal["providerRegistry"] = "providerRegistry"


class RegisteredProvider(WireModel):
    code: str
    enabled: bool
    callback_secrets: list[str]
    """Sealed, newest first."""


class ProviderRegistry(WireModel):
    providers: list[RegisteredProvider]
