from __future__ import annotations

from collections.abc import Sequence

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
    .where(bill_suppliers.c.bill_id == bindparam("bill_id"))
    .order_by(bill_suppliers.c.id)
)
_SERVICE_LINES = (
    select(bill_services)
    .where(bill_services.c.bill_supplier_id.in_(bindparam("line_ids", expanding=True)))
    .order_by(bill_services.c.position)
)


class SqlBillRepository:
    """Bills change only by a billing import: within one unit of work (an update), an
    account's latest bill is read once, however many screens and sums ask for it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._latest: dict[int, Bill | None] = {}

    async def of_account(self, account_id: int) -> Sequence[Bill]:
        rows = (
            await self._connection.execute(
                select(bills)
                .where(bills.c.account_id == account_id)
                .order_by(bills.c.period.desc())
            )
        ).all()
        return [await self._bill(row) for row in rows]

    async def get(self, bill_id: int) -> Bill | None:
        row = (
            await self._connection.execute(select(bills).where(bills.c.id == bill_id))
        ).one_or_none()
        return await self._bill(row) if row else None

    async def latest(self, account_id: int) -> Bill | None:
        if account_id not in self._latest:
            self._latest[account_id] = await self._read_latest(account_id)
        return self._latest[account_id]

    async def _read_latest(self, account_id: int) -> Bill | None:
        row = (await self._connection.execute(_LATEST, {"account_id": account_id})).first()
        return await self._bill(row) if row else None

    async def _bill(self, row: Row) -> Bill:
        return Bill(
            id=row.id,
            account_id=row.account_id,
            period=row.period,
            suppliers=await self._supplier_lines(row.id),
        )

    async def _supplier_lines(self, bill_id: int) -> list[BillSupplierLine]:
        supplier_rows = (
            await self._connection.execute(_SUPPLIER_LINES, {"bill_id": bill_id})
        ).all()
        service_rows = (
            await self._connection.execute(
                _SERVICE_LINES, {"line_ids": [row.id for row in supplier_rows]}
            )
        ).all()
        lines = []
        for row in supplier_rows:
            values = dict(row._mapping)
            del values["id"], values["bill_id"]
            services = [
                BillServiceLine(
                    **{
                        key: value
                        for key, value in service._mapping.items()
                        if key not in ("id", "bill_supplier_id", "position")
                    }
                )
                for service in service_rows
                if service.bill_supplier_id == row.id
            ]
            lines.append(BillSupplierLine(**values, services=services))
        return lines


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
