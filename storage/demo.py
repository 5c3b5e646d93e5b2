"""Realistic demo data, written through the same import as the billing system's files.

Five accounts in the Tomsk region with the suppliers the user guide names, twelve months of
bills up to last month, meters (a day/night electricity meter and a water meter whose
verification has expired among them), readings, payments and tariff history. The numbers are
made from a fixed seed, so every demo is the same but for the months it ends on, and for
its link codes: those are made for each database, or anyone who ever saw a demo could link
the accounts of another install's.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.charges import in_force, price
from domain.model import Rate, Tariff, Zone, zones_of
from domain.money import money
from storage.billing import import_billing
from storage.database import Database

FAQ_FILE = Path(__file__).with_name("seed") / "faq.json"

SUPPLIERS = [
    {
        "code": "tes",
        "name": 'ПАО "Томскэнергосбыт"',
        "inn": "7017114680",
        "bank_name": "ТОМСКОЕ ОТДЕЛЕНИЕ №8616 ПАО СБЕРБАНК",
        "bic": "046902606",
        "settlement_account": "40702810264000008260",
        "correspondent_account": "30101810800000000606",
    },
    {
        "code": "trts",
        "name": 'АО "ТомскРТС"',
        "inn": "7017351521",
        "bank_name": "Ф-Л БАНКА ГПБ (АО) В Г. ТОМСКЕ",
        "bic": "046902758",
        "settlement_account": "40702810910000002033",
        "correspondent_account": "30101810500000000758",
    },
    {
        "code": "oktyabrskoe",
        "name": 'МУП ЖКХ "Октябрьское"',
        "inn": "7014056210",
        "bank_name": "ТОМСКОЕ ОТДЕЛЕНИЕ №8616 ПАО СБЕРБАНК",
        "bic": "046902606",
        "settlement_account": "40702810664000011432",
        "correspondent_account": "30101810800000000606",
    },
    {
        "code": "ztk",
        "name": 'ООО "ЗТК"',
        "inn": "7014059187",
        "bank_name": "ТОМСКОЕ ОТДЕЛЕНИЕ №8616 ПАО СБЕРБАНК",
        "bic": "046902606",
        "settlement_account": "40702810464000012875",
        "correspondent_account": "30101810800000000606",
    },
    {
        "code": "komservis",
        "name": 'ООО "Комсервис+М"',
        "inn": "7014062380",
        "bank_name": "ТОМСКИЙ ФИЛИАЛ АО «БАНК ЛЕВОБЕРЕЖНЫЙ»",
        "bic": "046902883",
        "settlement_account": "40702810820050003310",
        "correspondent_account": "30101810300000000883",
    },
    {
        "code": "tvk",
        "name": 'МУП Мирненского сельского поселения "ТВК"',
        "inn": "7014058113",
        "bank_name": "ТОМСКОЕ ОТДЕЛЕНИЕ №8616 ПАО СБЕРБАНК",
        "bic": "046902606",
        "settlement_account": "40702810164000009922",
        "correspondent_account": "30101810800000000606",
    },
]


@dataclass(frozen=True)
class _Service:
    supplier: str
    name: str
    unit: str
    tariff: Decimal
    norm: Decimal  # a month's quantity per unit of ``basis`` (per person for a meter's)
    tariff_name: str
    # What the quantity follows: "meter" (its readings, or the norm per person where a meter
    # cannot be read), "area" (the flat's total area) or "persons" (those registered).
    basis: str = "meter"


@dataclass(frozen=True)
class _Meter:
    number: str
    service: str
    contract: str  # the _Service name it is billed under
    unit: str
    start: Decimal
    monthly: Decimal  # the usual consumption a month
    verified_until: date
    zones: int = 1
    night: str | None = None  # the _Service name a two-zone meter's night is billed under


@dataclass(frozen=True)
class _Account:
    number: str
    kind: str
    address: str
    owner_name: str
    area: Decimal
    persons: int
    services: tuple[_Service, ...]
    meters: tuple[_Meter, ...]
    pays: bool = True  # a resident who does not pay runs up a debt and penalties


_ELECTRICITY = _Service(
    "tes",
    "Электроэнергия",
    "кВт·ч",
    Decimal("3.25"),
    Decimal("180"),
    "Население, городское, плиты газовые",
)

ACCOUNTS = [
    _Account(
        "700100103492",
        "epd",
        "634583, Томская обл., Томский р-н, Октябрьское с., Ласточкина ул., д.13, кв.11",
        "Малашта Светлана Михайловна",
        Decimal("60.60"),
        1,
        (
            _Service(
                "oktyabrskoe",
                "Холодная вода",
                "м3",
                Decimal("41.18"),
                Decimal("4"),
                "Октябрьское с., Холодная вода",
            ),
            _Service(
                "oktyabrskoe",
                "Горячая вода",
                "м3",
                Decimal("198.60"),
                Decimal("3"),
                "Октябрьское с., Горячая вода",
            ),
            _Service(
                "ztk",
                "Отопление (Клов)",
                "Гкал",
                Decimal("1947.69"),
                Decimal("0.028"),
                "Октябрьское с., Отопление (Клов), 0,028 Гкал. на м2",
                "area",
            ),
            _Service(
                "komservis",
                "Содержание жилья",
                "м2",
                Decimal("21.40"),
                Decimal("1"),
                "Содержание жилья, благоустроенный дом",
                "area",
            ),
            _Service(
                "komservis",
                "Вывоз ТБО",
                "чел.",
                Decimal("118.50"),
                Decimal("1"),
                "Вывоз ТБО, Томский район",
                "persons",
            ),
        ),
        (
            _Meter(
                "517480",
                "hot_water",
                "Горячая вода",
                "м3",
                Decimal("54"),
                Decimal("3"),
                date(2099, 1, 1),
            ),
            _Meter(
                "521362",
                "hot_water",
                "Горячая вода",
                "м3",
                Decimal("12"),
                Decimal("1.5"),
                date(2099, 1, 1),
            ),
            _Meter(
                "927210",
                "cold_water",
                "Холодная вода",
                "м3",
                Decimal("9"),
                Decimal("2.5"),
                date(2031, 7, 5),
            ),
            _Meter(
                "927213",
                "cold_water",
                "Холодная вода",
                "м3",
                Decimal("51"),
                Decimal("1.5"),
                date(2023, 7, 5),
            ),
        ),
        pays=False,
    ),
    _Account(
        "800200415527",
        "electricity",
        "634050, г. Томск, Советская ул., д.16, кв.1",
        "Клековкина Юлия Владимировна",
        Decimal("45.20"),
        2,
        (
            _Service(
                "tes",
                "Электроэнергия (день)",
                "кВт·ч",
                Decimal("3.87"),
                Decimal("150"),
                "Население, двухзонный, дневная зона",
            ),
            _Service(
                "tes",
                "Электроэнергия (ночь)",
                "кВт·ч",
                Decimal("2.21"),
                Decimal("90"),
                "Население, двухзонный, ночная зона",
            ),
        ),
        (
            _Meter(
                "201704012803",
                "electricity",
                "Электроэнергия (день)",
                "кВт·ч",
                Decimal("10412"),
                Decimal("150"),
                date(2032, 4, 1),
                zones=2,
                night="Электроэнергия (ночь)",
            ),
        ),
    ),
    _Account(
        "830300527718",
        "epd",
        "634021, г. Томск, Иркутская ул., д.69, кв.45",
        "Лагуткин Андрей Сергеевич",
        Decimal("34.70"),
        1,
        (
            _ELECTRICITY,
            _Service(
                "trts",
                "Отопление",
                "Гкал",
                Decimal("2711.96"),
                Decimal("0.0216"),
                "Тепловая энергия, население, г. Томск",
                "area",
            ),
            _Service(
                "trts",
                "Горячая вода",
                "м3",
                Decimal("198.60"),
                Decimal("2.5"),
                "Горячее водоснабжение, закрытая система",
            ),
        ),
        (
            _Meter(
                "39874512",
                "electricity",
                "Электроэнергия",
                "кВт·ч",
                Decimal("23051"),
                Decimal("180"),
                date(2030, 9, 1),
            ),
            _Meter(
                "114509",
                "hot_water",
                "Горячая вода",
                "м3",
                Decimal("211.4"),
                Decimal("2.5"),
                date(2028, 2, 15),
            ),
        ),
    ),
    _Account(
        "922083100417",
        "epd",
        "634539, Томская обл., Томский р-н, Мирный п., Трудовая ул., д.4, кв.1",
        "Соколова Ирина Петровна",
        Decimal("52.00"),
        3,
        (
            _ELECTRICITY,
            _Service(
                "tvk",
                "Холодная вода",
                "м3",
                Decimal("44.72"),
                Decimal("9"),
                "Мирный п., Холодное водоснабжение",
            ),
        ),
        (
            _Meter(
                "00731955",
                "electricity",
                "Электроэнергия",
                "кВт·ч",
                Decimal("5120"),
                Decimal("180"),
                date(2029, 11, 30),
            ),
            _Meter(
                "611204",
                "cold_water",
                "Холодная вода",
                "м3",
                Decimal("310.25"),
                Decimal("9"),
                date(2027, 5, 20),
            ),
        ),
    ),
    _Account(
        "801400622390",
        "electricity",
        "634041, г. Томск, Тракторная ул., д.14, кв.7",
        "Ветров Михаил Александрович",
        Decimal("28.30"),
        1,
        (_ELECTRICITY,),
        (
            _Meter(
                "15026637",
                "electricity",
                "Электроэнергия",
                "кВт·ч",
                Decimal("48110"),
                Decimal("120"),
                date(2034, 6, 1),
            ),
        ),
    ),
]

# Tariffs change twice a year, as Russian utility tariffs do: from the 1st of January and July.
_TARIFF_STEPS = (Decimal("0.95"), Decimal("0.97"), Decimal("1.00"))
_SUPPLIER_ACCOUNT_PREFIX = {
    "tes": "83",
    "trts": "70",
    "oktyabrskoe": "88",
    "ztk": "87",
    "komservis": "94",
    "tvk": "92",
}
_TOMSK = timedelta(hours=7)
_SOCIAL_NORM = Decimal("150")  # kWh a month at the lower price; above it costs more
_ABOVE_NORM = Decimal("1.35")
_NIGHT_SHARE = Decimal("0.57")  # the night zone's price to the day's
_NIGHT_USE = Decimal("0.6")  # what a two-zone meter counts at night to what it counts by day
# A month's penalty on a debt left unpaid: 1/300 of the key rate (21 %) a day, and more
# after the third month, taken here as one rate.
_PENALTY = Decimal("0.021")
_ABOVE = " сверх соц. нормы"  # a band line's name, after its service's
_BY_NORM = " по нормативу"  # a meter that cannot be read is billed by the norm


def _months(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


def _at(day: date, hour: int) -> str:
    return (datetime.combine(day, time(hour)) - _TOMSK).replace(tzinfo=UTC).isoformat()


def _tariffs(account: _Account, service: _Service, today: date) -> list[Tariff]:
    starts = [date(today.year - 1 - i // 2, 7 if i % 2 == 0 else 1, 1) for i in range(3)]
    starts = [date(today.year, 7, 1) if today.month >= 7 else date(today.year, 1, 1), *starts]
    values = [service.tariff, *(money(service.tariff * step) for step in _TARIFF_STEPS)]
    return [
        Tariff(
            contract_id=0,
            starts_on=start,
            value=value,
            period="Один месяц",
            rates=_rates(account, service, value),
        )
        for start, value in zip(starts, values, strict=True)
    ]


def _rates(account: _Account, service: _Service, value: Decimal) -> list[Rate]:
    """Electricity is priced in bands (the social norm and above it); a two-zone meter's
    contract prices the night zone too."""
    if not service.name.startswith("Электроэнергия"):
        return []
    zones: list[tuple[Zone | None, Decimal]] = [(None, value)]
    if any(meter.zones == 2 and meter.contract == service.name for meter in account.meters):
        zones = [(Zone.DAY, value), (Zone.NIGHT, money(value * _NIGHT_SHARE))]
    return [
        Rate(zone=zone, above=above, value=price)
        for zone, base in zones
        for above, price in ((Decimal(0), base), (_SOCIAL_NORM, money(base * _ABOVE_NORM)))
    ]


def _contract(account: _Account, service: _Service, tariffs: list[Tariff]) -> dict[str, Any]:
    return {
        "account": account.number,
        "supplier": service.supplier,
        "service": service.name,
        "supplier_account_number": _SUPPLIER_ACCOUNT_PREFIX[service.supplier] + account.number[2:],
        "tariff_name": service.tariff_name,
        "tariff_value": str(service.tariff),
        "tariff_unit": service.unit,
        "tariffs": [
            {
                "starts_on": tariff.starts_on.isoformat(),
                "value": str(tariff.value),
                "period": tariff.period,
                "rates": [
                    {
                        **({"zone": rate.zone.value} if rate.zone else {}),
                        "above": str(rate.above),
                        "value": str(rate.value),
                    }
                    for rate in tariff.rates
                ],
            }
            for tariff in tariffs
        ],
    }


def _step(meter: _Meter) -> Decimal:
    return Decimal("0.001") if meter.unit == "м3" else Decimal("0.1")


# What a meter showed on the 20th of each month it was read, zone by zone.
_Dials = dict[date, dict[Zone, Decimal]]


def _read(meter: _Meter, months: list[date], rng: random.Random) -> _Dials:
    step = _step(meter)
    shown: _Dials = {}
    value = dict.fromkeys(zones_of(meter.zones), meter.start)
    for month in months:
        used = meter.monthly * Decimal(rng.uniform(0.7, 1.3))
        for zone in value:
            value[zone] += (used * (_NIGHT_USE if zone is Zone.NIGHT else 1)).quantize(step)
        if month.replace(day=20) <= meter.verified_until:
            shown[month] = dict(value)
    return shown


def _readings(account: _Account, shown: _Dials, step: Decimal, months: list[date]) -> list[Any]:
    readings = []
    for month, zones in shown.items():
        for zone, value in zones.items():
            reading = {
                "zone": zone.value,
                "value": str(value),
                "taken_at": _at(month.replace(day=20), 10),
                "billing_month": month.strftime("%Y-%m"),
                "used_in": month.strftime("%Y-%m"),
            }
            if month == months[-3] and account is ACCOUNTS[0]:
                # A resident's reading that an inspector's replaced, as the readings history
                # shows it.
                readings.append(
                    {
                        **reading,
                        "value": str(value + step * 400),
                        "taken_at": _at(month.replace(day=17), 19),
                        "source": "resident",
                        "status": "replaced",
                        "reason": "контрольное снятие показаний",
                    }
                )
                reading["source"] = "inspector"
            readings.append(reading)
    return readings


@dataclass(frozen=True)
class _Line:
    """A service line of a bill: a quantity at a price."""

    name: str
    unit: str
    quantity: Decimal
    price: Decimal

    @property
    def amount(self) -> Decimal:
        return money(self.quantity * self.price)


def _charges(
    account: _Account,
    month: date,
    tariffs: dict[str, list[Tariff]],
    dials: dict[str, _Dials],
) -> dict[str, list[_Line]]:
    """A month's lines by the service they are billed under, by the rules the bot's estimate
    uses (domain/charges.py): a meter's consumption between its readings, priced band by band
    by its contract's tariff in force; the rest by the flat's area or its persons."""
    previous = (month - timedelta(days=1)).replace(day=1)
    lines: dict[str, list[_Line]] = {service.name: [] for service in account.services}
    for service in account.services:
        tariff = in_force(tariffs[service.name], month)
        assert tariff is not None
        if service.basis != "meter":
            base = account.area if service.basis == "area" else Decimal(account.persons)
            line = _Line(service.name, service.unit, base * service.norm, tariff.value)
            lines[service.name].append(line)
            continue
        consumption: dict[Zone, Decimal] = {}
        places = 0
        for meter in (m for m in account.meters if m.contract == service.name):
            places = -int(_step(meter).as_tuple().exponent)
            shown = dials[meter.number]
            if month not in shown or previous not in shown:
                quantity = service.norm * account.persons
                line = _Line(service.name + _BY_NORM, service.unit, quantity, tariff.value)
                lines[service.name].append(line)
                continue
            for zone, value in shown[month].items():
                consumption[zone] = (
                    consumption.get(zone, Decimal(0)) + value - shown[previous][zone]
                )
        night = next((m.night for m in account.meters if m.contract == service.name), None)
        for band in price(tariff, consumption, places)[0] if consumption else ():
            name = night if band.zone is Zone.NIGHT and night else service.name
            lines[name].append(
                _Line(
                    name + (_ABOVE if band.above else ""), service.unit, band.quantity, band.price
                )
            )
    return lines


def new_link_codes() -> dict[str, str]:
    """A link code for each demo account, by number."""
    return {a.number: f"{secrets.randbelow(1_000_000):06d}" for a in ACCOUNTS}


def demo_billing(today: date, link_codes: Mapping[str, str]) -> dict[str, Any]:
    """The demo as a billing file, as it stands on ``today``: a year of bills up to last
    month's (this month's comes once its readings are in), meters read by billing up to last
    month (this month's readings are the resident's to send; a meter past its verification
    was not read since, and is billed by the norm), each bill computed from its readings,
    the flat and the tariffs, each service's debt carried from bill to bill, so that the
    services add up to their supplier's block, the supplier's penalties a debt of their own."""
    rng = random.Random(20181206)
    # The month before the first bill is read too: the first bill counts from it.
    months = _months((today.replace(day=1) - timedelta(days=1)), 13)
    contracts, meters, bills, payments = [], [], [], []
    for account in ACCOUNTS:
        tariffs = {s.name: _tariffs(account, s, today) for s in account.services}
        contracts += [_contract(account, s, tariffs[s.name]) for s in account.services]
        dials = {}
        for meter in account.meters:
            dials[meter.number] = _read(meter, months, rng)
            service = next(s for s in account.services if s.name == meter.contract)
            meters.append(
                {
                    "account": account.number,
                    "number": meter.number,
                    "service": meter.service,
                    "contract": {"supplier": service.supplier, "service": service.name},
                    "unit": meter.unit,
                    "digits": f"6.{-int(_step(meter).as_tuple().exponent)}",
                    "zones": meter.zones,
                    "verified_until": meter.verified_until.isoformat(),
                    "readings": _readings(account, dials[meter.number], _step(meter), months),
                }
            )

        # What each line of each service owes, carried to the same line the next month; a
        # line not charged this month (a band not reached) stays on the bill while it owes.
        debts: dict[str, dict[str, tuple[Decimal, str, Decimal]]] = {
            s.name: {} for s in account.services
        }
        suppliers = list(dict.fromkeys(s.supplier for s in account.services))
        penalties = dict.fromkeys(suppliers, Decimal("0.00"))
        for month in months[1:]:
            charges = _charges(account, month, tariffs, dials)
            lines = []
            for supplier in suppliers:
                services, items, unpaid = [], [], Decimal(0)
                for service in (s for s in account.services if s.supplier == supplier):
                    owed = debts[service.name]
                    billed = [
                        (line.name, line.unit, line.quantity, line.price, line.amount)
                        for line in charges[service.name]
                    ]
                    names = {name for name, *_ in billed}
                    billed += [
                        (name, unit, Decimal(0), tariff, Decimal("0.00"))
                        for name, (debt, unit, tariff) in owed.items()
                        if name not in names and debt
                    ]
                    carried = {}
                    service_paid = Decimal(0)
                    for name, unit, quantity, tariff, amount in billed:
                        start = owed[name][0] if name in owed else Decimal("0.00")
                        pay = start if account.pays else money(start * Decimal("0.1"))
                        unpaid += start - pay
                        service_paid += pay
                        carried[name] = (start - pay + amount, unit, tariff)
                        services.append(
                            {
                                "service": name,
                                "unit": unit,
                                "quantity": str(quantity),
                                "tariff": str(tariff),
                                "price_per_unit": str(money(tariff)),
                                "debt_start": str(start),
                                "paid": str(pay),
                                "charged": str(amount),
                                "debt_end": str(carried[name][0]),
                            }
                        )
                    debts[service.name] = carried
                    if service_paid:
                        items.append(
                            {
                                "supplier": supplier,
                                "service": service.name,
                                "amount": str(service_paid),
                            }
                        )
                penalties[supplier] += money(unpaid * _PENALTY)
                total = {
                    key: sum((Decimal(s[key]) for s in services), Decimal("0.00"))
                    for key in ("debt_start", "paid", "charged", "debt_end")
                }
                lines.append(
                    {
                        "supplier": supplier,
                        "debt_start": str(total["debt_start"]),
                        "paid": str(total["paid"]),
                        "charged": str(total["charged"]),
                        "to_pay": str(total["debt_end"] + penalties[supplier]),
                        "penalties": str(penalties[supplier]),
                        "services": services,
                    }
                )
                if items:
                    payments.append(
                        {
                            "id": f"demo-{account.number}-{supplier}-{month:%Y%m}",
                            "account": account.number,
                            "paid_at": _at(month.replace(day=8), 12),
                            "items": items,
                        }
                    )
            bills.append(
                {"account": account.number, "period": month.strftime("%Y-%m"), "suppliers": lines}
            )

    return {
        "format": "tes-billing/1",
        "suppliers": SUPPLIERS,
        "accounts": [
            {
                "number": a.number,
                "kind": a.kind,
                "address": a.address,
                "owner_name": a.owner_name,
                "total_area": str(a.area),
                "living_area": str(a.area),
                "registered_persons": a.persons,
                "link_code": link_codes[a.number],
            }
            for a in ACCOUNTS
        ],
        "contracts": contracts,
        "meters": meters,
        "bills": bills,
        "payments": payments,
    }


def demo_file(today: date, link_codes: Mapping[str, str]) -> str:
    return json.dumps(demo_billing(today, link_codes), ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class DemoAccount:
    number: str
    kind: str
    address: str
    link_code: str
    latest_total: Decimal


async def seed_demo(database: Database, today: date) -> list[DemoAccount]:
    """Writes the FAQ and the demo billing data; returns what a person needs to link each
    demo account. Its bills arrived at the start of ``today``: news to nobody linked later.
    Accounts seeded before keep their link codes."""
    codes = new_link_codes() | {a.number: a.link_code for a in await demo_accounts(database)}
    await import_billing(database.engine, FAQ_FILE.read_text(encoding="utf-8"))
    await import_billing(
        database.engine, demo_file(today, codes), datetime.combine(today, time(), UTC)
    )
    return await demo_accounts(database)


async def demo_accounts(database: Database) -> list[DemoAccount]:
    """The demo accounts the database holds, with what a person needs to link each."""
    summary = []
    async with database.unit_of_work() as uow:
        for item in ACCOUNTS:
            account = await uow.accounts.by_number(item.number)
            if account is None or account.id is None:
                continue
            bill = await uow.bills.latest(account.id)
            summary.append(
                DemoAccount(
                    account.number,
                    account.kind.value,
                    account.address,
                    account.link_code,
                    bill.total if bill else Decimal("0.00"),
                )
            )
    return summary


async def is_empty(database: Database) -> bool:
    async with database.unit_of_work() as uow:
        return not await uow.accounts.all()
