"""Reads of the provider's database, for tests that check both sides agree.

The casino's ledger is the authority on money; the provider's bet rows record what it
asked for and what it was told. After a round, every call the provider made must stand
in the casino's ledger with the same type, amount and outcome, and nothing else may.
"""

from __future__ import annotations

import asyncpg

from tests.support.casino_world import CasinoWorld, Player
from tests.support.infrastructure import plain_url

CASINO_TYPE = {
    "bet": "debit",
    "payout": "credit",
    "rollback": "rollback",
    "end_round": "end_round",
}


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
        """Every call the provider settled is in the casino's ledger as it recorded it; a
        call whose outcome it never heard (`unknown`) left no charge behind; and the casino
        holds nothing for the round that the provider did not send."""
        bets = await self.bets(round_id)
        assert bets, f"the provider recorded no calls for round {round_id}"
        sent = {bet["transaction_id"] for bet in bets}
        rows = await casino.ledger(player)
        ledger = {r["transaction_id"]: r for r in rows if r["transaction_id"] in sent}
        strays = [r["transaction_id"] for r in rows if r["round_id"] == round_id]
        assert set(strays) <= sent, f"casino rows the provider never sent: {set(strays) - sent}"
        for bet in bets:
            row = ledger.get(bet["transaction_id"])
            if bet["status"] == "unknown":
                assert row is None or not _charged(row, rows), (dict(bet), row and dict(row))
                continue
            assert row is not None, f"the casino has no row for {dict(bet)}"
            assert row["type"] == CASINO_TYPE[bet["type"]], bet
            assert bet["status"] == row["outcome"], (dict(bet), dict(row))
            assert bet["error_code"] == row["error_code"], (dict(bet), dict(row))
            if bet["type"] != "rollback" and row["outcome"] == "accepted":
                assert bet["amount"] == row["amount"], (dict(bet), dict(row))


def _charged(bet: asyncpg.Record, rows: list[asyncpg.Record]) -> bool:
    """Whether a bet row took money that no accepted rollback gave back."""
    if bet["type"] != "debit" or bet["outcome"] != "accepted":
        return False
    return not any(
        r["type"] == "rollback"
        and r["outcome"] == "accepted"
        and r["original_transaction_id"] == bet["transaction_id"]
        and r["amount"] == bet["amount"]
        for r in rows
    )
