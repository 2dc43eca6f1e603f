"""The faults the soak injects, by kind: the fault suite's own injections
(`tests/faults/test_faults.py`), and one of its own, the provider SIGKILLed and
restarted, whose pending calls its retry queue must then settle.

An injection returns once the fault is over and the hurt part is started again (a
killed process restarted, a stopped server started); what the system then needs to
recover is measured from the load, not here. Before each injection the soak waits for a
healthy system (`SoakSystem.healthy`), so a fault never lands on the last one's ruins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tests.faults.conftest import FaultSystem
from tests.faults.test_faults import (
    DOWN_SECONDS,
    close_broker_connections,
    delay_the_link,
    drop_the_link,
    kill_and_restart_the_worker,
    restart_postgres,
    restart_rabbitmq,
)
from tests.support.processes import http_ready, wait_until

Inject = Callable[[FaultSystem], Awaitable[int]]


async def kill_and_restart_the_provider(fs: FaultSystem) -> int:
    [provider] = [p for p in fs.system.others if p.name == "provider"]
    provider.kill()  # SIGKILL: its calls in flight stay pending in its database
    await asyncio.sleep(DOWN_SECONDS)
    provider.start()
    await wait_until(
        lambda: http_ready(f"{fs.system.provider_url}/ready"), "the provider", process=provider
    )
    return 1


@dataclass(frozen=True)
class FaultKind:
    description: str
    inject: Inject
    restarts_servers: bool = False  # stops the machine's PostgreSQL or RabbitMQ


FAULTS: dict[str, FaultKind] = {
    "worker-kill": FaultKind("wallet worker SIGKILLed and restarted", kill_and_restart_the_worker),
    "broker-connections": FaultKind(
        "broker connections of gateway, worker and lobby closed", close_broker_connections
    ),
    "rabbitmq-restart": FaultKind("RabbitMQ restarted", restart_rabbitmq, restarts_servers=True),
    "postgres-restart": FaultKind(
        "PostgreSQL stopped (immediate) and started", restart_postgres, restarts_servers=True
    ),
    "provider-kill": FaultKind("provider SIGKILLed and restarted", kill_and_restart_the_provider),
    "link-drop": FaultKind("provider-gateway link dropped (1.5 s)", drop_the_link),
    "link-delay": FaultKind("provider-gateway link delayed (0.5 s per chunk, 3 s)", delay_the_link),
}
# Every kind but the link delay, which only slows what the link drop breaks: chosen
# with `--faults` when wanted.
DEFAULT_KINDS = [kind for kind in FAULTS if kind != "link-delay"]
