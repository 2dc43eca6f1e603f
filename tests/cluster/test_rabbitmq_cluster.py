"""Three local RabbitMQ nodes form one cluster, and a quorum queue on it survives the loss
of the node that leads it: what the partitioned wallet queues will stand on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aio_pika
import pytest
from pamqp.common import FieldTable

from tests.support.cluster import ClusterInfo

pytestmark = pytest.mark.cluster

QUORUM: FieldTable = {"x-queue-type": "quorum"}
WITHIN_SECONDS = 30


async def declare_quorum_queue(url: str, name: str) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        await channel.declare_queue(name, durable=True, arguments=QUORUM)


async def publish_confirmed(url: str, name: str, *bodies: bytes) -> None:
    """Publish and wait for each publisher confirm: a quorum queue confirms once a majority
    of its members has the message."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        for body in bodies:
            await channel.default_exchange.publish(
                aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=name,
                mandatory=True,
                timeout=WITHIN_SECONDS,
            )


async def consume(url: str, name: str, count: int) -> list[bytes]:
    """The bodies of the next `count` deliveries, each acknowledged."""
    bodies: list[bytes] = []
    connection = await aio_pika.connect(url)
    async with connection, asyncio.timeout(WITHIN_SECONDS):
        channel = await connection.channel()
        queue = await channel.get_queue(name, ensure=False)
        async with queue.iterator() as deliveries:
            async for message in deliveries:
                await message.ack()
                bodies.append(message.body)
                if len(bodies) == count:
                    break
    return bodies


def eventually(check: str, condition: Callable[[], bool], within: float = WITHIN_SECONDS) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {check}")
        time.sleep(0.5)


def test_the_nodes_form_one_cluster(rabbitmq_cluster: ClusterInfo) -> None:
    everyone = set(rabbitmq_cluster.node_names)
    assert len(everyone) == 3
    assert len(rabbitmq_cluster.urls) == 3
    for node in (1, 3):
        assert rabbitmq_cluster.running_nodes(asking=node) == everyone


async def test_a_quorum_queue_declared_on_node_1_has_a_member_on_every_node(
    rabbitmq_cluster: ClusterInfo, unique: str
) -> None:
    name = f"cluster-test-{unique}"
    await declare_quorum_queue(rabbitmq_cluster.urls[0], name)

    queue = rabbitmq_cluster.quorum_queue(name)
    assert queue["type"] == "quorum"
    assert set(queue["members"]) == set(rabbitmq_cluster.node_names)
    assert queue["leader"] in rabbitmq_cluster.node_names


async def test_a_message_confirmed_on_node_1_is_consumed_on_node_3(
    rabbitmq_cluster: ClusterInfo, unique: str
) -> None:
    name = f"cluster-test-{unique}"
    first, third = rabbitmq_cluster.urls[0], rabbitmq_cluster.urls[2]
    await declare_quorum_queue(first, name)

    await publish_confirmed(first, name, b"bet 1", b"bet 2")

    assert await consume(third, name, 2) == [b"bet 1", b"bet 2"]


async def test_the_queue_survives_the_loss_of_its_leaders_node(
    rabbitmq_cluster: ClusterInfo, unique: str
) -> None:
    """Stop the node that leads the queue: another member leads, what was confirmed before
    is still there, publishing and consuming go on, and the node rejoins when started."""
    name = f"cluster-test-{unique}"
    await declare_quorum_queue(rabbitmq_cluster.urls[0], name)
    await publish_confirmed(rabbitmq_cluster.urls[0], name, b"before the loss")
    old_leader = rabbitmq_cluster.queue_leader(name)
    lost = rabbitmq_cluster.node_index(old_leader)
    survivors = [i for i in (1, 2, 3) if i != lost]
    survivor_urls = [rabbitmq_cluster.urls[i - 1] for i in survivors]

    await asyncio.to_thread(rabbitmq_cluster.stop_node, lost)
    try:
        await publish_confirmed(survivor_urls[0], name, b"after the loss")
        await asyncio.to_thread(
            eventually,
            "a surviving member leads the queue",
            lambda: (
                rabbitmq_cluster.queue_leader(name)
                in {rabbitmq_cluster.node_names[i - 1] for i in survivors}
            ),
        )
        assert await consume(survivor_urls[1], name, 2) == [b"before the loss", b"after the loss"]
    finally:
        await asyncio.to_thread(rabbitmq_cluster.start_node, lost)

    everyone = set(rabbitmq_cluster.node_names)
    await asyncio.to_thread(rabbitmq_cluster.wait_until_running, everyone)
    await asyncio.to_thread(
        eventually,
        "the restarted node is an online member of the queue again",
        lambda: old_leader in rabbitmq_cluster.quorum_queue(name)["online"],
    )
    await publish_confirmed(rabbitmq_cluster.urls[lost - 1], name, b"back")
    assert await consume(rabbitmq_cluster.urls[lost - 1], name, 1) == [b"back"]
