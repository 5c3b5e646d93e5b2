from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Bill, BillServiceLine, BillSupplierLine, Supplier
from storage.tables import (
    bill_services,
    bill_suppliers,
    bills,
    suppliers,
)

_LATEST = (
    select(bills)
    .where(bills.c.account_id == bindparam("account_id"))
    .order_by(bills.c.period.desc())
    .limit(1)
)
_SUPPLIER_LINES = (
    select(bill_suppliers)
    .where(bill_suppliers.c.bill_id.in_(bindparam("bill_ids", expanding=True)))
    .order_by(bill_suppliers.c.id)
)
_SERVICE_LINES = (
    select(bill_services)
    .join(bill_suppliers, bill_suppliers.c.id == bill_services.c.bill_supplier_id)
    .where(bill_suppliers.c.bill_id.in_(bindparam("bill_ids", expanding=True)))
    .order_by(bill_services.c.position)
)


class SqlBillRepository:
    """Bills change only by a billing import: within one unit of work (an update), an
    account's latest bill is read once, however many screens and sums ask for it. Bills are
    read with their lines in three statements, however many."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._latest: dict[int, Bill | None] = {}

    async def of_account(
        self, account_id: int, since: date | None = None, until: date | None = None
    ) -> Sequence[Bill]:
        query = select(bills).where(bills.c.account_id == account_id)
        if since is not None:
            query = query.where(bills.c.period >= since)
        if until is not None:
            query = query.where(bills.c.period <= until)
        rows = (await self._connection.execute(query.order_by(bills.c.period.desc()))).all()
        return await self._bills(rows)

    async def get(self, bill_id: int) -> Bill | None:
        rows = (await self._connection.execute(select(bills).where(bills.c.id == bill_id))).all()
        return next(iter(await self._bills(rows)), None)

    async def latest(self, account_id: int) -> Bill | None:
        if account_id not in self._latest:
            rows = (await self._connection.execute(_LATEST, {"account_id": account_id})).all()
            self._latest[account_id] = next(iter(await self._bills(rows)), None)
        return self._latest[account_id]

    async def _bills(self, rows: Sequence[Row]) -> list[Bill]:
        if not rows:
            return []
        ids = {"bill_ids": [row.id for row in rows]}
        services: dict[int, list[BillServiceLine]] = {}
        for service in await self._connection.execute(_SERVICE_LINES, ids):
            values = dict(service._mapping)
            line_id = values.pop("bill_supplier_id")
            del values["id"], values["position"]
            services.setdefault(line_id, []).append(BillServiceLine(**values))
        lines: dict[int, list[BillSupplierLine]] = {}
        for line in await self._connection.execute(_SUPPLIER_LINES, ids):
            values = dict(line._mapping)
            line_id, bill_id = values.pop("id"), values.pop("bill_id")
            lines.setdefault(bill_id, []).append(
                BillSupplierLine(**values, services=services.get(line_id, []))
            )
        return [
            Bill(
                id=row.id,
                account_id=row.account_id,
                period=row.period,
                suppliers=lines.get(row.id, []),
            )
            for row in rows
        ]


class SqlSupplierRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, supplier_id: int) -> Supplier | None:
        row = (
            await self._connection.execute(select(suppliers).where(suppliers.c.id == supplier_id))
        ).one_or_none()
        return Supplier(**row._mapping) if row else None

    async def by_code(self, code: str) -> Supplier | None:
        row = (
            await self._connection.execute(select(suppliers).where(suppliers.c.code == code))
        ).one_or_none()
        return Supplier(**row._mapping) if row else None
