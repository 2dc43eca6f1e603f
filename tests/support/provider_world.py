"""Reads of the provider's database, for tests that check both sides agree.

The casino's ledger is the authority on money; the provider's bet rows record what it
asked for and what it was told. After a round, every call the provider made must stand
in the casino's ledger with the same type, amount and outcome, and nothing else may.
"""

from __future__ import annotations

import asyncpg

from tests.support.casino_world import CasinoWorld, Player
from tests.support.infrastructure import plain_url

CASINO_TYPE = {"bet": "debit", "payout": "credit", "rollback": "rollback"}


class ProviderWorld:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, database_url: str) -> ProviderWorld:
        return cls(await asyncpg.create_pool(plain_url(database_url), min_size=1, max_size=2))

    async def close(self) -> None:
        await self.pool.close()

    async def bets(self, round_id: str) -> list[asyncpg.Record]:
        return list(
            await self.pool.fetch(
                "SELECT transaction_id, type, amount, status, error_code, attempts"
                " FROM provider_bets WHERE round_id = $1::uuid ORDER BY created_at, id",
                round_id,
            )
        )

    async def round_status(self, round_id: str) -> str:
        return str(
            await self.pool.fetchval(
                "SELECT status FROM provider_game_rounds WHERE id = $1::uuid", round_id
            )
        )

    async def assert_agrees_with_casino(
        self, round_id: str, casino: CasinoWorld, player: Player
    ) -> None:
        """Every call of the round is in the casino's ledger as the provider recorded it."""
        bets = await self.bets(round_id)
        assert bets, f"the provider recorded no calls for round {round_id}"
        ledger = {
            row["transaction_id"]: row
            for row in await casino.ledger(player)
            if row["round_id"] == round_id
            or row["transaction_id"] in {b["transaction_id"] for b in bets}
        }
        assert set(ledger) == {bet["transaction_id"] for bet in bets}
        for bet in bets:
            row = ledger[bet["transaction_id"]]
            assert row["type"] == CASINO_TYPE[bet["type"]], bet
            assert bet["status"] == row["outcome"], (dict(bet), dict(row))
            assert bet["error_code"] == row["error_code"], (dict(bet), dict(row))
            if bet["type"] != "rollback" and row["outcome"] == "accepted":
                assert bet["amount"] == row["amount"], (dict(bet), dict(row))
