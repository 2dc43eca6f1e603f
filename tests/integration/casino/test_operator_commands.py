"""The operator's `casino` commands for limits, exclusions and free rounds, run as the
console script against the session's database: what they print, what they store, and
their refusals (exit 1 with the code)."""

import asyncio
import datetime as dt
import json
import os
import uuid
from typing import Any

from sqlalchemy import text

from casino.database import Database
from casino.tools.seed import create_player
from tests.support.processes import free_port


async def _casino(database_url: str, *args: str, **env: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        *args,
        env={**os.environ, "CASINO_DATABASE_URL": database_url, **env},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def _json(database_url: str, *args: str, **env: str) -> tuple[int, Any]:
    status, out = await _casino(database_url, *args, "--json", **env)
    return status, json.loads(out)


async def test_limits_set_and_show(casino_database_url: str, database: Database) -> None:
    user = str((await create_player(database, 0, "USD")).user_id)
    status, limits = await _json(
        casino_database_url,
        "limits", "set", "--user", user, "--currency", "USD", "--max-bet", "500",
        "--daily-loss", "5000",
    )  # fmt: skip
    assert status == 0
    assert limits["limits"]["maxBet"] == 500
    assert limits["limits"]["dailyLossLimit"] == 5000
    status, raised = await _json(
        casino_database_url,
        "limits", "set", "--user", user, "--currency", "USD", "--daily-loss", "none",
        "--max-bet", "100",
    )  # fmt: skip
    assert status == 0
    assert raised["limits"]["maxBet"] == 100
    assert raised["limits"]["dailyLossLimit"] == 5000
    assert [(p["limit"], p["value"]) for p in raised["pending"]] == [("dailyLossLimit", None)]
    status, shown = await _casino(
        casino_database_url, "limits", "show", "--user", user, "--currency", "USD"
    )
    assert status == 0
    assert "maxBet: 1.00 USD" in shown
    assert "pending: dailyLossLimit becomes none at" in shown
    async with database.begin() as db:
        set_by = await db.scalar(
            text("SELECT DISTINCT set_by FROM casino_player_limits WHERE user_id = :u"),
            {"u": uuid.UUID(user)},
        )
    assert set_by == "cli"


async def test_exclusion_set_and_show(casino_database_url: str, database: Database) -> None:
    user = str((await create_player(database, 0, "USD")).user_id)
    _, before = await _casino(casino_database_url, "exclusion", "show", "--user", user)
    assert before.strip() == f"{user} is not excluded"
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    status, excluded = await _json(
        casino_database_url, "exclusion", "set", "--user", user, "--until", until
    )
    assert status == 0
    assert (excluded["excluded"], excluded["permanent"], excluded["setBy"]) == (True, False, "cli")
    status, permanent = await _casino(casino_database_url, "exclusion", "set", "--user", user)
    assert status == 0
    assert "excluded permanently" in permanent


async def test_refusals_exit_1_with_their_code(casino_database_url: str) -> None:
    nobody = str(uuid.uuid4())
    status, refused = await _json(
        casino_database_url,
        "limits",
        "set",
        "--user",
        nobody,
        "--currency",
        "USD",
        "--max-bet",
        "1",
    )
    assert status == 1
    assert refused["code"] == "USER_NOT_FOUND"
    status, out = await _casino(casino_database_url, "free-rounds", "show", nobody)
    assert status == 1
    assert "FREE_ROUNDS_NOT_FOUND" in out


async def test_a_grant_the_provider_cannot_hear_is_cancelled_and_listed(
    casino_database_url: str, database: Database, game_id: uuid.UUID
) -> None:
    user = str((await create_player(database, 0, "USD")).user_id)
    unreachable = f"http://127.0.0.1:{free_port()}"
    status, refused = await _json(
        casino_database_url,
        "free-rounds", "grant", "--user", user, "--game", str(game_id), "--currency", "USD",
        "--rounds", "5", "--bet", "100", "--expires-in-hours", "24",
        PROVIDER_URL=unreachable,
    )  # fmt: skip
    assert status == 1
    assert refused["code"] == "PROVIDER_UNAVAILABLE"
    status, listed = await _json(casino_database_url, "free-rounds", "list", "--user", user)
    assert status == 0
    [campaign] = listed
    assert (campaign["status"], campaign["rounds"], campaign["grantedBy"]) == (
        "cancelled",
        5,
        "cli",
    )
    assert campaign["campaignId"] in refused["error"]
