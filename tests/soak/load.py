"""The soak's load: signed wallet callbacks at a steady rate, and whole rounds, sent
until the run's operations are used up.

Wallet callbacks are what a provider sends (the benchmark's mix and bytes, signed with
HMAC-SHA256 and a timestamp by the wallet load's own provider, `wallet_provider`, over
the benchmark's keep-alive client), offered open loop
at `wallet_rate`: a stall does not slow the offer, so it shows in the figures. At most
`max_outstanding` are in flight; past that the load waits for a free slot, and after a
stall it catches up at most `MAX_BEHIND_S` of its schedule at once.

Rounds go through `POST /casino/simulateRound` (the lobby, the provider and its retrying
client, the faulty link, the wallet), played by `round_callers` callers one after the
other, as the fault suite's workload does; each step of each round is counted by type,
status and code.

Every request waits the gateway's own timeout plus a margin; one still unanswered then is
given up on and counted `NO_ANSWER`. Nothing per request is kept (`accounting`).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from contracts.signing import CASINO_SIGNATURE_HEADER, PROVIDER_CODE_HEADER, signature_headers
from tests.benchmark.http_client import HttpError, KeepAliveClient
from tests.benchmark.loadgen import outcome_code
from tests.benchmark.workload import Workload
from tests.faults.workload import random_round
from tests.soak.accounting import NO_ANSWER, OK, Accounting
from tests.support.casino_world import Player

MARGIN_S = 5.0
MAX_BEHIND_S = 1.0
PAUSE_AFTER_FAILURE_S = 0.2  # a round caller facing a hurt system does not spin


@dataclass(frozen=True)
class LoadTarget:
    gateway_url: str
    provider_code: str  # the wallet load's provider, and its callback secret
    secret: str = field(repr=False)
    tokens: list[str] = field(repr=False)
    players: list[Player]
    game_id: str
    operator_api_key: str
    wallet_timeout_s: float
    round_timeout_s: float


@dataclass
class Load:
    target: LoadTarget
    accounting: Accounting
    started: float  # time.monotonic() at the run's start
    wallet_rate: float
    round_callers: int
    max_outstanding: int
    seed: int
    prefix: str
    round_steps: Counter[str] = field(default_factory=Counter)
    ended_at_s: float | None = None  # when the last operation was handed out

    async def run(self) -> None:
        callers = [self._rounds(index) for index in range(self.round_callers)]
        await asyncio.gather(self._wallet_load(), *callers)

    def _take(self) -> bool:
        if self.accounting.budget.take():
            return True
        if self.ended_at_s is None:
            self.ended_at_s = time.monotonic() - self.started
        return False

    async def _wallet_load(self) -> None:
        workload = Workload(self.target.tokens, seed=self.seed, prefix=self.prefix)
        http = KeepAliveClient(
            self.target.gateway_url, timeout_s=self.target.wallet_timeout_s + MARGIN_S
        )
        slots = asyncio.Semaphore(self.max_outstanding)
        in_flight: set[asyncio.Task[None]] = set()
        interval, due = 1 / self.wallet_rate, time.monotonic()
        try:
            while True:
                # Sleep even when late (for 0 s): the answers' tasks must get to run.
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                await slots.acquire()
                if not self._take():
                    slots.release()
                    break
                task = asyncio.create_task(self._callback(http, workload, slots))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
                due = max(due + interval, time.monotonic() - MAX_BEHIND_S)
            await asyncio.gather(*in_flight)
        finally:
            await http.close()

    async def _callback(
        self, http: KeepAliveClient, workload: Workload, slots: asyncio.Semaphore
    ) -> None:
        operation = workload.next()
        raw = json.dumps(operation.body, separators=(",", ":")).encode()
        headers = {
            "content-type": "application/json",
            PROVIDER_CODE_HEADER: self.target.provider_code,
        } | signature_headers(
            raw, self.target.secret, CASINO_SIGNATURE_HEADER, timestamp=int(time.time())
        )
        sent = time.monotonic()
        try:
            status, reply = await http.post(f"/casino/{operation.kind}", raw, headers)
            code = outcome_code(status, reply)
        except TimeoutError:
            code = NO_ANSWER
        except (OSError, HttpError, asyncio.IncompleteReadError) as error:
            code = f"TRANSPORT_{type(error).__name__}"
        finally:
            slots.release()
        answered = time.monotonic()
        if code == OK and operation.bet is not None:
            workload.accepted(operation.bet)
        self.accounting.record(
            "wallet", operation.kind, code, answered - sent, answered - self.started
        )

    async def _rounds(self, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        http = KeepAliveClient(
            self.target.gateway_url, timeout_s=self.target.round_timeout_s + MARGIN_S
        )
        headers = {"content-type": "application/json", "x-api-key": self.target.operator_api_key}
        try:
            while self._take():
                player = rng.choice(self.target.players)
                body = json.dumps(random_round(rng, player, self.target.game_id)).encode()
                sent = time.monotonic()
                try:
                    status, reply = await http.post("/casino/simulateRound", body, headers)
                    code = outcome_code(status, reply)
                except TimeoutError:
                    code = NO_ANSWER
                except (OSError, HttpError, asyncio.IncompleteReadError) as error:
                    code = f"TRANSPORT_{type(error).__name__}"
                answered = time.monotonic()
                if code == OK:
                    self._count_steps(reply)
                self.accounting.record(
                    "round", "simulateRound", code, answered - sent, answered - self.started
                )
                if code != OK:
                    await asyncio.sleep(PAUSE_AFTER_FAILURE_S)
        finally:
            await http.close()

    def _count_steps(self, reply: bytes) -> None:
        """Each step of a played round by type, status and code (`bet accepted`,
        `payout rejected TRANSACTION_ROLLED_BACK`, `bet unknown`…)."""
        for step in json.loads(reply).get("transactions", []):
            words = [step.get("type"), step.get("status"), step.get("code")]
            self.round_steps[" ".join(str(word) for word in words if word)] += 1
