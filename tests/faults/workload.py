"""A mixed workload of concurrent rounds through the gateway, bounded in time.

Several players play rounds at once through `POST /casino/simulateRound`: bets, wins
naming a bet or not, rollbacks, losing rounds. Every request has a client timeout just
past the gateway's own lobby timeout; a request that outlives it is a hang, recorded
(and failed on) rather than waited for.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.casino_world import Player


def random_round(rng: random.Random, player: Player, game_id: str) -> dict[str, Any]:
    bets = [{"amount": rng.randint(1, 500)} for _ in range(rng.randint(1, 3))]
    wins = [
        {"amount": rng.choice([0, rng.randint(1, 1500)]), "relatedBetIndex": index}
        for index in range(len(bets))
        if rng.random() < 0.6
    ]
    rollbacks = [{"betIndex": index} for index in range(len(bets)) if rng.random() < 0.2]
    return {
        "userId": str(player.user_id),
        "gameId": game_id,
        "bets": bets,
        "wins": wins,
        "rollbacks": rollbacks,
    }


@dataclass
class Workload:
    """Rounds played by `concurrency` callers until stopped."""

    http: httpx.AsyncClient
    players: list[Player]
    game_id: str
    headers: dict[str, str]
    request_timeout: float
    concurrency: int = 8
    seed: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    hangs: list[str] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def rounds(self) -> int:
        return sum(self.statuses.values())

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._caller(index)) for index in range(self.concurrency)
        ]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _caller(self, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        while not self._stop.is_set():
            body = random_round(rng, rng.choice(self.players), self.game_id)
            try:
                response = await self.http.post(
                    "/casino/simulateRound",
                    json=body,
                    headers=self.headers,
                    timeout=self.request_timeout,
                )
            except httpx.TimeoutException as error:
                self.hangs.append(repr(error))
                continue
            except httpx.TransportError as error:
                self.statuses[type(error).__name__] += 1
                await asyncio.sleep(0.2)
                continue
            self.statuses[str(response.status_code)] += 1
            if response.status_code >= 500:
                await asyncio.sleep(0.2)  # the system is hurt: do not spin
