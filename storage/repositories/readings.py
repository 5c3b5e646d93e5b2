from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Reading, ReadingSource, Zone
from domain.ports import SubmittedReading
from storage.tables import accounts, meters, readings


class SqlReadingRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def submitted_since(self, since: datetime) -> Sequence[SubmittedReading]:
        rows = await self._connection.execute(
            select(
                readings,
                accounts.c.number.label("account_number"),
                meters.c.number.label("meter_number"),
                meters.c.digits_after,
            )
            .join(meters, meters.c.id == readings.c.meter_id)
            .join(accounts, accounts.c.id == meters.c.account_id)
            .where(readings.c.source == ReadingSource.RESIDENT, readings.c.taken_at >= since)
            .order_by(readings.c.taken_at, readings.c.id)
        )
        return [
            SubmittedReading(
                account_number=row.account_number,
                meter_number=row.meter_number,
                reading=Reading(
                    id=row.id,
                    meter_id=row.meter_id,
                    zone=Zone(row.zone),
                    # shown with the meter's own digits: 74.000 on a 6.3 meter
                    value=row.value.quantize(Decimal(1).scaleb(-row.digits_after)),
                    taken_at=row.taken_at,
                    billing_month=row.billing_month,
                    source=ReadingSource(row.source),
                ),
            )
            for row in rows
        ]
