from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Contract, Meter, MeterService, Rate, Supplier, Tariff, Zone
from storage.tables import contracts, meters, suppliers, tariff_rates, tariffs

_METER = select(meters).where(meters.c.id == bindparam("meter_id"))
_METERS_OF = (
    select(meters)
    .where(meters.c.account_id == bindparam("account_id"))
    .order_by(meters.c.service, meters.c.number)
)
_CONTRACTS = select(contracts, *(c.label(f"s_{c.name}") for c in suppliers.c)).join(
    suppliers, suppliers.c.id == contracts.c.supplier_id
)
_CONTRACTS_OF = _CONTRACTS.where(contracts.c.account_id == bindparam("account_id")).order_by(
    suppliers.c.name, contracts.c.service
)
_CONTRACT = _CONTRACTS.where(contracts.c.id == bindparam("contract_id"))
_TARIFFS = (
    select(tariffs)
    .where(tariffs.c.contract_id == bindparam("contract_id"))
    .order_by(tariffs.c.starts_on.desc())
)
_RATES = select(tariff_rates).where(
    tariff_rates.c.tariff_id.in_(bindparam("tariff_ids", expanding=True))
)


def meter_from_row(row: Row) -> Meter:
    values = dict(row._mapping)
    values["service"] = MeterService(values["service"])
    return Meter(**values)


class SqlMeterRepository:
    """Meters change only by a billing import: within one unit of work (an update), each is
    read once, however many screens and checks ask for it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._read: dict[int, Meter | None] = {}
        self._of_account: dict[int, list[Meter]] = {}

    async def get(self, meter_id: int) -> Meter | None:
        if meter_id not in self._read:
            row = (await self._connection.execute(_METER, {"meter_id": meter_id})).one_or_none()
            self._read[meter_id] = meter_from_row(row) if row else None
        return self._read[meter_id]

    async def of_account(self, account_id: int) -> Sequence[Meter]:
        if account_id not in self._of_account:
            rows = await self._connection.execute(_METERS_OF, {"account_id": account_id})
            self._of_account[account_id] = [meter_from_row(row) for row in rows]
            self._read |= {m.id: m for m in self._of_account[account_id] if m.id is not None}
        return self._of_account[account_id]


class SqlContractRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    @staticmethod
    def _pair(row: Row) -> tuple[Contract, Supplier]:
        values = row._mapping
        contract = Contract(**{c.name: values[c.name] for c in contracts.c})
        supplier = Supplier(**{c.name: values[f"s_{c.name}"] for c in suppliers.c})
        return contract, supplier

    async def of_account(self, account_id: int) -> Sequence[tuple[Contract, Supplier]]:
        rows = await self._connection.execute(_CONTRACTS_OF, {"account_id": account_id})
        return [self._pair(row) for row in rows]

    async def get(self, contract_id: int) -> tuple[Contract, Supplier] | None:
        row = (
            await self._connection.execute(_CONTRACT, {"contract_id": contract_id})
        ).one_or_none()
        return self._pair(row) if row else None

    async def tariffs(self, contract_id: int) -> Sequence[Tariff]:
        rows = await self._connection.execute(_TARIFFS, {"contract_id": contract_id})
        found = [Tariff(**row._mapping) for row in rows]
        rates = await self._connection.execute(_RATES, {"tariff_ids": [t.id for t in found]})
        by_id = {tariff.id: tariff for tariff in found}
        for rate in rates:
            by_id[rate.tariff_id].rates.append(
                Rate(
                    zone=Zone(rate.zone) if rate.zone else None, above=rate.above, value=rate.value
                )
            )
        return found
