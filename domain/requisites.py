"""The account's requisites (guide section 10): general information, contracts with their
tariff and its history, and the meters on the object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.accounts import linked_account
from domain.errors import AccountNotFound
from domain.history import Period
from domain.model import Account, Contract, Meter, Profile, Supplier, Tariff
from domain.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class ContractLine:
    contract: Contract
    supplier: Supplier


@dataclass(frozen=True, slots=True)
class MeterLine:
    """A row of the guide's meter list (Fig. 32)."""

    meter: Meter
    supplier: Supplier | None
    service: str | None
    read_on: date | None  # the last reading in the chosen period


async def requisites(
    uow: UnitOfWork, profile: Profile, account_id: int
) -> tuple[Account, list[ContractLine]]:
    account = await linked_account(uow, profile, account_id)
    return account, [ContractLine(c, s) for c, s in await uow.contracts.of_account(account_id)]


async def contract(uow: UnitOfWork, profile: Profile, contract_id: int) -> ContractLine:
    """A contract of one of the profile's accounts; a forged id is refused here."""
    found = await uow.contracts.get(contract_id)
    if found is None:
        raise AccountNotFound
    await linked_account(uow, profile, found[0].account_id)
    return ContractLine(*found)


async def tariff_history(uow: UnitOfWork, profile: Profile, contract_id: int) -> list[Tariff]:
    line = await contract(uow, profile, contract_id)
    assert line.contract.id is not None
    return list(await uow.contracts.tariffs(line.contract.id))


async def meter_list(
    uow: UnitOfWork, clock: Clock, profile: Profile, contract_id: int, period: Period
) -> list[MeterLine]:
    """The meters on the contract's object, with their last reading date in the period (the
    utility's days: a day off either side of the stored UTC moments covers any zone)."""
    line = await contract(uow, profile, contract_id)
    since = datetime.combine(period.start - timedelta(days=1), time(), tzinfo=UTC)
    until = datetime.combine(period.end + timedelta(days=2), time(), tzinfo=UTC)
    rows = []
    for meter in await uow.meters.of_account(line.contract.account_id):
        assert meter.id is not None
        billed = await uow.contracts.get(meter.contract_id) if meter.contract_id else None
        days = [
            clock.local(taken).date()
            for taken in await uow.readings.taken_between(meter.id, since, until)
        ]
        read_on = max((day for day in days if day in period), default=None)
        rows.append(
            MeterLine(
                meter, billed[1] if billed else None, billed[0].service if billed else None, read_on
            )
        )
    return rows
