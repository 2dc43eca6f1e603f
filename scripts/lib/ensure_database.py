"""Create a PostgreSQL database if it does not exist yet (the demo's first step).

Usage: python ensure_database.py postgresql+asyncpg://user@host:port/name
"""

import asyncio
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg


async def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    connection = await asyncpg.connect(server)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    finally:
        await connection.close()


if __name__ == "__main__":
    asyncio.run(ensure_database(sys.argv[1]))
