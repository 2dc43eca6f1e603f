"""The back office's audit log: who changed what, when (`casino_back_office_audit`).

Every change made through the back office is recorded after the domain function
answered, with how it ended: `done`, or `refused` with the rule's code (an attempt
refused by a rule is worth knowing about too). The time is the database's clock.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from casino.backoffice.tables import MAX_SUBJECT_LENGTH, AuditEntry
from casino.database import Database

PAGE_SIZE = 200


@dataclass(frozen=True)
class Entry:
    id: int
    at: dt.datetime
    operator_name: str
    action: str
    subject: str
    details: dict[str, Any]


async def record(
    database: Database, operator_name: str, action: str, subject: str, details: dict[str, Any]
) -> None:
    async with database.begin() as db:
        await db.execute(
            insert(AuditEntry).values(
                operator_name=operator_name,
                action=action,
                subject=subject[:MAX_SUBJECT_LENGTH],
                details=details,
            )
        )


async def recent(
    database: Database, *, operator_name: str | None = None, limit: int = PAGE_SIZE
) -> list[Entry]:
    """The newest entries first, of one operator when named."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if operator_name:
        query = query.where(AuditEntry.operator_name == operator_name)
    async with database() as db:
        rows = (await db.scalars(query)).all()
    return [
        Entry(row.id, row.at, row.operator_name, row.action, row.subject, row.details)
        for row in rows
    ]
