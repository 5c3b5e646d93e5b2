from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select, text, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import (
    OWN_SOURCES,
    Meter,
    Reading,
    ReadingSource,
    ReadingStatus,
    Zone,
    on_dial,
)
from domain.ports import SubmittedReading
from storage.tables import OWN_READING, accounts, meters, readings

OWN = readings.c.source.in_(OWN_SOURCES)

_NEWEST_FIRST = (readings.c.taken_at.desc(), readings.c.id.desc())
_OF_ZONE = (readings.c.meter_id == bindparam("meter_id"), readings.c.zone == bindparam("zone"))
_LAST = select(readings).where(*_OF_ZONE).order_by(*_NEWEST_FIRST).limit(1)
# The last before the month's own reading, which a value sent again replaces.
_LAST_BEFORE_OWN = (
    select(readings)
    .where(*_OF_ZONE, ~OWN | (readings.c.billing_month != bindparam("month")))
    .order_by(*_NEWEST_FIRST)
    .limit(1)
)
_HISTORY = (
    select(readings)
    .where(*_OF_ZONE, readings.c.taken_at >= bindparam("since"))
    .order_by(readings.c.taken_at)
)
_OWN_FOR = select(readings).where(*_OF_ZONE, readings.c.billing_month == bindparam("month"), OWN)
_RANKED = (
    select(
        readings,
        func.row_number()
        .over(partition_by=(readings.c.meter_id, readings.c.zone), order_by=_NEWEST_FIRST)
        .label("rank"),
    )
    .where(readings.c.meter_id.in_(bindparam("meter_ids", expanding=True)))
    .subquery()
)
_LATEST = select(*(_RANKED.c[c.name] for c in readings.c)).where(_RANKED.c.rank == 1)


def _upsert(insert: Any) -> Any:
    """The unique index decides between two chats (or a chat and a device) sending a reading
    of the month at once. The replacement starts afresh: billing has not seen it."""
    statement = insert(readings)
    replaced = ("value", "taken_at", "source", "status", "used_in", "reason", "photo")
    return statement.on_conflict_do_update(
        index_elements=["meter_id", "zone", "billing_month"],
        # The index's own text: PostgreSQL matches a partial index to the predicate when it
        # plans, and a generic plan (from a statement's sixth execution on a connection)
        # knows no parameter's value.
        index_where=text(OWN_READING),
        set_={name: statement.excluded[name] for name in replaced},
    ).returning(readings.c.id)


_RECORD = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


def _zones(meters: Sequence[Meter]) -> list[tuple[int, Zone]]:
    return [(meter.id, zone) for meter in meters if meter.id is not None for zone in meter.zones]


class SqlReadingRepository:
    """A value's checks read the last reading, the month's own and the history when it is
    typed and again when it is sent, often in the same update: within a unit of work each is
    read once, until a reading is recorded."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._read: dict[tuple[Any, ...], Any] = {}

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
            .where(OWN, readings.c.taken_at >= since)
            .order_by(readings.c.taken_at, readings.c.id)
        )
        submitted = []
        for row in rows:
            reading = self._reading(row)
            # shown with the meter's own digits: 74.000 on a 6.3 meter
            reading.value = on_dial(reading.value, row.digits_after)
            submitted.append(SubmittedReading(row.account_number, row.meter_number, reading))
        return submitted

    @staticmethod
    def _reading(row: Row) -> Reading:
        values = {c.name: row._mapping[c.name] for c in readings.c}
        values["zone"] = Zone(values["zone"])
        values["source"] = ReadingSource(values["source"])
        values["status"] = ReadingStatus(values["status"])
        return Reading(**values)

    async def get(self, reading_id: int) -> Reading | None:
        row = (
            await self._connection.execute(select(readings).where(readings.c.id == reading_id))
        ).one_or_none()
        return self._reading(row) if row else None

    async def latest_of(self, meter_ids: Sequence[int]) -> dict[tuple[int, Zone], Reading]:
        if not meter_ids:
            return {}
        rows = await self._connection.execute(_LATEST, {"meter_ids": list(meter_ids)})
        latest = (self._reading(row) for row in rows)
        return {(reading.meter_id, reading.zone): reading for reading in latest}

    async def last(
        self, meter_id: int, zone: Zone, replacing: date | None = None
    ) -> Reading | None:
        key = ("last", meter_id, zone, replacing)
        if key not in self._read:
            self._read[key] = await self._last(meter_id, zone, replacing)
        return self._read[key]

    async def _last(self, meter_id: int, zone: Zone, replacing: date | None) -> Reading | None:
        params = {"meter_id": meter_id, "zone": zone, "month": replacing}
        statement = _LAST if replacing is None else _LAST_BEFORE_OWN
        row = (await self._connection.execute(statement, params)).first()
        return self._reading(row) if row else None

    async def of_months(self, meters: Sequence[Meter], first: date, last: date) -> list[Reading]:
        """Each meter's readings of the billing months ``first`` to ``last`` and, zone by zone,
        the last of a month before them (what the first one counts from)."""
        parts: list[Select[Any]] = []
        for meter, zone in _zones(meters):
            of_zone = (readings.c.meter_id == meter, readings.c.zone == zone)
            parts.append(
                select(readings).where(*of_zone, readings.c.billing_month.between(first, last))
            )
            parts.append(
                select(readings)
                .where(*of_zone, readings.c.billing_month < first)
                .order_by(readings.c.billing_month.desc(), *_NEWEST_FIRST)
                .limit(1)
            )
        return await self._each(parts)

    async def taken_in(
        self, meters: Sequence[Meter], since: datetime, until: datetime
    ) -> list[Reading]:
        """The meters' readings taken from ``since`` until before ``until``."""
        return await self._each(
            [
                select(readings).where(
                    readings.c.meter_id == meter,
                    readings.c.zone == zone,
                    readings.c.taken_at >= since,
                    readings.c.taken_at < until,
                )
                for meter, zone in _zones(meters)
            ]
        )

    async def _each(self, parts: list[Select[Any]]) -> list[Reading]:
        """The parts in one statement, each an index range of one meter and zone (by meter
        and zone the unique index reads only the rows asked for, however long the history)."""
        if not parts:
            return []
        # Each part a subquery: SQLite takes no ORDER BY or LIMIT in a compound's member.
        rows = await self._connection.execute(union_all(*(select(p.subquery()) for p in parts)))
        return sorted((self._reading(row) for row in rows), key=lambda r: (r.taken_at, r.id or 0))

    async def taken_between(
        self, meter_id: int, since: datetime, until: datetime
    ) -> Sequence[datetime]:
        rows = await self._connection.execute(
            select(readings.c.taken_at).where(
                readings.c.meter_id == meter_id,
                readings.c.taken_at >= since,
                readings.c.taken_at < until,
            )
        )
        return rows.scalars().all()

    async def history(self, meter_id: int, zone: Zone, since: datetime) -> Sequence[Reading]:
        key = ("history", meter_id, zone, since)
        if key not in self._read:
            self._read[key] = await self._history(meter_id, zone, since)
        return self._read[key]

    async def _history(self, meter_id: int, zone: Zone, since: datetime) -> list[Reading]:
        rows = await self._connection.execute(
            _HISTORY, {"meter_id": meter_id, "zone": zone, "since": since}
        )
        return [self._reading(row) for row in rows]

    async def read_for(self, meter_id: int, month: date) -> bool:
        found = await self._connection.execute(
            select(readings.c.id)
            .where(readings.c.meter_id == meter_id, readings.c.billing_month == month)
            .limit(1)
        )
        return found.first() is not None

    async def record(self, reading: Reading) -> None:
        self._read.clear()
        values = asdict(reading)
        del values["id"]
        upsert = _RECORD[self._connection.dialect.name]
        reading.id = (await self._connection.execute(upsert, values)).scalar_one()

    async def own_for(self, meter_id: int, zone: Zone, month: date) -> Reading | None:
        key = ("own", meter_id, zone, month)
        if key not in self._read:
            row = (
                await self._connection.execute(
                    _OWN_FOR, {"meter_id": meter_id, "zone": zone, "month": month}
                )
            ).one_or_none()
            self._read[key] = self._reading(row) if row else None
        return self._read[key]
