"""`game-provider pending`: an operator lists the retry queue, retries a call now, and
settles one by hand; every step is logged with who did it, and nothing is deleted."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
import uvicorn
from fastapi import FastAPI

from provider import cli
from tests.integration.provider.conftest import CASINO_SECRET, Provider
from tests.integration.provider.test_resume import credit, left_pending, log_of, new_round
from tests.integration.provider.test_rounds import launched
from tests.support.processes import free_port, wait_until

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The fake casino over real HTTP, as the command reaches the casino."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await wait_until(started, "the fake casino's HTTP server")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


Command = Callable[..., Awaitable[tuple[int, str]]]


@pytest.fixture
def command(
    provider: Provider, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Command:
    """Run `game-provider …` in-process (off the test's event loop, as a shell would run
    it on its own); its exit status and what it printed."""
    url = provider.settings.provider_database_url.get_secret_value()
    monkeypatch.setenv("PROVIDER_DATABASE_URL", url)
    monkeypatch.setenv("CASINO_SECRET", CASINO_SECRET)
    monkeypatch.setenv("CASINO_RETRY_ATTEMPTS", "1")
    monkeypatch.setattr(cli, "configure_logging", lambda: None)  # keep pytest's handlers

    async def run(*argv: str) -> tuple[int, str]:
        def main() -> int:
            try:
                cli.main(list(argv))
            except SystemExit as exit_:
                return int(exit_.code or 0)
            return 0

        capsys.readouterr()
        status = await asyncio.to_thread(main)
        return status, capsys.readouterr().out

    return run


async def test_an_operator_lists_retries_and_settles_pending_calls(
    provider: Provider,
    db: asyncpg.Connection,
    unique: str,
    command: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = await launched(provider, unique, 1_000)
    game_round = await new_round(provider, token)
    paid = await left_pending(provider, game_round, credit(token, game_round, 300), 300)
    owed = await left_pending(provider, game_round, credit(token, game_round, 700), 700)

    status, out = await command("pending", "--json")
    assert status == 0
    listed = {item["id"]: item for item in json.loads(out)}
    assert listed[str(paid.id)]["transactionId"] == paid.transaction_id
    assert (listed[str(owed.id)]["state"], listed[str(owed.id)]["amount"]) == ("due", 700)
    status, out = await command("pending")
    assert status == 0
    assert out.splitlines()[0] == f"{len(listed)} pending call(s)"

    async with served(provider.casino.app()) as casino_url:
        monkeypatch.setenv("CASINO_URL", casino_url)
        status, out = await command("pending", "retry", str(paid.id), "--by", "alice")
    assert status == 0, out
    assert f"{paid.transaction_id}: accepted" in out
    assert provider.casino.balances[token] == 1_300
    [sent] = await log_of(db, paid)
    assert (sent["action"], sent["actor"], sent["outcome"]) == (
        "send",
        "operator alice",
        "accepted",
    )

    reason = "paid by bank transfer, ticket 42"
    status, out = await command(
        "pending", "settle", owed.transaction_id, "--reason", reason, "--by", "bob"
    )
    assert status == 0, out
    [ruling] = await log_of(db, owed)
    assert (ruling["action"], ruling["actor"], ruling["outcome"], ruling["reason"]) == (
        "settle",
        "operator bob",
        "unknown",
        reason,
    )
    assert ruling["attempted_at"] is not None
    row = await db.fetchrow("SELECT status, request_body FROM provider_bets WHERE id = $1", owed.id)
    assert row["status"] == "unknown"  # kept, with what it would have sent
    assert json.loads(row["request_body"])["amount"] == 700
    assert provider.casino.balances[token] == 1_300  # settling sends nothing
    round_status = "SELECT status FROM provider_game_rounds WHERE id = $1"
    assert await db.fetchval(round_status, game_round.id) == "closed"

    status, out = await command("pending", "settle", owed.transaction_id, "--reason", "again")
    assert (status, out.strip()) == (
        1,
        f"refused: {owed.transaction_id} is not pending: it is unknown",
    )
    status, out = await command("pending", "retry", "payout-no-such-call")
    assert status == 1
    assert "no call is named" in out


async def test_settling_needs_a_reason(command: Command) -> None:
    with pytest.raises(SystemExit):
        cli.main(["pending", "settle", "payout-x"])
