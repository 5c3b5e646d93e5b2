from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import attempt_limits as t


class SqlAttemptRepository:
    """Attempts are taken by one conditional statement each, never by a count and then an
    insert: on PostgreSQL the row lock orders concurrent guesses, on SQLite the single
    writer does, and a guess past the limit finds no row to update."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    def _row(self, scope: str, key: str):
        return (t.c.scope == scope) & (t.c.key == key)

    async def take(
        self, scope: str, key: str, limit: int, window: timedelta, now: datetime
    ) -> int | None:
        insert = pg_insert if self._connection.dialect.name == "postgresql" else sqlite_insert
        first = await self._connection.execute(
            insert(t)
            .values(scope=scope, key=key, used=1, last_at=now)
            .on_conflict_do_nothing(index_elements=[t.c.scope, t.c.key])
            .returning(t.c.used)
        )
        if (used := first.scalar_one_or_none()) is not None:
            return used
        expired = t.c.last_at <= now - window  # the last lock, if any, is over: start afresh
        taken = await self._connection.execute(
            update(t)
            .where(self._row(scope, key), (t.c.used < limit) | expired)
            .values(used=case((expired, 1), else_=t.c.used + 1), last_at=now)
            .returning(t.c.used)
        )
        return taken.scalar_one_or_none()

    async def locked_until(
        self, scope: str, key: str, limit: int, window: timedelta, now: datetime
    ) -> datetime | None:
        row = (
            await self._connection.execute(
                select(t.c.used, t.c.last_at).where(self._row(scope, key))
            )
        ).one_or_none()
        if row is None or row.used < limit or row.last_at + window <= now:
            return None
        return row.last_at + window

    async def clear(self, scope: str, key: str) -> None:
        await self._connection.execute(delete(t).where(self._row(scope, key)))
