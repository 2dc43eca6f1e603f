"""Operator accounts in the real database: added with an Argon2 hash (never the
password), refused twice, updated on request, disabled; and `casino operator`, which reads
the password from standard input, never from its arguments."""

import asyncio
import os

import pytest
from sqlalchemy import text

from casino.database import Database
from casino.operators import accounts
from casino.operators.accounts import OperatorError
from casino.operators.tables import Role

PASSWORD = "a long enough password"


async def test_an_operator_is_stored_with_a_hash_and_signs_in_with_the_password(
    database: Database, unique: str
) -> None:
    name = f"op-{unique}"
    added = await accounts.add_operator(database, name, Role.OPERATOR, PASSWORD)
    assert added.may_change
    async with database() as db:
        stored = (
            await db.execute(
                text("SELECT password_hash FROM casino_operators WHERE name = :n"), {"n": name}
            )
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert await accounts.authenticate(database, name, PASSWORD) == added
    assert await accounts.authenticate(database, name, PASSWORD + "!") is None
    assert await accounts.authenticate(database, f"nobody-{unique}", PASSWORD) is None


async def test_a_name_is_taken_once_unless_updated(database: Database, unique: str) -> None:
    name = f"twice-{unique}"
    await accounts.add_operator(database, name, Role.VIEWER, PASSWORD)
    with pytest.raises(OperatorError, match="exists already"):
        await accounts.add_operator(database, name, Role.OPERATOR, "another password")
    await accounts.disable_operator(database, name)
    updated = await accounts.add_operator(
        database, name, Role.OPERATOR, "another password", update_existing=True
    )
    assert updated.role is Role.OPERATOR
    assert updated.active
    assert await accounts.authenticate(database, name, PASSWORD) is None
    assert await accounts.authenticate(database, name, "another password") is not None


async def test_a_disabled_operator_cannot_sign_in(database: Database, unique: str) -> None:
    name = f"gone-{unique}"
    await accounts.add_operator(database, name, Role.OPERATOR, PASSWORD)
    disabled = await accounts.disable_operator(database, name)
    assert not disabled.active
    assert not disabled.may_change
    assert await accounts.authenticate(database, name, PASSWORD) is None


@pytest.mark.parametrize("name", ["Upper", "with space", "", "-dash-first", "x" * 65])
async def test_a_name_outside_the_form_is_refused(database: Database, name: str) -> None:
    with pytest.raises(OperatorError, match="name"):
        await accounts.add_operator(database, name, Role.VIEWER, PASSWORD)


async def test_the_command_reads_the_password_from_stdin_and_never_prints_it(
    casino_database_url: str, database: Database, unique: str
) -> None:
    name = f"cli-{unique}"
    status, out, err = await _casino(
        casino_database_url, "operator", "add", name, "--role", "viewer", "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert status == 0, err
    assert PASSWORD not in out + err
    assert await accounts.authenticate(database, name, PASSWORD) is not None
    status, out, _ = await _casino(casino_database_url, "operator", "list")
    assert status == 0
    assert name in out
    assert "viewer" in out
    assert PASSWORD not in out
    status, _, err = await _casino(
        casino_database_url, "operator", "add", f"short-{unique}", "--role", "viewer",
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert status == 1
    assert "10 to 200 characters" in err
    status, out, _ = await _casino(casino_database_url, "operator", "disable", name)
    assert status == 0
    assert "disabled" in out
    assert await accounts.authenticate(database, name, PASSWORD) is None


async def test_the_command_takes_no_password_argument(casino_database_url: str) -> None:
    status, _, err = await _casino(
        casino_database_url, "operator", "add", "x", "--role", "viewer", "--password", PASSWORD
    )
    assert status == 2
    assert "unrecognized arguments" in err


async def _casino(database_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        "casino",
        *args,
        env={**os.environ, "CASINO_DATABASE_URL": database_url},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(stdin.encode())
    return process.returncode or 0, out.decode(), err.decode()
