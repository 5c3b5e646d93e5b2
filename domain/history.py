"""The account's history (guide section 9): payment documents, readings and payments over a
chosen period, and what a printable receipt holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from domain.accounts import linked_account
from domain.errors import BillNotFound, InvalidPeriod, MeterNotFound
from domain.model import (
    Account,
    Bill,
    BillSupplierLine,
    Contract,
    Meter,
    Profile,
    Reading,
    Supplier,
    Zone,
)
from domain.money import to_kopecks
from domain.ports import Clock, PaidItem, UnitOfWork
from domain.readings import billing_month

PRESET_MONTHS = (3, 6, 12)  # "the last three months, six months, a year"


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


async def bills(uow: UnitOfWork, profile: Profile, account_id: int, period: Period) -> list[Bill]:
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    # A monthly document belongs to a period that touches its month.
    return list(await uow.bills.of_account(account.id, period.start.replace(day=1), period.end))


@dataclass(frozen=True, slots=True)
class SupplierBlock:
    """One supplier's part of a bill, as the receipt prints it: the payer's account at that
    supplier and the payment QR code for what is owed."""

    supplier: Supplier
    supplier_account: str
    line: BillSupplierLine
    qr_payload: str


@dataclass(frozen=True, slots=True)
class MeterLine:
    """A meter's zone in a receipt's readings block: the reading the bill counts and the one
    before it."""

    meter: Meter
    zone: Zone
    previous: Reading | None
    current: Reading | None

    @property
    def consumption(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.meter.on_dial(max(self.current.value - self.previous.value, Decimal(0)))


@dataclass(frozen=True, slots=True)
class BillDetail:
    account: Account
    bill: Bill
    blocks: list[SupplierBlock]
    meters: list[MeterLine]

    def block(self, supplier_id: int) -> SupplierBlock:
        """One supplier's block: whatever id a button carries is checked here."""
        for block in self.blocks:
            if block.supplier.id == supplier_id:
                return block
        raise BillNotFound(self.bill.id)


async def bill(uow: UnitOfWork, profile: Profile, account_id: int, bill_id: int) -> BillDetail:
    """A bill of one of the profile's accounts, block by supplier."""
    account = await linked_account(uow, profile, account_id)
    found = await uow.bills.get(bill_id)
    if found is None or found.account_id != account.id:
        raise BillNotFound(bill_id)
    contracts = await uow.contracts.of_account(account_id)
    suppliers = {s.id: s for _, s in contracts if s.id is not None}
    # Where the supplier keeps no account of its own for the payer, the account's number is
    # the one to pay by.
    numbers = {c.supplier_id: c.supplier_account_number for c, _ in contracts}
    blocks = []
    for line in found.suppliers:
        supplier = suppliers.get(line.supplier_id) or await uow.suppliers.get(line.supplier_id)
        if supplier is None:
            continue
        number = numbers.get(line.supplier_id, account.number)
        qr = payment_qr(supplier, number, line.to_pay, found.period)
        blocks.append(SupplierBlock(supplier, number, line, qr))
    return BillDetail(account, found, blocks, await _meter_lines(uow, account, found.period))


async def _meter_lines(uow: UnitOfWork, account: Account, month: date) -> list[MeterLine]:
    assert account.id is not None
    lines = []
    meters = await uow.meters.of_account(account.id)
    taken = await uow.readings.of_months(meters, month, month)
    for meter in meters:
        for zone in meter.zones:
            of_zone = [r for r in taken if r.meter_id == meter.id and r.zone is zone]
            current = [r for r in of_zone if r.billing_month == month]
            previous = [r for r in of_zone if r.billing_month < month]
            lines.append(
                MeterLine(
                    meter,
                    zone,
                    previous[-1] if previous else None,
                    current[-1] if current else None,
                )
            )
    return lines


def payment_qr(supplier: Supplier, payer_account: str, amount: Decimal, month: date) -> str:
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
        "PersAcc": payer_account,
        "PaymPeriod": month.strftime("%m%Y"),
    }
    # "|" separates fields: a value must not carry one.
    return "ST00012|" + "|".join(f"{k}={v.replace('|', ' ')}" for k, v in fields.items())


def _moments(period: Period, clock: Clock) -> tuple[datetime, datetime]:
    """The period's days as moments: from its first day's start, in the utility's time
    zone, until the start of the day after its last."""
    zone = clock.local(clock.now()).tzinfo
    start = datetime.combine(period.start, time(), zone)
    return start, datetime.combine(period.end + timedelta(days=1), time(), zone)


@dataclass(frozen=True, slots=True)
class MeterHistory:
    meter: Meter
    supplier: Supplier | None
    contract: Contract | None
    readings: list[Reading]


async def readings(
    uow: UnitOfWork, profile: Profile, account_id: int, period: Period, clock: Clock
) -> list[MeterHistory]:
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    histories = []
    meters = await uow.meters.of_account(account.id)
    taken_in = await uow.readings.taken_in(meters, *_moments(period, clock))
    for meter in meters:
        billed = await uow.contracts.get(meter.contract_id) if meter.contract_id else None
        # Newest first, as the history lists them.
        taken = [r for r in reversed(taken_in) if r.meter_id == meter.id]
        histories.append(
            MeterHistory(meter, billed[1] if billed else None, billed[0] if billed else None, taken)
        )
    return histories


@dataclass(frozen=True, slots=True)
class Consumption:
    """What a meter counted in each month of a period, per tariff zone: ``None`` for a month
    with no reading, or none before it to count from."""

    meter: Meter
    months: list[date]
    by_zone: dict[Zone, list[Decimal | None]]
    # The month still taking readings (its index in ``months``) counts only up to its last
    # reading so far, taken at ``partial_until``; None when it is not in the period or unread.
    partial: int | None = None
    partial_until: datetime | None = None

    @property
    def empty(self) -> bool:
        return all(value is None for values in self.by_zone.values() for value in values)


def months_of(period: Period) -> list[date]:
    month, months = period.start.replace(day=1), []
    while month <= period.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def monthly_consumption(
    meter: Meter, readings: list[Reading], period: Period, open_month: date
) -> Consumption:
    """Consumption per billing month of the period: the rise of the month's last reading
    over the last reading of an earlier month (before the period too), zone by zone.
    ``open_month`` is the one a reading taken today counts for."""
    months = months_of(period)
    last_of: dict[tuple[Zone, date], Decimal] = {}
    partial_until = None
    for reading in sorted(readings, key=lambda r: r.taken_at):
        last_of[(reading.zone, reading.billing_month)] = reading.value
        if reading.billing_month == open_month and open_month in months:
            partial_until = reading.taken_at
    by_zone: dict[Zone, list[Decimal | None]] = {}
    for zone in meter.zones:
        read = sorted((month, value) for (z, month), value in last_of.items() if z == zone)
        values: list[Decimal | None] = []
        for month in months:
            this = next((value for m, value in read if m == month), None)
            before = [value for m, value in read if m < month]
            values.append(
                max(this - before[-1], Decimal(0)) if this is not None and before else None
            )
        by_zone[zone] = values
    partial = months.index(open_month) if partial_until is not None else None
    return Consumption(meter, months, by_zone, partial, partial_until)


async def consumption(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    profile: Profile,
    account_id: int,
    meter_id: int,
    period: Period,
) -> Consumption:
    account = await linked_account(uow, profile, account_id)
    meter = await uow.meters.get(meter_id)
    if meter is None or meter.account_id != account.id:
        raise MeterNotFound
    open_month, _ = billing_month(clock.today(), window)
    months = months_of(period)
    readings = await uow.readings.of_months([meter], months[0], months[-1])
    return monthly_consumption(meter, readings, period, open_month)


@dataclass(frozen=True, slots=True)
class PaidOn:
    """A payment of a supplier account on a day; made through the bot and not yet in a bill
    until a billing import carries it."""

    day: date
    amount: Decimal
    in_billing: bool


@dataclass(frozen=True, slots=True)
class PaymentHistory:
    supplier: Supplier
    supplier_account: str
    payments: list[PaidOn]


async def payments(
    uow: UnitOfWork, profile: Profile, account_id: int, period: Period, clock: Clock
) -> list[PaymentHistory]:
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    by_contract: dict[int, list[PaidItem]] = defaultdict(list)
    since, until = _moments(period, clock)
    for item in await uow.payments.items_of_account(account.id, since=since, until=until):
        by_contract[item.contract_id].append(item)
    # One line per account at a supplier, as the guide shows it (Fig. 28), and one line per
    # payment under it: a payment spread over the account's services is one sum to the resident.
    merged: dict[tuple[int | None, str], tuple[Supplier, dict[int, PaidOn]]] = {}
    for contract, supplier in await uow.contracts.of_account(account.id):
        assert contract.id is not None
        key = (supplier.id, contract.supplier_account_number)
        _, paid = merged.setdefault(key, (supplier, {}))
        for item in by_contract.get(contract.id, []):
            before = paid.get(item.payment_id)
            paid[item.payment_id] = PaidOn(
                clock.local(item.paid_at).date(),
                item.amount + (before.amount if before else 0),
                item.in_billing,
            )
    return [
        PaymentHistory(supplier, number, sorted(paid.values(), key=lambda p: p.day, reverse=True))
        for (_, number), (supplier, paid) in merged.items()
    ]
