"""Benchmarks (``make bench``): they print figures and assert nothing."""

from __future__ import annotations

from sqlalchemy import text

from storage.database import Database
from storage.migrate import upgrade


async def fresh_database(url: str) -> Database:
    """A migrated, empty database; on PostgreSQL the named database is emptied first."""
    database = Database(url)
    if url.startswith("postgresql"):
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade(database.engine)
    return database
