"""The soak's load: signed wallet callbacks and whole rounds, each offered at a steady
rate, until the run's operations are used up.

Both are offered open loop: a request leaves at its time whether or not earlier ones
were answered, so a stall shows in the figures instead of slowing the offer, and a
request stuck until the gateway's timeout holds up no other. At most `max_outstanding`
of a kind are in flight; past that the load waits for a free slot, and after a stall it
catches up at most `MAX_BEHIND_S` of its schedule at once.

Wallet callbacks are what a provider sends (the benchmark's mix and bytes, signed with
HMAC-SHA256 and a timestamp by the wallet load's own provider, `wallet_provider`).
Rounds go through `POST /casino/simulateRound` (the lobby, the provider and its retrying
client, the faulty link, the wallet), the fault suite's random rounds over the players;
each step of each round is counted by type, status and code. Both use the benchmark's
keep-alive HTTP client.

Every request waits the gateway's own timeout plus a margin; one still unanswered then is
given up on and counted `NO_ANSWER`. Nothing per request is kept (`accounting`).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
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


@dataclass(frozen=True)
class LoadTarget:
    gateway_url: str
    provider_code: str  # the wallet load's provider, and its callback secret
    secret: str = field(repr=False)
    tokens: list[str] = field(repr=False)
    players: list[Player] = field(repr=False)
    game_id: str = ""
    operator_api_key: str = field(default="", repr=False)
    wallet_timeout_s: float = 0.0
    round_timeout_s: float = 0.0


@dataclass
class Load:
    target: LoadTarget
    accounting: Accounting
    started: float  # time.monotonic() at the run's start
    wallet_rate: float
    round_rate: float
    max_outstanding: int
    seed: int
    prefix: str
    round_steps: Counter[str] = field(default_factory=Counter)
    ended_at_s: float | None = None  # when the last operation was handed out

    async def run(self) -> None:
        workload = Workload(self.target.tokens, seed=self.seed, prefix=self.prefix)
        rng = random.Random(self.seed)
        wallet = self._client(self.target.wallet_timeout_s)
        rounds = self._client(self.target.round_timeout_s)
        try:
            await asyncio.gather(
                self._offer(
                    self.wallet_rate, self.max_outstanding, lambda: self._callback(wallet, workload)
                ),
                # As many rounds in flight as the offer makes before the first is given up
                # on: rounds held to the gateway's timeout never hold up the next.
                self._offer(
                    self.round_rate,
                    int(self.round_rate * (self.target.round_timeout_s + MARGIN_S)) + 1,
                    lambda: self._round(rounds, rng),
                ),
            )
        finally:
            await wallet.close()
            await rounds.close()

    def _client(self, gateway_timeout_s: float) -> KeepAliveClient:
        return KeepAliveClient(self.target.gateway_url, timeout_s=gateway_timeout_s + MARGIN_S)

    async def _offer(
        self, rate: float, max_outstanding: int, request: Callable[[], Awaitable[None]]
    ) -> None:
        """Send `request()` `rate` times a second while the budget lasts."""
        if rate <= 0:
            return
        slots = asyncio.Semaphore(max_outstanding)
        in_flight: set[asyncio.Task[None]] = set()

        async def one() -> None:
            try:
                await request()
            finally:
                slots.release()

        interval, due = 1 / rate, time.monotonic()
        while True:
            # Sleep even when late (for 0 s): the answers' tasks must get to run.
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            await slots.acquire()
            if not self._take():
                slots.release()
                break
            task = asyncio.create_task(one())
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            due = max(due + interval, time.monotonic() - MAX_BEHIND_S)
        await asyncio.gather(*in_flight)

    def _take(self) -> bool:
        if self.accounting.budget.take():
            return True
        if self.ended_at_s is None:
            self.ended_at_s = time.monotonic() - self.started
        return False

    async def _callback(self, http: KeepAliveClient, workload: Workload) -> None:
        operation = workload.next()
        raw = json.dumps(operation.body, separators=(",", ":")).encode()
        headers = {
            "content-type": "application/json",
            PROVIDER_CODE_HEADER: self.target.provider_code,
        } | signature_headers(
            raw, self.target.secret, CASINO_SIGNATURE_HEADER, timestamp=int(time.time())
        )
        code, _ = await self._post(
            http, "wallet", operation.kind, f"/casino/{operation.kind}", raw, headers
        )
        if code == OK and operation.bet is not None:
            workload.accepted(operation.bet)

    async def _round(self, http: KeepAliveClient, rng: random.Random) -> None:
        player = rng.choice(self.target.players)
        raw = json.dumps(random_round(rng, player, self.target.game_id)).encode()
        headers = {"content-type": "application/json", "x-api-key": self.target.operator_api_key}
        code, reply = await self._post(
            http, "round", "simulateRound", "/casino/simulateRound", raw, headers
        )
        if code == OK:
            for step in json.loads(reply).get("transactions", []):
                words = [step.get("type"), step.get("status"), step.get("code")]
                self.round_steps[" ".join(str(word) for word in words if word)] += 1

    async def _post(
        self,
        http: KeepAliveClient,
        stream: str,
        kind: str,
        path: str,
        raw: bytes,
        headers: dict[str, str],
    ) -> tuple[str, bytes]:
        """Send one request and record its outcome; its code and the reply's body."""
        sent, reply = time.monotonic(), b""
        try:
            status, reply = await http.post(path, raw, headers)
            code = outcome_code(status, reply)
        except TimeoutError:
            code = NO_ANSWER
        except (OSError, HttpError, asyncio.IncompleteReadError) as error:
            code = f"TRANSPORT_{type(error).__name__}"
        answered = time.monotonic()
        self.accounting.record(stream, kind, code, answered - sent, sent - self.started)
        return code, reply
