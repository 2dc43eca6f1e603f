"""Operator accounts in the casino database: add, list, disable, and sign-in checks.

A name is lower-case letters, digits, `.`, `_` and `-` (the database checks it too), so
what the audit log shows is what the operator typed. The back office reads an operator
afresh at every request: a disabled operator's session ends at their next click.
"""

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from casino.database import Database
from casino.operators import passwords
from casino.operators.tables import MAX_NAME_LENGTH, Operator, Role

NAME = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{MAX_NAME_LENGTH - 1}}}")


class OperatorError(Exception):
    """Raised when an operator cannot be added or changed; the message says why."""


@dataclass(frozen=True)
class OperatorAccount:
    """An operator as the back office sees one: never the hash."""

    name: str
    role: Role
    created_at: dt.datetime
    disabled_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    @property
    def may_change(self) -> bool:
        return self.active and self.role is Role.OPERATOR


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise OperatorError(
            f"an operator's name is 1 to {MAX_NAME_LENGTH} of a-z, 0-9, '.', '_', '-',"
            " starting with a letter or digit"
        )
    return name


async def add_operator(
    database: Database, name: str, role: Role, password: str, *, update_existing: bool = False
) -> OperatorAccount:
    """Add an operator; with `update_existing`, an existing one gets this password and role
    and is enabled again (how `scripts/demo` makes its operator on every run)."""
    check_name(name)
    try:
        password_hash = passwords.hash_password(password)
    except passwords.WeakPasswordError as weak:
        raise OperatorError(str(weak)) from None
    statement = insert(Operator).values(name=name, password_hash=password_hash, role=role.value)
    if update_existing:
        statement = statement.on_conflict_do_update(
            index_elements=[Operator.name],
            set_={"password_hash": password_hash, "role": role.value, "disabled_at": None},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[Operator.name])
    async with database.begin() as db:
        added = await db.scalar(statement.returning(Operator.name))
        if added is None:
            raise OperatorError(f"an operator named {name!r} exists already")
        row = await db.get(Operator, name, populate_existing=True)
        assert row is not None
        return _account(row)


async def list_operators(database: Database) -> list[OperatorAccount]:
    async with database() as db:
        rows = (await db.scalars(select(Operator).order_by(Operator.name))).all()
    return [_account(row) for row in rows]


async def disable_operator(database: Database, name: str) -> OperatorAccount:
    """Disable an operator: they can no longer sign in, and their session ends. Disabling
    again keeps the first moment."""
    async with database.begin() as db:
        found = await db.scalar(
            update(Operator)
            .where(Operator.name == name)
            .values(disabled_at=func.coalesce(Operator.disabled_at, func.now()))
            .returning(Operator.name)
        )
        if found is None:
            raise OperatorError(f"no operator is named {name!r}")
        row = await db.get(Operator, name, populate_existing=True)
        assert row is not None
        return _account(row)


async def find_operator(database: Database, name: str) -> OperatorAccount | None:
    """The operator of that name, enabled or not; None if there is none."""
    async with database() as db:
        row = await db.get(Operator, name)
    return None if row is None else _account(row)


async def authenticate(database: Database, name: str, password: str) -> OperatorAccount | None:
    """The enabled operator whose name and password these are, else None (the same
    answer, and about the same time, for an unknown name, a wrong password and a disabled
    operator)."""
    async with database() as db:
        row = await db.get(Operator, name) if NAME.fullmatch(name) else None
        stored = row.password_hash if row is not None else None
    if not passwords.check(password, stored) or row is None or row.disabled_at is not None:
        return None
    if passwords.needs_rehash(row.password_hash):
        async with database.begin() as db:
            await db.execute(
                update(Operator)
                .where(Operator.name == name)
                .values(password_hash=passwords.hash_password(password))
            )
    return _account(row)


def _account(row: Operator) -> OperatorAccount:
    return OperatorAccount(row.name, Role(row.role), row.created_at, row.disabled_at)
