from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Gender, Profile
from storage.tables import profiles


class SqlProfileRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, profile_id: int) -> Profile | None:
        row = (
            await self._connection.execute(select(profiles).where(profiles.c.id == profile_id))
        ).one_or_none()
        if row is None:
            return None
        values = dict(row._mapping)
        values["gender"] = Gender(values["gender"]) if values["gender"] else None
        return Profile(**values)
