"""The billing system's data in and out: the import (``docs/billing-format.md``) and the
exports of the readings and payments residents sent through the bot.

An import is all or nothing: the file is read as a stream (``storage.billing_stream``), each
record validated and staged as it comes, the staged records checked against each other and
the database, and everything merged in one transaction (``storage.billing_merge``). Records
are matched by their natural keys, so importing the same file again changes nothing and a
newer file updates.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import IO, Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import Column, String
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.model import (
    AccountKind,
    MeterService,
    ReadingSource,
    ReadingStatus,
    Zone,
    news_from,
    zones_of,
)
from domain.ports import PaidPayment, SubmittedReading
from domain.readings import fits_digits
from storage import billing_stream
from storage import tables as t
from storage.billing_merge import (
    Merge,
    Staging,
    problems,
    s_accounts,
    s_bill_services,
    s_bill_suppliers,
    s_bills,
    s_contracts,
    s_faq,
    s_meters,
    s_payment_items,
    s_payments,
    s_rates,
    s_readings,
    s_suppliers,
    s_tariffs,
)
from storage.billing_stream import MAX_PROBLEMS, ImportRefused, Overlong, where

__all__ = ["ImportRefused", "format_payments", "format_readings", "import_billing"]


Kopecks = Annotated[Decimal, Field(decimal_places=2, max_digits=14)]
Area = Annotated[Decimal, Field(ge=0, decimal_places=2, max_digits=10)]
Exact = Annotated[Decimal, Field(decimal_places=6, max_digits=18)]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


MAX_INT = 2**31 - 1  # the integer columns hold 32 bits


def _length(column: Column[Any]) -> int | None:
    return cast(String, column.type).length


def fits(column: Column[Any], min_length: int = 0) -> Any:
    """A text field no longer than the column it is written to (one place for the limit)."""
    return Field(min_length=min_length, max_length=_length(column))


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone offset, e.g. 2018-11-06T10:00:00+07:00")
    return value


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    # A string the database cannot keep is refused by the reader (billing_stream).


class SupplierIn(Record):
    code: str = fits(t.suppliers.c.code, min_length=1)
    name: str = fits(t.suppliers.c.name, min_length=1)
    inn: str = Field(pattern=r"^\d{10}(\d{2})?$")
    bank_name: str = fits(t.suppliers.c.bank_name)
    bic: str = Field(pattern=r"^\d{9}$")
    settlement_account: str = Field(pattern=r"^\d{20}$")
    correspondent_account: str = Field(pattern=r"^\d{20}$")


class AccountIn(Record):
    number: str = Field(pattern=r"^\d{6,20}$")
    kind: AccountKind
    address: str = fits(t.accounts.c.address, min_length=1)
    owner_name: str = fits(t.accounts.c.owner_name, min_length=1)
    total_area: Area
    living_area: Area
    registered_persons: int = Field(ge=0, le=MAX_INT)
    link_code: str = Field(min_length=4, max_length=_length(t.accounts.c.link_code))


class RateIn(Record):
    zone: Zone | None = None  # None: every zone
    above: Exact = Field(default=Decimal(0), ge=0)
    value: Exact = Field(ge=0)


class TariffIn(Record):
    starts_on: date
    value: Exact = Field(ge=0)
    period: str = fits(t.tariffs.c.period)
    rates: list[RateIn] = []


class ContractIn(Record):
    account: str
    supplier: str
    service: str = fits(t.contracts.c.service, min_length=1)
    supplier_account_number: str = fits(t.contracts.c.supplier_account_number, min_length=1)
    tariff_name: str = fits(t.contracts.c.tariff_name)
    tariff_value: Exact = Field(ge=0)
    tariff_unit: str = fits(t.contracts.c.tariff_unit)
    tariffs: list[TariffIn] = []


class ContractRef(Record):
    supplier: str
    service: str


class ReadingIn(Record):
    zone: Zone = Zone.SINGLE
    value: Exact = Field(ge=0)
    taken_at: datetime
    billing_month: Month
    source: ReadingSource = ReadingSource.BILLING
    status: ReadingStatus | None = None  # received, or used once used_in is given
    used_in: Month | None = None
    reason: str | None = Field(default=None, max_length=_length(t.readings.c.reason))

    @model_validator(mode="after")
    def _status(self) -> ReadingIn:
        if self.status is ReadingStatus.SENT:
            raise ValueError(
                "status: sent is the bot's own; billing says received, used or replaced"
            )
        if self.status is ReadingStatus.USED and self.used_in is None:
            raise ValueError("used_in: the month of the bill that used the reading is required")
        if self.status is None:
            self.status = ReadingStatus.USED if self.used_in else ReadingStatus.RECEIVED
        return self

    _aware = field_validator("taken_at")(_aware)


class MeterIn(Record):
    account: str
    number: str = fits(t.meters.c.number, min_length=1)
    service: MeterService
    contract: ContractRef | None = None
    unit: str = fits(t.meters.c.unit)
    digits: str = Field(pattern=r"^[1-9]\d?\.\d$", description="before.after, e.g. 6.3")
    zones: Literal[1, 2] = 1
    verified_until: date
    readings: list[ReadingIn] = []


class BillServiceIn(Record):
    service: str = fits(t.bill_services.c.service)
    unit: str = fits(t.bill_services.c.unit)
    quantity: Exact
    tariff: Exact = Field(ge=0)
    price_per_unit: Kopecks = Field(ge=0)
    debt_start: Kopecks
    paid: Kopecks
    charged: Kopecks
    social_support: Kopecks = Decimal("0.00")
    corrections: Kopecks = Decimal("0.00")
    debt_end: Kopecks


class BillSupplierIn(Record):
    supplier: str
    debt_start: Kopecks
    paid: Kopecks
    charged: Kopecks
    social_support: Kopecks = Decimal("0.00")
    corrections: Kopecks = Decimal("0.00")
    to_pay: Kopecks
    penalties: Kopecks = Decimal("0.00")
    services: list[BillServiceIn] = []


class BillIn(Record):
    account: str
    period: Month
    suppliers: list[BillSupplierIn] = Field(min_length=1)


class PaymentItemIn(Record):
    supplier: str
    service: str
    amount: Kopecks = Field(gt=0)


class PaymentIn(Record):
    id: str = Field(min_length=1, max_length=64)
    # YooKassa's id of a payment made through the bot: the import then completes that
    # payment instead of adding it again.
    provider_payment_id: str | None = Field(default=None, min_length=1, max_length=64)
    account: str
    paid_at: datetime
    items: list[PaymentItemIn] = Field(min_length=1)

    _aware = field_validator("paid_at")(_aware)


class FaqIn(Record):
    locale: Literal["ru", "en"]
    position: int = Field(ge=1, le=MAX_INT)
    question: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1, max_length=3500)


SECTION_RECORDS: dict[str, type[Record]] = {
    "suppliers": SupplierIn,
    "accounts": AccountIn,
    "contracts": ContractIn,
    "meters": MeterIn,
    "bills": BillIn,
    "payments": PaymentIn,
    "faq": FaqIn,
}


def _problem(error: Any) -> str:
    if isinstance(error.get("input"), Overlong):
        return f"{error['input'].shown}: a number too long or too large for any field"
    return str(error["msg"])


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _digits(spec: str) -> tuple[int, int]:
    before, after = spec.split(".")
    return int(before), int(after)


class _Records:
    """Each record of the file validated and staged as it comes; problems collected, up to
    a limit, and nothing staged once there is one (the file will be refused)."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.problems: list[str] = []
        self.more = 0

    def refuse(self, problems: list[str]) -> None:
        room = MAX_PROBLEMS - len(self.problems)
        self.problems += problems[:room]
        self.more += max(0, len(problems) - room)

    async def take(self, section: str, place: str, raw: Any, flaws: list[str]) -> None:
        if flaws:
            self.refuse(flaws)
            return
        try:
            record = SECTION_RECORDS[section].model_validate(raw)
        except ValidationError as error:
            self.refuse([f"{where(place, raw, e['loc'])}: {_problem(e)}" for e in error.errors()])
            return
        if problems := _problems(record, place):
            self.refuse(problems)
        elif not self.problems:
            await getattr(self, f"_{section}")(record, place)

    async def _suppliers(self, s: SupplierIn, place: str) -> None:
        await self.staging.add(
            s_suppliers,
            place,
            s.code,
            s.name,
            s.inn,
            s.bank_name,
            s.bic,
            s.settlement_account,
            s.correspondent_account,
        )

    async def _accounts(self, a: AccountIn, place: str) -> None:
        await self.staging.add(
            s_accounts,
            place,
            a.number,
            a.kind.value,
            a.address,
            a.owner_name,
            a.total_area,
            a.living_area,
            a.registered_persons,
            a.link_code,
        )

    async def _contracts(self, c: ContractIn, place: str) -> None:
        contract = (c.account, c.supplier, c.service)
        await self.staging.add(
            s_contracts,
            place,
            *contract,
            c.supplier_account_number,
            c.tariff_name,
            c.tariff_value,
            c.tariff_unit,
        )
        for i, tariff in enumerate(c.tariffs):
            at = f"{place}.tariffs[{i}]"
            await self.staging.add(
                s_tariffs, at, *contract, tariff.starts_on, tariff.value, tariff.period
            )
            for rate in tariff.rates:
                await self.staging.add(
                    s_rates,
                    at,
                    *contract,
                    tariff.starts_on,
                    rate.zone.value if rate.zone else None,
                    rate.above,
                    rate.value,
                )

    async def _meters(self, m: MeterIn, place: str) -> None:
        before, after = _digits(m.digits)
        await self.staging.add(
            s_meters,
            place,
            m.account,
            m.number,
            "contract" in m.model_fields_set,
            m.contract.supplier if m.contract else None,
            m.contract.service if m.contract else None,
            m.service.value,
            m.unit,
            before,
            after,
            m.zones,
            m.verified_until,
        )
        for j, r in enumerate(m.readings):
            assert r.status is not None  # the model settles it
            await self.staging.add(
                s_readings,
                f"{place}.readings[{j}]",
                m.account,
                m.number,
                r.zone.value,
                r.taken_at,
                r.value,
                _month(r.billing_month),
                r.source.value,
                r.status.value,
                _month(r.used_in) if r.used_in else None,
                r.reason,
            )

    async def _bills(self, b: BillIn, place: str) -> None:
        period = _month(b.period)
        await self.staging.add(s_bills, place, b.account, period)
        for j, line in enumerate(b.suppliers):
            block = (b.account, period, line.supplier)
            await self.staging.add(
                s_bill_suppliers,
                f"{place}.suppliers[{j}]",
                *block,
                line.debt_start,
                line.paid,
                line.charged,
                line.social_support,
                line.corrections,
                line.to_pay,
                line.penalties,
            )
            for position, x in enumerate(line.services, start=1):
                await self.staging.add(
                    s_bill_services,
                    None,
                    *block,
                    position,
                    x.service,
                    x.unit,
                    x.quantity,
                    x.tariff,
                    x.price_per_unit,
                    x.debt_start,
                    x.paid,
                    x.charged,
                    x.social_support,
                    x.corrections,
                    x.debt_end,
                )

    async def _payments(self, p: PaymentIn, place: str) -> None:
        amount = sum((i.amount for i in p.items), Decimal("0.00"))
        await self.staging.add(
            s_payments, place, p.id, p.provider_payment_id, p.paid_at, amount, p.account
        )
        for j, item in enumerate(p.items):
            await self.staging.add(
                s_payment_items,
                f"{place}.items[{j}]",
                p.id,
                p.account,
                item.supplier,
                item.service,
                item.amount,
            )

    async def _faq(self, f: FaqIn, place: str) -> None:
        await self.staging.add(s_faq, place, f.locale, f.position, f.question, f.answer)


def _problems(record: Record, place: str) -> list[str]:
    """What a valid record gets wrong within itself."""
    found = []
    if isinstance(record, MeterIn):
        before, after = _digits(record.digits)
        for j, r in enumerate(record.readings):
            if not fits_digits(r.value, before, after):
                found.append(
                    f"{place}.readings[{j}].value: {r.value} does not fit the meter's "
                    f"digits {record.digits}"
                )
            if r.zone not in zones_of(record.zones):
                found.append(f"{place}.readings[{j}].zone: {r.zone} is not a zone of this meter")
    if isinstance(record, ContractIn):
        for i, tariff in enumerate(record.tariffs):
            bands: dict[tuple[Zone | None, Decimal], int] = {}
            for j, rate in enumerate(tariff.rates):
                first = bands.setdefault((rate.zone, rate.above), j)
                if first != j:
                    found.append(
                        f"{place}.tariffs[{i}].rates[{j}]: the same zone and band as rates[{first}]"
                    )
    return found


Content = str | bytes | Path | IO[bytes]


async def import_billing(
    engine: AsyncEngine, content: Content, now: datetime | None = None, zone: tzinfo = UTC
) -> Counter[str]:
    """Imports a billing file (its text, or a path or binary stream, read as it goes);
    returns what was created, updated and removed, per table, and the residents' news queued
    (``notifications queued``). Raises :class:`ImportRefused` and writes nothing when
    anything in the file is wrong."""
    now = now or datetime.now(UTC)
    if isinstance(content, Path):
        with content.open("rb") as stream:
            return await _import(engine, stream, now, zone)
    if isinstance(content, str):
        content = content.encode()
    if isinstance(content, bytes):
        return await _import(engine, io.BytesIO(content), now, zone)
    return await _import(engine, content, now, zone)


async def _import(
    engine: AsyncEngine, stream: IO[bytes], now: datetime, zone: tzinfo
) -> Counter[str]:
    async with engine.begin() as connection:
        staging = Staging(connection)
        await staging.create()
        records = _Records(staging)
        try:
            for record in billing_stream.records(stream):
                await records.take(*record)
        except ImportRefused as frame:
            records.refuse(frame.problems)
            records.more += frame.more
        if not records.problems:
            await staging.finish()
            records.refuse(await problems(staging))
        if records.problems:
            raise ImportRefused(records.problems, records.more)
        counts = await Merge(staging, now, news_from(now.astimezone(zone).date())).run()
        await staging.drop()
        return counts


# Columns are only ever added at the end: a reader of the older file goes on reading it.
EXPORT_FIELDS = (
    "account",
    "meter",
    "zone",
    "value",
    "taken_at",
    "billing_month",
    "source",
    "reading",
    "photo",
)


def _export_row(item: SubmittedReading) -> dict[str, str]:
    reading = item.reading
    return {
        "account": item.account_number,
        "meter": item.meter_number,
        "zone": reading.zone.value,
        "value": str(reading.value),
        "taken_at": reading.taken_at.isoformat(),
        "billing_month": reading.billing_month.strftime("%Y-%m"),
        "source": reading.source.value,
        "reading": str(reading.id),
        # The photo is Telegram's file: staff see it with /photo READING in their group.
        "photo": "yes" if reading.photo else "",
    }


def format_readings(items: Sequence[SubmittedReading], fmt: Literal["csv", "json"]) -> str:
    """The readings sent through the bot (residents' and devices'), as the billing system
    takes them (see the docs)."""
    rows = [_export_row(item) for item in items]
    if fmt == "json":
        return (
            json.dumps({"format": "tes-readings/1", "readings": rows}, ensure_ascii=False, indent=2)
            + "\n"
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


PAYMENT_FIELDS = (
    "payment",
    "provider_payment_id",
    "account",
    "supplier",
    "supplier_account",
    "service",
    "amount",
    "paid_at",
    "method",
)


def _paid_items(paid: PaidPayment) -> list[dict[str, str]]:
    return [
        {
            "supplier": supplier.code,
            "supplier_account": contract.supplier_account_number,
            "service": contract.service,
            "amount": f"{amount:.2f}",
        }
        for contract, supplier, amount in paid.items
    ]


def _paid(paid: PaidPayment) -> dict[str, str]:
    payment = paid.payment
    assert payment.paid_at is not None
    return {
        "payment": str(payment.id),
        "provider_payment_id": payment.provider_payment_id or "",
        "account": paid.account_number,
        "paid_at": payment.paid_at.isoformat(),
        "method": payment.method.value,
    }


def format_payments(items: Sequence[PaidPayment], fmt: Literal["csv", "json"]) -> str:
    """The payments made through the bot, as the billing system takes them: one row per
    contract paid (see the docs)."""
    if fmt == "json":
        payments = [{**_paid(p), "items": _paid_items(p)} for p in items]
        document = {"format": "tes-payments/1", "payments": payments}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PAYMENT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for paid in items:
        writer.writerows({**_paid(paid), **item} for item in _paid_items(paid))
    return out.getvalue()
