"""Realistic billing files for the import's benchmark: N accounts, M months, written as they
are generated (never held whole), in JSON Lines or as one JSON document.

Each account has a supplier's electricity contract with a tariff, an EPD account a heating
contract too; a meter for electricity (a third of them two-zone) and, on every other
account, a hot-water meter; per month a reading per meter and zone, a bill whose service
lines follow from those readings and tariffs (quantity × tariff = charged, to the kopeck),
and a payment of last month's bill.

``python -m tests.bench.billing_file ACCOUNTS MONTHS FILE [--json]``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TextIO

from storage.demo import SUPPLIERS as DEMO_SUPPLIERS

# The demo's: its electricity supplier and its heating one.
SUPPLIERS = [s for s in DEMO_SUPPLIERS if s["code"] in ("tes", "ztk")]
DAY, NIGHT, SINGLE = Decimal("5.22"), Decimal("2.98"), Decimal("4.61")
HEAT = Decimal("1947.69")
KOPECK = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(KOPECK, ROUND_HALF_UP))


def _months(first: date, count: int) -> list[date]:
    out = []
    year, month = first.year, first.month
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def records(
    accounts: int, months: int, last: date = date(2026, 10, 1)
) -> Iterator[tuple[str, Any]]:
    """(section, record) in the order a billing system would write them."""
    for supplier in SUPPLIERS:
        yield "suppliers", supplier
    back = last.year * 12 + last.month - 1 - (months - 1)
    periods = _months(date(back // 12, back % 12 + 1, 1), months)
    for n in range(accounts):
        yield from _account(n, periods)


def _account(n: int, periods: list[date]) -> Iterator[tuple[str, Any]]:
    number = f"9{n:011d}"
    epd = n % 2 == 0
    two_zone = n % 3 == 0
    area = Decimal(30 + n % 60) + Decimal("0.40")
    yield (
        "accounts",
        {
            "number": number,
            "kind": "epd" if epd else "electricity",
            "address": f"634050, г. Томск, ул. Генераторная, д.{n // 200 + 1}, кв.{n % 200 + 1}",
            "owner_name": "Житель Иван Иванович",
            "total_area": str(area),
            "living_area": str(area),
            "registered_persons": 1 + n % 4,
            "link_code": f"{100000 + n % 900000}",
        },
    )
    zones = ["day", "night"] if two_zone else ["single"]
    prices = {"day": DAY, "night": NIGHT, "single": SINGLE}
    power = "Электроэнергия"
    yield (
        "contracts",
        {
            "account": number,
            "supplier": "tes",
            "service": power,
            "supplier_account_number": f"8{n:011d}",
            "tariff_name": "Население, двухзонный" if two_zone else "Население",
            "tariff_value": str(SINGLE),
            "tariff_unit": "кВт·ч",
            "tariffs": [
                {
                    "starts_on": "2024-07-01",
                    "value": str(SINGLE),
                    "period": "Один месяц",
                    "rates": [{"zone": z, "value": str(prices[z])} for z in zones],
                }
            ],
        },
    )
    if epd:
        yield (
            "contracts",
            {
                "account": number,
                "supplier": "ztk",
                "service": "Отопление",
                "supplier_account_number": f"7{n:011d}",
                "tariff_name": "Отопление, 0,028 Гкал на м2",
                "tariff_value": str(HEAT),
                "tariff_unit": "Гкал",
                "tariffs": [
                    {"starts_on": "2024-07-01", "value": str(HEAT), "period": "Один месяц"}
                ],
            },
        )
    # Readings are taken between the 20th and the 25th, at any minute of the day.
    day, hour, minute = 20 + n % 6, n // 6 % 24, n // 144 % 60
    when = f"{day:02d}T{hour:02d}:{minute:02d}:00+07:00"
    use = {z: Decimal(120 + n % 90) if z != "night" else Decimal(60 + n % 40) for z in zones}
    readings = []
    value = {z: Decimal(1000 + n % 5000) for z in zones}
    charges: list[dict[str, Decimal]] = []
    for period in periods:
        month: dict[str, Decimal] = {}
        for z in zones:
            value[z] += use[z]
            month[z] = use[z]
            readings.append(
                {
                    "zone": z,
                    "value": f"{value[z]}.0",
                    "taken_at": f"{period:%Y-%m}-{when}",
                    "billing_month": f"{period:%Y-%m}",
                    "used_in": f"{period:%Y-%m}",
                }
            )
        charges.append(month)
    yield (
        "meters",
        {
            "account": number,
            "number": f"5{n:011d}",
            "service": "electricity",
            "contract": {"supplier": "tes", "service": power},
            "unit": "кВт·ч",
            "digits": "6.1",
            "zones": len(zones),
            "verified_until": "2031-01-01",
            "readings": readings,
        },
    )
    if n % 2 == 1:
        yield (
            "meters",
            {
                "account": number,
                "number": f"6{n:011d}",
                "service": "hot_water",
                "unit": "м3",
                "digits": "5.3",
                "verified_until": "2030-06-01",
                "readings": [
                    {
                        "value": f"{100 + i * 3}.000",
                        "taken_at": f"{period:%Y-%m}-{when}",
                        "billing_month": f"{period:%Y-%m}",
                    }
                    for i, period in enumerate(periods)
                ],
            },
        )
    # The month before the file's first was billed alike, and is paid in its first month.
    debt = sum(((use[z] * prices[z]).quantize(KOPECK, ROUND_HALF_UP) for z in zones), KOPECK * 0)
    heat = (area * Decimal("0.028") * HEAT).quantize(KOPECK, ROUND_HALF_UP)
    for period, month in zip(periods, charges, strict=True):
        lines = []
        for z in zones:
            charged = (month[z] * prices[z]).quantize(KOPECK, ROUND_HALF_UP)
            lines.append(
                (f"{power} ({z})" if len(zones) > 1 else power, month[z], prices[z], charged)
            )
        paid = debt  # last month's bill, paid in full
        blocks = [_block("tes", lines, debt, paid, "кВт·ч")]
        if epd:
            blocks.append(
                _block(
                    "ztk",
                    [("Отопление", area * Decimal("0.028"), HEAT, heat)],
                    Decimal(0),
                    Decimal(0),
                    "Гкал",
                )
            )
        yield "bills", {"account": number, "period": f"{period:%Y-%m}", "suppliers": blocks}
        if paid:
            yield (
                "payments",
                {
                    "id": f"bank-{number}-{period:%Y%m}",
                    "account": number,
                    "paid_at": f"{period:%Y-%m}-05T12:00:00+07:00",
                    "items": [{"supplier": "tes", "service": power, "amount": _money(paid)}],
                },
            )
        debt = sum((line[3] for line in lines), Decimal("0.00"))


def _block(
    supplier: str,
    lines: list[tuple[str, Decimal, Decimal, Decimal]],
    debt: Decimal,
    paid: Decimal,
    unit: str,
) -> dict[str, Any]:
    charged = sum((line[3] for line in lines), Decimal("0.00"))
    services = []
    for i, (service, quantity, tariff, amount) in enumerate(lines):
        share_debt = debt if i == 0 else Decimal("0.00")  # the debt carried on the first line
        share_paid = paid if i == 0 else Decimal("0.00")
        services.append(
            {
                "service": service,
                "unit": unit,
                "quantity": str(quantity.quantize(Decimal("0.000001"))),
                "tariff": str(tariff),
                "price_per_unit": str(tariff),
                "debt_start": _money(share_debt),
                "paid": _money(share_paid),
                "charged": _money(amount),
                "debt_end": _money(share_debt - share_paid + amount),
            }
        )
    return {
        "supplier": supplier,
        "debt_start": _money(debt),
        "paid": _money(paid),
        "charged": _money(charged),
        "to_pay": _money(debt - paid + charged),
        "services": services,
    }


def write(
    out: TextIO, accounts: int, months: int, *, lines: bool = True, last: date = date(2026, 10, 1)
) -> None:
    """The file, record by record: JSON Lines, or one JSON document grouped by section (the
    records of each section generated again, to keep memory flat)."""
    if lines:
        out.write('{"format": "tes-billing/1"}\n')
        for section, record in records(accounts, months, last):
            out.write(json.dumps({section: record}, ensure_ascii=False))
            out.write("\n")
        return
    out.write('{"format": "tes-billing/1"')
    for wanted in ("suppliers", "accounts", "contracts", "meters", "bills", "payments"):
        out.write(f',\n"{wanted}": [')
        first = True
        for section, record in records(accounts, months, last):
            if section == wanted:
                out.write(("" if first else ",\n") + json.dumps(record, ensure_ascii=False))
                first = False
        out.write("]")
    out.write("}\n")


if __name__ == "__main__":
    path = Path(sys.argv[3])
    with path.open("w", encoding="utf-8") as file:
        write(file, int(sys.argv[1]), int(sys.argv[2]), lines="--json" not in sys.argv)
