"""The RabbitMQ topology, declared in one place: exchanges, queues and their arguments.

Pure data, no I/O. Every service that declares a queue builds it from here, so all
declare exactly the same arguments: RabbitMQ refuses a redeclaration whose arguments
differ (PRECONDITION_FAILED) and closes the channel.

- Commands go through the default exchange straight to durable command queues. Wallet
  commands are spread over WALLET_PARTITIONS partition queues `<WALLET_QUEUE>.p<n>`
  (n = 0..P-1; `casino.wallet.v3.p0` …): the gateway picks a command's partition from a
  stable hash of its session token, so one session's commands always share a queue. Each
  partition is a quorum queue with single active consumer: one worker at a time takes
  its commands, in the order they were sent (docs/SCALING.md). The gateways and the
  workers must be given the same WALLET_PARTITIONS. Lobby commands go to one quorum queue
  (`casino.lobby.v3`) that any number of lobbies consume at once.
- Each command carries a per-message `expiration` equal to the gateway's timeout (set by
  the gateway's RPC client), so a command nobody waits for any more is dropped, never
  applied late by surprise; there is no queue-wide TTL, because wallet and lobby commands
  have different timeouts. (Quorum queues honour per-message TTL from RabbitMQ 3.10.)
- A command queue dead-letters to the durable direct exchange `casino.dead-letter` with
  routing key `<queue>.dead` (every wallet partition to `<WALLET_QUEUE>.dead`, so an
  operator has one place to look), bound to the durable classic queue of that name.
  Dead-lettering is at-least-once (`x-dead-letter-strategy`, which requires
  `x-overflow: reject-publish`): the quorum queue keeps a dead letter until the
  dead-letter queue has confirmed it. `x-delivery-limit` bounds how often one message is
  delivered, so a message that kills its consumer every time cannot loop for ever. Two
  kinds of message end there, told apart by their `x-death` header: `rejected` (a poison
  message that failed again after redelivery, see `casino.consuming.dead_letter`; or
  `delivery_limit`) and `expired` (a command that waited out its caller's timeout
  unconsumed). They are kept for an operator for `DEAD_LETTER_RETENTION_MS`, and are
  never replayed automatically: the caller has long had its 503 and retries with the
  same transactionId. The dead-letter queues stay classic: an operator reads them by
  basic.get without acknowledging, which gives each message back at its own place.
- The lobby's registry queue (`<LOBBY_QUEUE>.registry`) stays a classic queue: a
  question is cheap to lose (a gateway asks again within seconds), so a quorum queue's
  replicated write would buy nothing.
- Replies go to each gateway's own exclusive, auto-delete reply queue (`gateway.rpc`):
  an exclusive queue cannot be a quorum queue.

Why the `.v2`, `.v3` in the names: a durable queue's arguments cannot change. A change of
arguments (`.v2`: dead-lettering; `.v3`: quorum queues) therefore comes with a new name;
the old queue is left to drain and can be deleted by hand
(`rabbitmqctl delete_queue casino.wallet.v2`).
"""

from dataclasses import dataclass, field
from typing import Any

WALLET_QUEUE = "casino.wallet.v3"
LOBBY_QUEUE = "casino.lobby.v3"
# How many partition queues the wallet's commands are spread over: the most wallet workers
# that can be busy at once. Gateways and workers must agree on it.
WALLET_PARTITIONS = 8
PARTITION_SEPARATOR = ".p"
REGISTRY_SUFFIX = ".registry"
# Deliveries of one message before it is dead-lettered (`delivery_limit`): a redelivery
# after a worker died is normal, five in a row is a message that kills its consumer.
DELIVERY_LIMIT = 5
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
    return f"{lobby_queue}{REGISTRY_SUFFIX}"


def dead_letter_routing_key(command_queue: str) -> str:
    """Where a command queue's dead letters are routed, and the name of the queue they land in."""
    return f"{command_queue}{DEAD_LETTER_SUFFIX}"


def partition_queue(wallet_queue: str, partition: int) -> str:
    """The name of the wallet's partition `partition` (0-based)."""
    return f"{wallet_queue}{PARTITION_SEPARATOR}{partition}"


def partition_queues(wallet_queue: str, partitions: int = WALLET_PARTITIONS) -> tuple[str, ...]:
    """Every partition queue of `wallet_queue`, in partition order."""
    if partitions < 1:
        raise ValueError(f"the wallet needs at least one partition, not {partitions}")
    return tuple(partition_queue(wallet_queue, n) for n in range(partitions))


def command_queue(name: str, *, dead_letters: str | None = None) -> QueueSpec:
    """A command queue (the lobby's, or a test run's own): a quorum queue that any number
    of consumers share, dead-lettering at least once to `<dead_letters or name>.dead`.

    A registry queue (`registry_queue`) is the exception: classic, as the module says."""
    if name.endswith(REGISTRY_SUFFIX):
        return QueueSpec(
            name,
            {
                "x-queue-type": "classic",
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": dead_letter_routing_key(name),
            },
        )
    return QueueSpec(
        name,
        {
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": dead_letter_routing_key(dead_letters or name),
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        },
    )


def wallet_partition(wallet_queue: str, partition: int) -> QueueSpec:
    """Partition `partition` of the wallet: a command queue with a single active consumer,
    so one worker at a time decides its commands, in order; dead letters to the wallet's
    one dead-letter queue."""
    spec = command_queue(partition_queue(wallet_queue, partition), dead_letters=wallet_queue)
    return QueueSpec(spec.name, {**spec.arguments, "x-single-active-consumer": True})


def dead_letter_queue(command_queue_name: str) -> QueueSpec:
    """Where the command queue's poison and expired messages are kept for an operator."""
    return QueueSpec(
        dead_letter_routing_key(command_queue_name),
        {"x-message-ttl": DEAD_LETTER_RETENTION_MS},
    )


def definitions(
    wallet_queue: str = WALLET_QUEUE,
    lobby_queue: str = LOBBY_QUEUE,
    partitions: int = WALLET_PARTITIONS,
) -> dict[str, Any]:
    """The topology in RabbitMQ's definitions format (deploy/rabbitmq/definitions.json), for
    operators to read or import. The services still declare it themselves at start-up."""
    dead_letter_owners = (wallet_queue, lobby_queue)
    queues = [
        *(wallet_partition(wallet_queue, n) for n in range(partitions)),
        command_queue(lobby_queue),
        *(dead_letter_queue(name) for name in dead_letter_owners),
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
            for name in dead_letter_owners
        ],
    }
