"""The retry queue's migration on a database that already holds pending calls: each gets
the body it was sent with, rebuilt from its row, and is due at once."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from importlib.resources import files

import asyncpg
import pytest
import pytest_asyncio
from alembic import command
from alembic.config import Config

from contracts.wallet import CreditRequest, DebitRequest, RollbackRequest
from tests.support import infrastructure as infra

pytestmark = pytest.mark.integration


def upgrade(database_url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(files("provider") / "migrations"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, revision)


@pytest_asyncio.fixture(loop_scope="session")
async def database_at_0001(postgres_admin_url: str) -> AsyncIterator[str]:
    name = f"provider_migration_{infra.RUN_ID}_{uuid.uuid4().hex[:6]}"
    await infra.create_database(postgres_admin_url, name)
    url = infra.database_url(postgres_admin_url, name)
    await asyncio.to_thread(upgrade, url, "0001")
    yield url
    await infra.drop_database(postgres_admin_url, name)


def wire(request: DebitRequest | CreditRequest | RollbackRequest) -> dict[str, object]:
    return request.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)


async def test_calls_pending_before_the_queue_existed_get_their_bodies(
    database_at_0001: str,
) -> None:
    ids = {name: uuid.uuid4() for name in ("casino", "game", "user", "session", "round")}
    bets = {name: uuid.uuid4() for name in ("lost", "won", "payout", "rollback")}
    connection = await asyncpg.connect(infra.plain_url(database_at_0001))
    try:
        await connection.execute(
            "INSERT INTO provider_casinos (id, code, name) VALUES ($1, 'c', 'C')", ids["casino"]
        )
        await connection.execute(
            "INSERT INTO provider_games (id, code, name) VALUES ($1, 'g', 'G')", ids["game"]
        )
        await connection.execute(
            "INSERT INTO provider_casino_users (id, casino_id, casino_player_id)"
            " VALUES ($1, $2, 'p')",
            ids["user"],
            ids["casino"],
        )
        await connection.execute(
            "INSERT INTO provider_sessions (id, casino_id, casino_user_id, game_id,"
            " session_token, currency, opening_balance) VALUES ($1, $2, $3, $4, 'tok', 'USD', 0)",
            ids["session"],
            ids["casino"],
            ids["user"],
            ids["game"],
        )
        await connection.execute(
            "INSERT INTO provider_game_rounds (id, session_id, game_id) VALUES ($1, $2, $3)",
            ids["round"],
            ids["session"],
            ids["game"],
        )
        rows = [
            (bets["lost"], "bet", "bet-lost", 400, None, None, "pending"),
            (bets["won"], "bet", "bet-won", 100, None, None, "accepted"),
            (bets["payout"], "payout", "payout-1", 250, bets["won"], None, "pending"),
            (bets["rollback"], "rollback", "rollback-1", 400, bets["lost"], "why", "pending"),
        ]
        for bet_id, kind, transaction_id, amount, related, reason, status in rows:
            await connection.execute(
                "INSERT INTO provider_bets (id, round_id, type, transaction_id, amount,"
                " related_bet_id, reason, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                bet_id,
                ids["round"],
                kind,
                transaction_id,
                amount,
                related,
                reason,
                status,
            )
        await asyncio.to_thread(upgrade, database_at_0001, "head")
        stored = {
            row["id"]: row
            for row in await connection.fetch(
                "SELECT id, request_body::json AS body, next_attempt_at <= now() AS due"
                " FROM provider_bets"
            )
        }
    finally:
        await connection.close()

    round_id = str(ids["round"])

    def body(name: str) -> object:
        return json.loads(stored[bets[name]]["body"])

    assert body("lost") == wire(
        DebitRequest(session_token="tok", transaction_id="bet-lost", round_id=round_id, amount=400)
    )
    assert body("payout") == wire(
        CreditRequest(
            session_token="tok",
            transaction_id="payout-1",
            round_id=round_id,
            amount=250,
            related_transaction_id="bet-won",
        )
    )
    assert body("rollback") == wire(
        RollbackRequest(
            session_token="tok",
            transaction_id="rollback-1",
            original_transaction_id="bet-lost",
            reason="why",
        )
    )
    assert stored[bets["won"]]["body"] is None  # settled: nothing to send again
    assert all(stored[bets[name]]["due"] for name in ("lost", "payout", "rollback"))
