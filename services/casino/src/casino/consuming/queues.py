"""The casino's side of the RabbitMQ topology (`contracts.topology`), with FastStream.

The command queues are declared by their subscribers when they start; the dead-letter
exchange, queue and binding by `declare_dead_letters`, once connected. All come from the
same `contracts.topology` data, so the wallet workers, the lobbies and a test run's own
queues all declare identical arguments.
"""

from typing import Any, cast

from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue

from contracts import topology


def command_queue(name: str) -> RabbitQueue:
    """The durable queue a consumer of commands subscribes to, with its dead-lettering."""
    return _declared(topology.command_queue(name))


def wallet_partition(wallet_queue: str, partition: int) -> RabbitQueue:
    """Partition `partition` of the wallet, with its single active consumer."""
    return _declared(topology.wallet_partition(wallet_queue, partition))


def dead_letter_queue(command_queue_name: str) -> RabbitQueue:
    return _declared(topology.dead_letter_queue(command_queue_name))


def _declared(spec: topology.QueueSpec) -> RabbitQueue:
    # The arguments are the topology's, whatever FastStream's per-type hints say; its
    # `x-queue-type` among them, which overrides FastStream's default type.
    arguments = cast(Any, spec.arguments)
    if spec.arguments.get("x-queue-type") == QueueType.QUORUM.value:
        return RabbitQueue(spec.name, queue_type=QueueType.QUORUM, arguments=arguments)
    return RabbitQueue(spec.name, durable=spec.durable, arguments=arguments)


def dead_letter_exchange() -> RabbitExchange:
    return RabbitExchange(topology.DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT, durable=True)


async def declare_dead_letters(broker: RabbitBroker, command_queue_name: str) -> None:
    """Declare where `command_queue_name`'s rejected and expired messages go: without the
    bound queue, RabbitMQ would drop them (or, dead-lettering at least once, hold them)."""
    exchange = await broker.declare_exchange(dead_letter_exchange())
    queue = await broker.declare_queue(dead_letter_queue(command_queue_name))
    await queue.bind(exchange, routing_key=topology.dead_letter_routing_key(command_queue_name))
