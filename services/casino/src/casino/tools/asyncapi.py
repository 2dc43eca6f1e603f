"""The AsyncAPI document of the casino's queue contracts, generated from the code.

FastStream describes the real subscribers (channels, queues, bindings) from the brokers
the worker and the lobby run. Their handlers read the body raw (so that even non-JSON
gets a reply), which hides the message types from FastStream; the payloads are therefore
filled in from `contracts.rpc` (the commands in, `RpcReply` out), and the queues'
dead-lettering from `contracts.topology`. `scripts/docs` writes it to docs/asyncapi.json.
"""

from typing import Any

import asyncpg
from faststream.specification import AsyncAPI
from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from casino.lobby.app import build_broker
from casino.wallet.consumer import build_wallet_broker
from contracts import topology
from contracts.registry import ProviderRegistry, RegistryCommand
from contracts.rpc import LobbyCommand, RpcReply, WalletBatch, WalletBatchReply, WalletCommand

# The document describes the deployment in compose.yaml, whatever this machine's settings.
DOCUMENTED_AMQP_URL = "amqp://rabbitmq:5672/"
DOCUMENTED_DATABASE_URL = "postgresql://postgres@postgres:5432/casino"
_REF = "#/components/schemas/{model}"


def asyncapi_document() -> dict[str, Any]:
    # Never connected nor run: only described, so the pool is never opened.
    unopened = asyncpg.create_pool(DOCUMENTED_DATABASE_URL)
    wallet = build_wallet_broker(
        DOCUMENTED_AMQP_URL, unopened, queue=topology.WALLET_QUEUE, prefetch=1
    )
    lobby = build_broker(DOCUMENTED_AMQP_URL, topology.LOBBY_QUEUE)
    spec = AsyncAPI(
        wallet,
        lobby,
        title="Casino queue contracts",
        version="1.0.0",
        description=(
            "Commands from the gateway to the casino over RabbitMQ request/reply. Each is "
            "published to the default exchange with `reply_to`, `correlation_id`, "
            "`expiration` (the gateway's timeout) and header `x-correlation-id`; the "
            "consumer answers exactly one `RpcReply` to `reply_to`, then acknowledges. "
            "Under load the gateway carries the wallet commands waiting at the same moment "
            "in one message of AMQP type `wallet.batch` (a `WalletBatch`), decided in one "
            "database transaction and answered with one `WalletBatchReply`, a reply per "
            "command in order. Gateways also ask the lobby process for the provider "
            "registry (`RegistryCommand`, answered with an `RpcReply` whose `result` is a "
            "`ProviderRegistry`, its callback secrets sealed)."
        ),
        schema_version="3.0.0",
    )
    document: dict[str, Any] = spec.to_specification().to_jsonable()
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("EmptyPayload", None)
    payloads = {
        topology.WALLET_QUEUE: {
            "oneOf": [
                _schema("WalletCommand", WalletCommand, schemas),
                _schema("WalletBatch", WalletBatch, schemas),
            ],
            "description": "One command, or a batch (AMQP type `wallet.batch`).",
        },
        topology.LOBBY_QUEUE: _schema("LobbyCommand", LobbyCommand, schemas),
        topology.registry_queue(topology.LOBBY_QUEUE): _schema(
            "RegistryCommand", RegistryCommand, schemas
        ),
    }
    # The registry's answer is an RpcReply whose `result` is a ProviderRegistry.
    _schema("ProviderRegistry", ProviderRegistry, schemas)
    replies = {"RpcReply": RpcReply, "WalletBatchReply": WalletBatchReply}
    for name, model in replies.items():
        document["components"]["messages"][name] = {
            "title": name,
            "correlationId": {"location": "$message.header#/correlation_id"},
            "payload": _schema(name, model, schemas),
        }
    for channel in document["channels"].values():
        queue = channel["address"]
        arguments = topology.command_queue(queue).arguments
        dead_letters = topology.dead_letter_routing_key(queue)
        channel["description"] = (
            f"Durable queue with arguments {arguments}: a command that fails again after "
            f"redelivery, or expires unconsumed, goes to `{dead_letters}`."
        )
    for name, message in document["components"]["messages"].items():
        for queue, payload in payloads.items():
            if name.startswith(f"{queue}:"):
                message["payload"] = payload
    for name, operation in document["operations"].items():
        answers = (
            ["RpcReply", "WalletBatchReply"]
            if name.startswith(topology.WALLET_QUEUE)
            else ["RpcReply"]
        )
        operation["reply"] = {
            "address": {"location": "$message.header#/reply_to"},
            "messages": [{"$ref": f"#/components/messages/{answer}"} for answer in answers],
        }
    return document


def _schema(name: str, kind: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """Adds `kind`'s JSON schema (and its nested models) to `schemas`; a reference to it."""
    if isinstance(kind, type):
        _, definitions = models_json_schema([(kind, "serialization")], ref_template=_REF)
        schemas.update(definitions.get("$defs", {}))
        return {"$ref": _REF.format(model=name)}
    schema = TypeAdapter(kind).json_schema(ref_template=_REF, by_alias=True)
    schemas.update(schema.pop("$defs", {}))
    schemas[name] = schema
    return {"$ref": _REF.format(model=name)}
