"""How wallet workers share the wallet's partitions (`contracts.topology.partition_queues`).

Every partition is a quorum queue with single active consumer: of all the consumers
subscribed to it, RabbitMQ delivers to one, the active one, and makes the next (in the
order they subscribed) active when it goes away (cancelled, channel or connection closed,
process killed: its connection drops). RabbitMQ 3.10 makes the *first* subscriber active
and never hands a queue back, so which worker serves a partition is decided by who
subscribes first. Hence:

- Each worker has a home share, the partitions `n` with `n % WALLET_WORKERS ==
  WALLET_WORKER_INDEX`, and subscribes to them as soon as it starts.
- It subscribes to every other partition WALLET_STANDBY_SECONDS later, as a standby. If
  the workers start within that delay of each other, each is then active on its home
  share and standby for the rest; when one stops or dies, RabbitMQ makes a standby of
  each of its partitions active within seconds (as soon as the broker sees the
  connection or channel close: at once on a clean stop or a killed process whose socket
  the kernel closes, after the heartbeat timeout for a vanished host).
- A worker that comes back (or starts late) is standby for its home share until the
  worker that took it over stops: RabbitMQ 3.10 has no hand-back. A rolling restart
  spreads the partitions again.

Each partition is consumed with a prefetch of 1: a worker decides one message (a command
or a gateway's batch) of a partition at a time, in the queue's order, so a session's
commands are applied in the order the gateway sent them; the partitions run side by side.
A message unacknowledged when its worker died is the first one RabbitMQ delivers to the
next active consumer (a quorum queue delivers returned messages first), and the ledger's
idempotency answers it from its first decision if that worker had committed it.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from faststream.rabbit import RabbitBroker
from faststream.rabbit.subscriber import RabbitSubscriber

from casino.consuming.broker import CommandHandler, subscribe
from casino.consuming.queues import wallet_partition

log = logging.getLogger(__name__)

PARTITION_PREFETCH = 1


@dataclass(frozen=True)
class PartitionShare:
    """Which of the wallet's `partitions` a worker serves first: its `home`."""

    partitions: int
    workers: int = 1
    index: int = 0

    def __post_init__(self) -> None:
        if self.partitions < 1 or self.workers < 1:
            raise ValueError("a share needs at least one partition and one worker")
        if not 0 <= self.index < self.workers:
            raise ValueError(f"worker index {self.index} is not one of 0..{self.workers - 1}")

    @property
    def home(self) -> tuple[int, ...]:
        return tuple(n for n in range(self.partitions) if n % self.workers == self.index)

    @property
    def standby(self) -> tuple[int, ...]:
        return tuple(n for n in range(self.partitions) if n % self.workers != self.index)


class PartitionConsumer:
    """A worker's subscribers on the wallet's partitions: the home share's registered on
    the broker (they start with it), the others started by `stand_by` after a delay."""

    def __init__(
        self,
        broker: RabbitBroker,
        wallet_queue: str,
        handler: CommandHandler,
        share: PartitionShare,
        *,
        standby_after: float,
    ) -> None:
        self._broker = broker
        self._wallet_queue = wallet_queue
        self._handler = handler
        self._share = share
        self._standby_after = standby_after
        self._standing_by: asyncio.Task[None] | None = None
        for partition in share.home:
            self._subscribe(partition)

    def _subscribe(self, partition: int) -> RabbitSubscriber:
        return subscribe(
            self._broker,
            wallet_partition(self._wallet_queue, partition),
            self._handler,
            prefetch=PARTITION_PREFETCH,
        )

    async def started(self) -> None:
        """The broker runs (home share consumed): stand by for the rest, later."""
        if self._share.standby:
            self._standing_by = asyncio.create_task(self._stand_by())

    async def stopping(self) -> None:
        """No more standby subscriptions: the worker is draining."""
        if self._standing_by is not None:
            self._standing_by.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._standing_by

    async def _stand_by(self) -> None:
        await asyncio.sleep(self._standby_after)
        for partition in self._share.standby:
            await self._subscribe(partition).start()
        log.info(
            "standing by for the other partitions",
            extra={"home": list(self._share.home), "standby": list(self._share.standby)},
        )
