"""The RabbitMQ topology, declared in one place: exchanges, queues and their arguments.

Pure data, no I/O. Every service that declares a queue builds it from here, so all
declare exactly the same arguments: RabbitMQ refuses a redeclaration whose arguments
differ (PRECONDITION_FAILED) and closes the channel.

- Commands go through the default exchange straight to a durable command queue
  (`casino.wallet.v2`, `casino.lobby.v2`). Each carries a per-message `expiration` equal to
  the gateway's timeout (set by the gateway's RPC client), so a command nobody waits for
  any more is dropped, never applied late by surprise; there is no queue-wide TTL,
  because wallet and lobby commands have different timeouts.
- A command queue dead-letters to the durable direct exchange `casino.dead-letter` with
  routing key `<queue>.dead`, bound to the durable queue `<queue>.dead`. Two kinds of
  message end there, told apart by their `x-death` header: `rejected` (a poison message
  that failed again after redelivery; see `casino.consuming.dead_letter`) and `expired` (a command
  that waited out its caller's timeout unconsumed). They are kept for an operator for
  `DEAD_LETTER_RETENTION_MS`, and are never replayed automatically: the caller has long
  had its 503 and retries with the same transactionId.
- Replies go to each gateway's own exclusive, auto-delete reply queue (`gateway.rpc`).

Why the `.v2` in the names: the first queues (`casino.wallet`, `casino.lobby`) were
declared without arguments, and a durable queue's arguments cannot change. A change of
arguments therefore comes with a new name; the old queue is left to drain and can be
deleted by hand (`rabbitmqctl delete_queue casino.wallet`).
"""

from dataclasses import dataclass, field
from typing import Any

WALLET_QUEUE = "casino.wallet.v2"
LOBBY_QUEUE = "casino.lobby.v2"
DEAD_LETTER_EXCHANGE = "casino.dead-letter"
DEAD_LETTER_EXCHANGE_TYPE = "direct"
DEAD_LETTER_SUFFIX = ".dead"
# A week: time to look at a poison message, bounded so the queue cannot grow for ever.
DEAD_LETTER_RETENTION_MS = 7 * 24 * 3600 * 1000


@dataclass(frozen=True)
class QueueSpec:
    """One durable queue, as every service declares it."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    durable: bool = True


def registry_queue(lobby_queue: str) -> str:
    """Where gateways ask the lobby process for the provider registry (`contracts.registry`):
    a queue of its own, so the question never waits behind a slow simulateRound, named
    after the lobby's, so that a stack (or a test run) with its own lobby queue has its own."""
    return f"{lobby_queue}.registry"


def dead_letter_routing_key(command_queue: str) -> str:
    """Where a command queue's dead letters are routed, and the name of the queue they land in."""
    return f"{command_queue}{DEAD_LETTER_SUFFIX}"


def command_queue(name: str) -> QueueSpec:
    """A command queue (wallet or lobby, or a test run's own) with its dead-lettering."""
    return QueueSpec(
        name,
        {
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": dead_letter_routing_key(name),
        },
    )


def dead_letter_queue(command_queue_name: str) -> QueueSpec:
    """Where the command queue's poison and expired messages are kept for an operator."""
    return QueueSpec(
        dead_letter_routing_key(command_queue_name),
        {"x-message-ttl": DEAD_LETTER_RETENTION_MS},
    )


def definitions(command_queues: tuple[str, ...] = (WALLET_QUEUE, LOBBY_QUEUE)) -> dict[str, Any]:
    """The topology in RabbitMQ's definitions format (deploy/rabbitmq/definitions.json), for
    operators to read or import. The services still declare it themselves at start-up."""
    queues = [
        spec for name in command_queues for spec in (command_queue(name), dead_letter_queue(name))
    ]
    return {
        "vhosts": [{"name": "/"}],
        "exchanges": [
            {
                "name": DEAD_LETTER_EXCHANGE,
                "vhost": "/",
                "type": DEAD_LETTER_EXCHANGE_TYPE,
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            }
        ],
        "queues": [
            {
                "name": spec.name,
                "vhost": "/",
                "durable": spec.durable,
                "auto_delete": False,
                "arguments": {"x-queue-type": "classic", **spec.arguments},
            }
            for spec in queues
        ],
        "bindings": [
            {
                "source": DEAD_LETTER_EXCHANGE,
                "vhost": "/",
                "destination": dead_letter_routing_key(name),
                "destination_type": "queue",
                "routing_key": dead_letter_routing_key(name),
                "arguments": {},
            }
            for name in command_queues
        ],
    }
