"""The account's history (guide section 9): payment documents, readings and payments over a
chosen period, and what a printable receipt holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from decimal import Decimal
from itertools import pairwise

from domain.accounts import linked_account
from domain.model import Account, Bill, Contract, Meter, Profile, Reading, Supplier
from domain.money import to_kopecks
from domain.ports import UnitOfWork

PRESET_MONTHS = (3, 6, 12)  # "the last three months, six months, a year"


class InvalidPeriod(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "end-before-start" or "future"


class BillNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def last_months(today: date, months: int) -> Period:
    """The current month and the ``months - 1`` before it."""
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, today)


def chosen_period(start: date, end: date, today: date) -> Period:
    if end < start:
        raise InvalidPeriod("end-before-start")
    if end > today:
        raise InvalidPeriod("future")
    return Period(start, end)


def _covers_month(period: Period, month: date) -> bool:
    """A monthly document belongs to a period that touches its month."""
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return month <= period.end and month_end >= period.start


async def bills(uow: UnitOfWork, profile: Profile, account_id: int, period: Period) -> list[Bill]:
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    return [
        bill
        for bill in await uow.bills.of_account(account.id)
        if _covers_month(period, bill.period)
    ]


async def bill(
    uow: UnitOfWork, profile: Profile, account_id: int, bill_id: int
) -> tuple[Account, Bill, dict[int, Supplier], dict[int, str]]:
    """A bill of one of the profile's accounts, with its suppliers and the account number at
    each of them."""
    account = await linked_account(uow, profile, account_id)
    found = await uow.bills.get(bill_id)
    if found is None or found.account_id != account.id:
        raise BillNotFound(bill_id)
    contracts = await uow.contracts.of_account(account_id)
    suppliers = {s.id: s for _, s in contracts if s.id is not None}
    for line in found.suppliers:
        if line.supplier_id not in suppliers:
            supplier = await uow.suppliers.get(line.supplier_id)
            if supplier is not None:
                suppliers[line.supplier_id] = supplier
    numbers = {c.supplier_id: c.supplier_account_number for c, _ in contracts}
    return account, found, suppliers, numbers


def payment_qr(
    supplier: Supplier,
    supplier_account: str | None,
    amount: Decimal,
    payer_account: str,
    month: date,
) -> str:
    """The payment QR code of a Russian bill (GOST R 56042-2014, UTF-8 variant "ST00012"):
    the sum in kopecks, the payer's account at the supplier."""
    fields = {
        "Name": supplier.name,
        "PersonalAcc": supplier.settlement_account,
        "BankName": supplier.bank_name,
        "BIC": supplier.bic,
        "CorrespAcc": supplier.correspondent_account,
        "PayeeINN": supplier.inn,
        "Sum": str(to_kopecks(max(amount, Decimal(0)))),
        "PersAcc": supplier_account or payer_account,
        "PaymPeriod": month.strftime("%m%Y"),
    }
    # "|" separates fields: a value must not carry one.
    return "ST00012|" + "|".join(f"{k}={v.replace('|', ' ')}" for k, v in fields.items())


@dataclass(frozen=True, slots=True)
class MeterHistory:
    meter: Meter
    supplier: Supplier | None
    contract: Contract | None
    readings: list[Reading]


async def readings(
    uow: UnitOfWork, profile: Profile, account_id: int, period: Period, zone: tzinfo
) -> list[MeterHistory]:
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    histories = []
    for meter in await uow.meters.of_account(account.id):
        assert meter.id is not None
        billed = await uow.contracts.get(meter.contract_id) if meter.contract_id else None
        taken = [
            r
            for r in await uow.readings.of_meter(meter.id)
            if r.taken_at.astimezone(zone).date() in period
        ]
        histories.append(
            MeterHistory(meter, billed[1] if billed else None, billed[0] if billed else None, taken)
        )
    return histories


def monthly_consumption(history: list[Reading]) -> list[tuple[date, Decimal]]:
    """Consumption per billing month: the rise of the month's last reading over the last
    reading before it (zones added together)."""
    last_by_zone_month: dict[tuple[str, date], Reading] = {}
    for reading in sorted(history, key=lambda r: r.taken_at):
        last_by_zone_month[(reading.zone, reading.billing_month)] = reading
    by_zone: dict[str, list[Reading]] = defaultdict(list)
    for (zone, _month), reading in sorted(last_by_zone_month.items(), key=lambda i: i[0][1]):
        by_zone[zone].append(reading)
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for series in by_zone.values():
        for before, after in pairwise(series):
            totals[after.billing_month] += max(after.value - before.value, Decimal(0))
    return sorted(totals.items())


@dataclass(frozen=True, slots=True)
class PaymentHistory:
    supplier: Supplier
    supplier_account: str
    payments: list[tuple[date, Decimal]]


async def payments(
    uow: UnitOfWork, profile: Profile, account_id: int, period: Period, zone: tzinfo
) -> list[PaymentHistory]:
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    rows = await uow.payments.items_of_account(account.id)
    by_contract: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for contract_id, paid_at, amount in rows:
        paid_on = paid_at.astimezone(zone).date()
        if paid_on in period:
            by_contract[contract_id].append((paid_on, amount))
    histories = []
    for contract, supplier in await uow.contracts.of_account(account.id):
        assert contract.id is not None
        histories.append(
            PaymentHistory(
                supplier,
                contract.supplier_account_number,
                sorted(by_contract.get(contract.id, []), reverse=True),
            )
        )
    # One line per account at a supplier, as the guide shows it (Fig. 28).
    merged: dict[tuple[int | None, str], PaymentHistory] = {}
    for history in histories:
        key = (history.supplier.id, history.supplier_account)
        if key in merged:
            merged[key].payments.extend(history.payments)
            merged[key].payments.sort(reverse=True)
        else:
            merged[key] = history
    return list(merged.values())
