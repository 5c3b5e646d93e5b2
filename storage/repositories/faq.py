from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import FaqEntry
from storage.tables import faq_entries


class SqlFaqRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def entries(self, locale: str) -> Sequence[FaqEntry]:
        rows = await self._connection.execute(
            select(faq_entries)
            .where(faq_entries.c.locale == locale)
            .order_by(faq_entries.c.position)
        )
        return [FaqEntry(**row._mapping) for row in rows]

    async def entry(self, entry_id: int) -> FaqEntry | None:
        row = (
            await self._connection.execute(select(faq_entries).where(faq_entries.c.id == entry_id))
        ).one_or_none()
        return FaqEntry(**row._mapping) if row else None
