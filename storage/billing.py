"""The billing system's data in and out: the JSON import (``docs/billing-format.md``) and the
export of the readings residents submitted.

An import is all or nothing: the file is validated whole, references are resolved against the
file and the database, and everything is written in one transaction. Records are matched by
their natural keys, so importing the same file again changes nothing and a newer file updates.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import Column, String, and_, delete, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.model import (
    OWN_SOURCES,
    AccountKind,
    MeterService,
    ReadingSource,
    ReadingStatus,
    Zone,
    zones_of,
)
from domain.ports import PaidPayment, SubmittedReading
from domain.readings import fits_digits
from domain.validation import storable
from storage import tables as t
from storage.repositories.notifications import SqlNotificationRepository


class ImportRefused(Exception):
    """The file cannot be imported; nothing of it was written."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


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

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if isinstance(value, str) and not storable(value):
            raise ValueError("contains a character the database cannot keep (U+0000)")
        return value


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


class BillingFile(Record):
    format: Literal["tes-billing/1"]
    suppliers: list[SupplierIn] = []
    accounts: list[AccountIn] = []
    contracts: list[ContractIn] = []
    meters: list[MeterIn] = []
    bills: list[BillIn] = []
    payments: list[PaymentIn] = []
    faq: list[FaqIn] = []


_RECORD_KEYS = ("number", "code", "id", "account", "starts_on", "period", "position")


def _where(data: Any, location: Sequence[str | int]) -> str:
    """`accounts[2] (number 800100103492).total_area`: the path, with the record named by its
    key so that a person finds it in a large file."""
    parts: list[str] = []
    node = data
    for step in location:
        if isinstance(step, int):
            parts[-1] += f"[{step}]"
        else:
            parts.append(str(step))
        node = node[step] if isinstance(node, (list, dict)) and _has(node, step) else None  # type: ignore[index]
        if isinstance(step, int) and isinstance(node, dict):
            key = next((k for k in _RECORD_KEYS if isinstance(node.get(k), (str, int))), None)
            if key is not None:
                parts[-1] += f" ({key} {node[key]})"
    return ".".join(parts) or "file"


def _has(node: list[Any] | dict[str, Any], step: str | int) -> bool:
    if isinstance(node, list):
        return isinstance(step, int) and 0 <= step < len(node)
    return step in node


# Characters of a number in the file, and the powers of ten it may span: more than the widest
# column holds (18 digits), far less than what costs seconds to convert (a number of thousands
# of digits, or 1e999999999 as an integer).
MAX_NUMBER = 40


class Overlong:
    """A number in the file too long or too large for any field: refused where it stands."""

    def __init__(self, text: str) -> None:
        self.shown = (
            text if len(text) <= 20 else f"{text[:10]}…{text[-5:]} ({len(text)} characters)"
        )


def _number(text: str) -> Decimal | Overlong:
    """Every number of the file, read exactly: a Decimal, never a float."""
    number = Decimal(text)
    if len(text) > MAX_NUMBER or abs(number.adjusted()) > MAX_NUMBER:
        return Overlong(text)
    return number


class Repeated(dict):
    """A JSON object that names a key more than once, which ``dict`` would keep the last of."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.keys_repeated = []
        for k, _ in pairs:
            if k in seen:
                self.keys_repeated.append(k)
            seen.add(k)


def _repeats(node: Any, location: tuple[str | int, ...] = ()) -> Iterable[tuple[tuple, str]]:
    """Where the file names a key twice: each object's place and the key."""
    if isinstance(node, Repeated):
        for key in node.keys_repeated:
            yield location, key
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _repeats(value, (*location, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _repeats(value, (*location, index))


def _text(data: bytes) -> str:
    """The file as text: UTF-8, with or without a byte order mark. A raw NUL byte has no place
    in JSON; it is what UTF-16 looks like."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ImportRefused(["not UTF-8 (UTF-16, or not text at all): save the file as UTF-8"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        raise ImportRefused(
            [
                f"not UTF-8: byte 0x{data[error.start]:02x} at line {line}, column {column}"
                " (Windows-1251?): save the file as UTF-8"
            ]
        ) from None


def parse(content: str | bytes) -> BillingFile:
    text = _text(content) if isinstance(content, bytes) else content
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        repeated = True
        return Repeated(items)

    try:
        data = json.loads(text, parse_float=_number, parse_int=_number, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from error
    except RecursionError:
        raise ImportRefused(["not a billing file: JSON nested too deeply"]) from None
    if repeated:
        raise ImportRefused(
            [f'{_where(data, at)}: names "{key}" more than once' for at, key in _repeats(data)]
        )
    try:
        return BillingFile.model_validate(data)
    except ValidationError as error:
        raise ImportRefused(
            [f"{_where(data, e['loc'])}: {_problem(e)}" for e in error.errors()]
        ) from error


def _problem(error: Any) -> str:
    if isinstance(error.get("input"), Overlong):
        return f"{error['input'].shown}: a number too long or too large for any field"
    return error["msg"]


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _digits(spec: str) -> tuple[int, int]:
    before, after = spec.split(".")
    return int(before), int(after)


class _Writer:
    """Upserts by natural key and counts what it did, per table."""

    def __init__(self, connection: AsyncConnection, now: datetime) -> None:
        self.connection = connection
        self.now = now
        self.counts: Counter[str] = Counter()
        # What the import tells residents is queued in its transaction.
        self.notifications = SqlNotificationRepository(connection)

    async def upsert(
        self,
        table: t.Table,
        key: Mapping[str, Any],
        values: Mapping[str, Any],
        created: Mapping[str, Any] | None = None,
    ) -> int:
        """The row of ``key`` with ``values``; ``created``: what only a new row is given."""
        condition = and_(*(table.c[name] == value for name, value in key.items()))
        row = (await self.connection.execute(select(table).where(condition))).one_or_none()
        if row is None:
            result = await self.connection.execute(
                insert(table).values(**key, **values, **(created or {})).returning(table.c.id)
            )
            self.counts[f"{table.name} created"] += 1
            return result.scalar_one()
        current = row._mapping
        changed = {name: value for name, value in values.items() if current[name] != value}
        if changed:
            await self.connection.execute(update(table).where(condition).values(**changed))
            self.counts[f"{table.name} updated"] += 1
        return current["id"]

    async def exists(self, table: t.Table, **key: Any) -> bool:
        condition = and_(*(table.c[name] == value for name, value in key.items()))
        found = await self.connection.execute(select(table.c.id).where(condition))
        return found.first() is not None

    async def replace(
        self, table: t.Table, parent: Any, children: Sequence[Mapping[str, Any]]
    ) -> None:
        """The children exactly as the file lists them (a tariff's rates): when they differ
        from what is kept, the old go and the new come."""
        kept = (await self.connection.execute(select(table).where(parent))).all()
        columns = [c.name for c in table.c if c.name != "id"]
        if sorted(tuple(row._mapping[c] for c in columns) for row in kept) == sorted(
            tuple(child[c] for c in columns) for child in children
        ):
            return
        await self.prune(table, parent, true())
        if children:
            await self.connection.execute(insert(table), list(children))
            self.counts[f"{table.name} created"] += len(children)

    async def prune(self, table: t.Table, parent: Any, keep: Any) -> None:
        """Removes the children a newer file no longer lists."""
        result = await self.connection.execute(delete(table).where(parent, keep))
        if result.rowcount:
            self.counts[f"{table.name} removed"] += result.rowcount

    async def ids(self, table: t.Table, key: str) -> dict[Any, int]:
        rows = await self.connection.execute(select(table.c[key], table.c.id))
        return {row[0]: row[1] for row in rows}


class _References:
    """Resolves the file's references against the file and what the database already holds,
    collecting every problem before refusing."""

    def __init__(
        self,
        file: BillingFile,
        suppliers: set[str],
        accounts: set[str],
        contracts: set[tuple[str, str, str]],
    ) -> None:
        self.suppliers = suppliers | {s.code for s in file.suppliers}
        self.accounts = accounts | {a.number for a in file.accounts}
        self.contracts = contracts | {(c.account, c.supplier, c.service) for c in file.contracts}
        self.problems: list[str] = []

    def check(
        self,
        where: str,
        *,
        account: str | None = None,
        supplier: str | None = None,
        contract: tuple[str, str, str] | None = None,
    ) -> None:
        if account is not None and account not in self.accounts:
            self.problems.append(f"{where}.account: unknown account {account!r}")
        if supplier is not None and supplier not in self.suppliers:
            self.problems.append(f"{where}.supplier: unknown supplier {supplier!r}")
        if contract is not None and contract not in self.contracts:
            self.problems.append(
                f"{where}: no contract of account {contract[0]!r} with supplier "
                f"{contract[1]!r} for service {contract[2]!r}"
            )


def _repeated(places: Iterable[tuple[Hashable, str]]) -> list[str]:
    """Records a file names twice, each problem naming both places."""
    first: dict[Hashable, str] = {}
    problems = []
    for key, place in places:
        if key in first:
            problems.append(f"{place}: the same record as {first[key]}")
        else:
            first[key] = place
    return problems


def _check(
    file: BillingFile,
    suppliers: set[str],
    accounts: set[str],
    contracts: set[tuple[str, str, str]],
) -> None:
    refs = _References(file, suppliers, accounts, contracts)
    refs.problems += _repeated(
        (a.number, f"accounts[{i}] (number {a.number})") for i, a in enumerate(file.accounts)
    )
    refs.problems += _repeated(
        (p.id, f"payments[{i}] (id {p.id})") for i, p in enumerate(file.payments)
    )
    refs.problems += _repeated(
        (
            (m.account, m.number, r.zone, r.taken_at),
            f"meters[{i}] (number {m.number}).readings[{j}]",
        )
        for i, m in enumerate(file.meters)
        for j, r in enumerate(m.readings)
    )
    for i, c in enumerate(file.contracts):
        refs.check(f"contracts[{i}]", account=c.account, supplier=c.supplier)
    for i, m in enumerate(file.meters):
        where = f"meters[{i}] (number {m.number})"
        refs.check(where, account=m.account)
        if m.contract:
            refs.check(
                f"{where}.contract", contract=(m.account, m.contract.supplier, m.contract.service)
            )
        before, after = _digits(m.digits)
        for j, r in enumerate(m.readings):
            if not fits_digits(r.value, before, after):
                refs.problems.append(
                    f"{where}.readings[{j}].value: {r.value} does not fit the meter's "
                    f"digits {m.digits}"
                )
            if r.zone not in zones_of(m.zones):
                refs.problems.append(
                    f"{where}.readings[{j}].zone: {r.zone} is not a zone of this meter"
                )
    for i, b in enumerate(file.bills):
        refs.check(f"bills[{i}] (period {b.period})", account=b.account)
        for j, line in enumerate(b.suppliers):
            refs.check(f"bills[{i}] (period {b.period}).suppliers[{j}]", supplier=line.supplier)
    for i, p in enumerate(file.payments):
        where = f"payments[{i}] (id {p.id})"
        refs.check(where, account=p.account)
        for j, item in enumerate(p.items):
            refs.check(f"{where}.items[{j}]", contract=(p.account, item.supplier, item.service))
    if refs.problems:
        raise ImportRefused(refs.problems)


async def _contracts(connection: AsyncConnection) -> set[tuple[str, str, str]]:
    """The contracts the database holds, as a file names them: account, supplier, service."""
    rows = await connection.execute(
        select(t.accounts.c.number, t.suppliers.c.code, t.contracts.c.service)
        .join(t.accounts, t.accounts.c.id == t.contracts.c.account_id)
        .join(t.suppliers, t.suppliers.c.id == t.contracts.c.supplier_id)
    )
    return {(number, code, service) for number, code, service in rows}


async def import_billing(
    engine: AsyncEngine, text: str, now: datetime | None = None
) -> Counter[str]:
    """Imports a billing file; returns what was created, updated and removed, per table.
    Raises :class:`ImportRefused` and writes nothing when anything in the file is wrong."""
    file = parse(text)
    async with engine.begin() as connection:
        writer = _Writer(connection, now or datetime.now(UTC))
        supplier_ids = await writer.ids(t.suppliers, "code")
        account_ids = await writer.ids(t.accounts, "number")
        _check(file, set(supplier_ids), set(account_ids), await _contracts(connection))
        await _write(writer, file, supplier_ids, account_ids)
        return writer.counts


async def _write(
    writer: _Writer, file: BillingFile, supplier_ids: dict[str, int], account_ids: dict[str, int]
) -> None:
    for s in file.suppliers:
        supplier_ids[s.code] = await writer.upsert(
            t.suppliers, {"code": s.code}, s.model_dump(exclude={"code"})
        )
    for a in file.accounts:
        account_ids[a.number] = await writer.upsert(
            t.accounts, {"number": a.number}, a.model_dump(exclude={"number"})
        )

    contract_ids: dict[tuple[int, int, str], int] = {
        (row.account_id, row.supplier_id, row.service): row.id
        for row in await writer.connection.execute(select(t.contracts))
    }
    for c in file.contracts:
        key = (account_ids[c.account], supplier_ids[c.supplier], c.service)
        contract_ids[key] = await writer.upsert(
            t.contracts,
            {"account_id": key[0], "supplier_id": key[1], "service": c.service},
            c.model_dump(
                include={"supplier_account_number", "tariff_name", "tariff_value", "tariff_unit"}
            ),
        )
        for tariff in c.tariffs:
            tariff_id = await writer.upsert(
                t.tariffs,
                {"contract_id": contract_ids[key], "starts_on": tariff.starts_on},
                {"value": tariff.value, "period": tariff.period},
            )
            await writer.replace(
                t.tariff_rates,
                t.tariff_rates.c.tariff_id == tariff_id,
                [{"tariff_id": tariff_id, **rate.model_dump()} for rate in tariff.rates],
            )

    for m in file.meters:
        account_id = account_ids[m.account]
        before, after = _digits(m.digits)
        # A contract left out keeps the meter's; "contract": null takes it away.
        billed = (
            {
                "contract_id": contract_ids[
                    (account_id, supplier_ids[m.contract.supplier], m.contract.service)
                ]
                if m.contract
                else None
            }
            if "contract" in m.model_fields_set
            else {}
        )
        meter_id = await writer.upsert(
            t.meters,
            {"account_id": account_id, "number": m.number},
            {
                **billed,
                "service": m.service.value,
                "unit": m.unit,
                "digits_before": before,
                "digits_after": after,
                "zone_count": m.zones,
                "verified_until": m.verified_until,
            },
        )
        for r in m.readings:
            await _reading(writer, meter_id, r)

    for b in file.bills:
        bill_id = await writer.upsert(
            t.bills,
            {"account_id": account_ids[b.account], "period": _month(b.period)},
            {},
            created={"arrived_at": writer.now},
        )
        line_ids = []
        for line in b.suppliers:
            line_id = await writer.upsert(
                t.bill_suppliers,
                {"bill_id": bill_id, "supplier_id": supplier_ids[line.supplier]},
                line.model_dump(exclude={"supplier", "services"}),
            )
            line_ids.append(line_id)
            for position, service in enumerate(line.services, start=1):
                await writer.upsert(
                    t.bill_services,
                    {"bill_supplier_id": line_id, "position": position},
                    service.model_dump(),
                )
            await writer.prune(
                t.bill_services,
                t.bill_services.c.bill_supplier_id == line_id,
                t.bill_services.c.position > len(line.services),
            )
        await writer.prune(
            t.bill_suppliers,
            t.bill_suppliers.c.bill_id == bill_id,
            t.bill_suppliers.c.id.not_in(line_ids),
        )

    for p in file.payments:
        account_id = account_ids[p.account]
        items = {
            contract_ids[(account_id, supplier_ids[i.supplier], i.service)]: i.amount
            for i in p.items
        }
        values = {
            "account_id": account_id,
            "status": "succeeded",
            "amount": sum(items.values(), Decimal("0.00")),
            "created_at": p.paid_at,
            "paid_at": p.paid_at,
            "in_billing": True,
        }
        match: dict[str, Any] = {"external_id": p.id}
        if p.provider_payment_id and await writer.exists(
            t.payments, provider_payment_id=p.provider_payment_id
        ):
            match = {"provider_payment_id": p.provider_payment_id}
            values["external_id"] = p.id
            del values["created_at"]  # when the resident started it, which billing never saw
        payment_id = await writer.upsert(t.payments, match, values)
        for contract_id, amount in items.items():
            await writer.upsert(
                t.payment_items,
                {"payment_id": payment_id, "contract_id": contract_id},
                {"amount": amount},
            )
        # A payment imported again is as the newer file has it: items it no longer lists go.
        await writer.prune(
            t.payment_items,
            t.payment_items.c.payment_id == payment_id,
            t.payment_items.c.contract_id.not_in(list(items)),
        )

    for f in file.faq:
        await writer.upsert(
            t.faq_entries,
            {"locale": f.locale, "position": f.position},
            {"question": f.question, "answer": f.answer},
        )


async def _reading(writer: _Writer, meter_id: int, r: ReadingIn) -> None:
    """A reading of billing's own is kept as billing has it. One sent through the bot comes
    back with what billing did with it: found by its month (the bot keeps one a month), it
    takes the status, and the resident hears when billing replaced it."""
    month = _month(r.billing_month)
    outcome = {
        "status": r.status,
        "used_in": _month(r.used_in) if r.used_in else None,
        "reason": r.reason,
    }
    readings = t.readings.c
    own = (
        (
            await writer.connection.execute(
                select(readings.id, readings.status).where(
                    readings.meter_id == meter_id,
                    readings.zone == r.zone.value,
                    readings.billing_month == month,
                    readings.source.in_(OWN_SOURCES),
                )
            )
        ).one_or_none()
        if r.source.ours
        else None
    )
    if own is None:  # billing's own, or the bot's sent before this database kept it
        await writer.upsert(
            t.readings,
            {"meter_id": meter_id, "zone": r.zone.value, "taken_at": r.taken_at},
            {"value": r.value, "billing_month": month, "source": r.source.value, **outcome},
        )
        return
    reading_id = await writer.upsert(t.readings, {"id": own.id}, outcome)
    if r.status is ReadingStatus.REPLACED and own.status != ReadingStatus.REPLACED:
        await writer.notifications.queue_reading_replaced(reading_id, writer.now)


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
