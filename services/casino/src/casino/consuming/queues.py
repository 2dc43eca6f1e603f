"""The casino's side of the RabbitMQ topology (`contracts.topology`), with FastStream.

The command queue is declared by its subscriber when the broker starts; the dead-letter
exchange, queue and binding by `declare_dead_letters`, once connected. Both come from the
same `contracts.topology` data, so the wallet worker, the lobby and a test run's own
queues all declare identical arguments.
"""

from typing import cast

from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.schemas.queue import ClassicQueueArgs

from contracts import topology


def command_queue(name: str) -> RabbitQueue:
    """The durable queue a consumer of commands subscribes to, with its dead-lettering."""
    return _classic(topology.command_queue(name))


def dead_letter_queue(command_queue_name: str) -> RabbitQueue:
    return _classic(topology.dead_letter_queue(command_queue_name))


def _classic(spec: topology.QueueSpec) -> RabbitQueue:
    return RabbitQueue(
        spec.name, durable=spec.durable, arguments=cast(ClassicQueueArgs, spec.arguments)
    )


def dead_letter_exchange() -> RabbitExchange:
    return RabbitExchange(topology.DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT, durable=True)


async def declare_dead_letters(broker: RabbitBroker, command_queue_name: str) -> None:
    """Declare where `command_queue_name`'s rejected and expired messages go: without the
    bound queue, RabbitMQ would silently drop them."""
    exchange = await broker.declare_exchange(dead_letter_exchange())
    queue = await broker.declare_queue(dead_letter_queue(command_queue_name))
    await queue.bind(exchange, routing_key=topology.dead_letter_routing_key(command_queue_name))
