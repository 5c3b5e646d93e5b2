"""The billing import, the readings export and the demo data."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from domain.charges import in_force, price
from domain.model import ReadingStatus, Zone
from domain.money import money
from storage import tables as t
from storage.billing import ImportRefused, format_readings, import_billing
from storage.database import Database
from storage.demo import demo_billing, demo_file, new_link_codes, seed_demo
from storage.migrate import upgrade
from tests.data import SUPPLIER, account, billing_file, contract, count_rows

TODAY = date(2026, 11, 24)


async def test_the_demo_imports_and_importing_it_again_changes_nothing(database):
    codes = new_link_codes()
    created = await import_billing(database.engine, demo_file(TODAY, codes))
    rows = await count_rows(database)

    again = await import_billing(database.engine, demo_file(TODAY, codes))

    assert created["accounts created"] == 5 and created["bills created"] == 60
    assert again == {}
    assert await count_rows(database) == rows


async def test_a_newer_file_updates_what_changed(database):
    data = demo_billing(TODAY, new_link_codes())
    await import_billing(database.engine, json.dumps(data, ensure_ascii=False))

    data["accounts"][0]["registered_persons"] = 3
    data["bills"][-1]["suppliers"][0]["to_pay"] = "999.99"
    data["bills"][-1]["suppliers"][0]["services"] = []
    counts = await import_billing(database.engine, json.dumps(data, ensure_ascii=False))

    assert counts["accounts updated"] == 1
    assert counts["bill_suppliers updated"] == 1
    assert counts["bill_services removed"] == 1
    async with database.unit_of_work() as uow:
        last = await uow.accounts.by_number(data["bills"][-1]["account"])
        bill = await uow.bills.latest(last.id)
    assert bill.suppliers[0].to_pay == Decimal("999.99")
    assert bill.suppliers[0].services == []


def raw_file(field: str, literal: str) -> str:
    """A file of one account whose ``field`` is written as ``literal``, as no JSON writer
    would write it. It does not start with its format, so the test below leaves it as it is."""
    text = json.dumps(account("800100103492", **{field: "RAW"}))
    return '{"accounts": [' + text.replace('"RAW"', literal) + '], "format": "tes-billing/1"}'


BROKEN = [
    ("{not json", "not valid JSON"),
    (
        billing_file(
            accounts=[{k: v for k, v in account("800100103492").items() if k != "link_code"}]
        ),
        "accounts[0] (number 800100103492).link_code: Field required",
    ),
    (
        billing_file(accounts=[account("800100103492", total_area="-45.20")]),
        "accounts[0] (number 800100103492).total_area: Input should be greater than or equal to 0",
    ),
    (
        billing_file(
            meters=[
                {
                    "account": "000000000001",
                    "number": "517480",
                    "service": "hot_water",
                    "unit": "м3",
                    "digits": "6.3",
                    "verified_until": "2099-01-01",
                }
            ]
        ),
        "meters[0] (number 517480).account: unknown account '000000000001'",
    ),
    (
        billing_file(
            accounts=[account("800100103492")],
            bills=[
                {
                    "account": "800100103492",
                    "period": "2018-13",
                    "suppliers": [
                        {
                            "supplier": "tes",
                            "debt_start": "0",
                            "paid": "0",
                            "charged": "0",
                            "to_pay": "0",
                        }
                    ],
                }
            ],
        ),
        "bills[0] (account 800100103492).period: String should match pattern",
    ),
    (
        billing_file(
            accounts=[account("800100103492")],
            bills=[
                {
                    "account": "800100103492",
                    "period": "2018-12",
                    "suppliers": [
                        {
                            "supplier": "tes",
                            "debt_start": "0",
                            "paid": "0",
                            "charged": "0",
                            "to_pay": "10.001",
                        }
                    ],
                }
            ],
        ),
        "to_pay: Decimal input should have no more than 2 decimal places",
    ),
    (json.dumps({"format": "something-else/2"}), "format: Input should be 'tes-billing/1'"),
    (
        billing_file(accounts=[account("800100103492", address="Томск " * 100)]),
        "accounts[0] (number 800100103492).address: String should have at most 500 characters",
    ),
    (
        billing_file(accounts=[account("800100103492", registered_persons=2**31)]),
        "accounts[0] (number 800100103492).registered_persons: Input should be less than or",
    ),
    (
        billing_file(accounts=[account("800100103492", owner_name="Клековкина\u0000")]),
        "accounts[0] (number 800100103492).owner_name: contains a character the database",
    ),
    (
        billing_file(accounts=[account("800100103492"), account("800100103492")]),
        "accounts[1] (number 800100103492): the same record as accounts[0] (number 800100103492)",
    ),
    ('{"faq": ' + "[" * 100_000 + "]" * 100_000 + ', "format": "tes-billing/1"}', "nested"),
    # A key named twice, which a JSON reader would take the last of without a word.
    (
        '{"accounts": [' + json.dumps(account("800100103492")) + '], "accounts": [],'
        ' "format": "tes-billing/1"}',
        'file: names "accounts" more than once',
    ),
    (
        '{"accounts": [' + json.dumps(account("800100103492"))[:-1] + ', "kind": "heat"}],'
        ' "format": "tes-billing/1"}',
        'accounts[0] (number 800100103492): names "kind" more than once',
    ),
    # Not UTF-8.
    (billing_file(accounts=[account("800100103492")]).encode("cp1251"), "not UTF-8: byte 0x"),
    (billing_file(accounts=[account("800100103492")]).encode("utf-16"), "not UTF-8 (UTF-16"),
    (billing_file(accounts=[account("800100103492")]).encode("utf-16-le"), "not UTF-8 (UTF-16"),
    (bytes(range(256)), "not UTF-8"),
    # Numbers longer than any field takes, refused where they stand and at once.
    (
        raw_file("registered_persons", "9" * 5000),
        "accounts[0] (number 800100103492).registered_persons: 9999999999…99999 (5000 characters)",
    ),
    (
        raw_file("registered_persons", "1e999999999"),
        "accounts[0] (number 800100103492).registered_persons: 1e999999999: a number too long or",
    ),
    (
        raw_file("total_area", "1e-999999999"),
        "accounts[0] (number 800100103492).total_area: 1e-999999999: a number too long or too",
    ),
    (
        billing_file(
            accounts=[account("800100103492")],
            contracts=[contract("800100103492", tariff_value="-3.87")],
        ),
        "contracts[0] (account 800100103492).tariff_value: Input should be greater than or",
    ),
]


@pytest.mark.parametrize(("text", "problem"), BROKEN)
async def test_a_broken_file_is_refused_whole(database, text, problem):
    await import_billing(database.engine, billing_file(suppliers=[SUPPLIER]))
    before = await count_rows(database)
    # The good records of the same file are not written either.
    if isinstance(text, str) and text.startswith('{"format": "tes-billing/1"'):
        data = json.loads(text)
        data["accounts"] = [*data.get("accounts", []), account("800100999999")]
        text = json.dumps(data, ensure_ascii=False)

    with pytest.raises(ImportRefused) as refused:
        await import_billing(database.engine, text)

    assert any(problem in line for line in refused.value.problems), refused.value.problems
    assert await count_rows(database) == before


async def test_a_reading_that_does_not_fit_its_meter_is_refused(database):
    meter = {
        "account": "800100103492",
        "number": "517480",
        "service": "hot_water",
        "unit": "м3",
        "digits": "6.3",
        "verified_until": "2099-01-01",
        "readings": [
            {
                "value": "1000000.000",
                "taken_at": "2018-11-06T10:00:00+07:00",
                "billing_month": "2018-11",
            }
        ],
    }
    with pytest.raises(ImportRefused) as refused:
        await import_billing(
            database.engine, billing_file(accounts=[account("800100103492")], meters=[meter])
        )
    assert refused.value.problems == [
        "meters[0] (number 517480).readings[0].value: 1000000.000 does not fit the "
        "meter's digits 6.3"
    ]


async def test_each_database_gets_demo_link_codes_of_its_own_and_keeps_them(database, tmp_path):
    other = Database(f"sqlite+aiosqlite:///{tmp_path / 'other.sqlite3'}")
    await upgrade(other.engine)
    try:
        ours = {a.number: a.link_code for a in await seed_demo(database, TODAY)}
        theirs = {a.number: a.link_code for a in await seed_demo(other, TODAY)}
    finally:
        await other.dispose()

    # One code in a million is the same by chance; five at once, never.
    assert ours.keys() == theirs.keys() and ours != theirs
    assert {a.number: a.link_code for a in await seed_demo(database, TODAY)} == ours


async def test_the_demo_has_what_the_guide_shows(database):
    summary = await seed_demo(database, TODAY)

    assert len(summary) >= 4
    assert {a.kind for a in summary} == {"epd", "electricity"}
    assert all("Томск" in a.address for a in summary)
    assert all(a.latest_total > 0 and len(a.link_code) == 6 for a in summary)
    async with database.engine.connect() as connection:
        suppliers = set((await connection.execute(select(t.suppliers.c.name))).scalars())
        meters = (await connection.execute(select(t.meters))).all()
        periods = (
            (await connection.execute(select(t.bills.c.period).where(t.bills.c.account_id == 1)))
            .scalars()
            .all()
        )
    assert {'ПАО "Томскэнергосбыт"', 'АО "ТомскРТС"', 'МУП ЖКХ "Октябрьское"'} <= suppliers
    # November's bill comes once November's readings are in: the latest is October's.
    assert len(periods) == 12 and max(periods) == date(2026, 10, 1)
    assert any(m.zone_count == 2 and m.service == "electricity" for m in meters)
    assert any(m.verified_until < TODAY for m in meters)
    assert {m.service for m in meters} >= {"electricity", "hot_water", "cold_water"}
    rows = await count_rows(database)
    assert rows["readings"] > 100 and rows["payments"] > 0 and rows["tariffs"] > 10
    assert rows["faq_entries"] == 18


async def test_the_demo_tells_a_consistent_story(database):
    """Every demo bill follows from its readings, the flat and the tariffs by the charge
    rules the estimate uses, and adds up as the bill shows it."""
    await seed_demo(database, TODAY)
    checked = 0
    async with database.unit_of_work() as uow:
        for account in await uow.accounts.all():
            meters = await uow.meters.of_account(account.id)
            readings = {m.id: await uow.readings.of_months([m], date.min, date.max) for m in meters}
            for bill in await uow.bills.of_account(account.id):
                services = [s for line in bill.suppliers for s in line.services]
                for line in bill.suppliers:
                    # The services add up to their supplier's block, the penalties a debt of
                    # their own.
                    assert (
                        line.debt_start
                        - line.paid
                        + line.charged
                        - line.social_support
                        + (line.corrections)
                        == line.debt_end
                        == sum(s.debt_end for s in line.services)
                    )
                    assert line.corrections == 0 and all(s.corrections == 0 for s in line.services)
                for s in services:
                    assert s.charged == money(s.quantity * s.tariff), s
                    assert s.debt_end == s.debt_start - s.paid + s.charged, s
                    if s.unit == "м2":
                        assert s.quantity == account.total_area
                    if s.unit == "чел.":
                        assert s.quantity == account.registered_persons
                # Each contract's metered consumption this month, priced by its tariff in
                # force, is what the bill charges.
                billed = Counter((s.quantity, s.tariff) for s in services)
                consumption: dict[int, dict[Zone, Decimal]] = defaultdict(dict)
                places = {}
                before = (bill.period - timedelta(days=1)).replace(day=1)
                for meter in meters:
                    counted = {
                        (r.zone, r.billing_month): r.value
                        for r in readings[meter.id]
                        if r.status is not ReadingStatus.REPLACED
                    }
                    for zone in meter.zones:
                        if (zone, bill.period) in counted and (zone, before) in counted:
                            used = consumption[meter.contract_id]
                            used[zone] = used.get(zone, Decimal(0)) + (
                                counted[zone, bill.period] - counted[zone, before]
                            )
                            places[meter.contract_id] = meter.digits_after
                for contract_id, used in consumption.items():
                    tariff = in_force(await uow.contracts.tariffs(contract_id), bill.period)
                    for band in price(tariff, used, places[contract_id])[0]:
                        assert billed[band.quantity, band.price] > 0, (bill.period, band)
                        billed[band.quantity, band.price] -= 1
                        checked += 1
    assert checked > 100
    async with database.unit_of_work() as uow:
        for account in await uow.accounts.all():
            # A line starts the month with what it owed at the end of the month before.
            ended: dict[str, Decimal] = {}
            for bill in sorted(await uow.bills.of_account(account.id), key=lambda b: b.period):
                lines = {s.service: s for line in bill.suppliers for s in line.services}
                carried = [name for name in lines if name in ended]
                assert all(lines[name].debt_start == ended[name] for name in carried), (
                    account.number,
                    bill.period,
                )
                ended = {name: s.debt_end for name, s in lines.items()}
            for meter in await uow.meters.of_account(account.id):
                taken = [
                    r.taken_at.date()
                    for r in await uow.readings.of_months([meter], date.min, date.max)
                ]
                # Nothing read past its verification, nor yet this month: that is the
                # resident's to send.
                assert all(day <= meter.verified_until for day in taken)
                assert all(day < TODAY.replace(day=1) for day in taken)


async def test_bill_totals_are_what_the_control_question_accepts(database):
    await seed_demo(database, TODAY)
    async with database.unit_of_work() as uow:
        epd = await uow.accounts.by_number("830300527718")  # electricity + ТомскРТС
        bill = await uow.bills.latest(epd.id)
    assert len(bill.totals) == 3  # each supplier's total and the grand total
    assert bill.totals[-1] == bill.total == sum(line.to_pay for line in bill.suppliers)


async def _submitted(database) -> None:
    await import_billing(
        database.engine, billing_file(suppliers=[SUPPLIER], accounts=[account("800100103492")])
    )
    async with database.engine.begin() as connection:
        meter_id = (
            await connection.execute(
                insert(t.meters)
                .values(
                    account_id=1,
                    number="201704012803",
                    service="electricity",
                    unit="кВт·ч",
                    digits_before=6,
                    digits_after=1,
                    zone_count=2,
                    verified_until=date(2032, 1, 1),
                )
                .returning(t.meters.c.id)
            )
        ).scalar_one()
        for zone, value, day, source in [
            ("day", "10412.5", 10, "resident"),
            ("night", "6000.0", 10, "device"),
            ("day", "10300.0", 1, "billing"),
            ("day", "10200.0", 3, "resident"),  # October's, sent in November
        ]:
            await connection.execute(
                insert(t.readings).values(
                    meter_id=meter_id,
                    zone=zone,
                    value=Decimal(value),
                    taken_at=datetime(2026, 11, day, 5, tzinfo=UTC),
                    billing_month=date(2026, 11 if day > 3 else 10, 1),
                    source=source,
                    status="received" if source == "billing" else "sent",
                    photo="AgACAgIAAxkBAAIB" if source == "resident" else None,
                )
            )


async def test_the_export_gives_the_billing_system_what_residents_submitted(database):
    await _submitted(database)
    async with database.unit_of_work() as uow:
        items = await uow.readings.submitted_since(datetime(2026, 11, 5, tzinfo=UTC))

    rows = list(csv.DictReader(io.StringIO(format_readings(items, "csv"))))
    assert rows == [
        {
            "account": "800100103492",
            "meter": "201704012803",
            "zone": "day",
            "value": "10412.5",
            "taken_at": "2026-11-10T05:00:00+00:00",
            "billing_month": "2026-11",
            "source": "resident",
            "reading": str(items[0].reading.id),
            "photo": "yes",  # staff see it with /photo and the reading's number
        },
        {
            "account": "800100103492",
            "meter": "201704012803",
            "zone": "night",
            "value": "6000.0",
            "taken_at": "2026-11-10T05:00:00+00:00",
            "billing_month": "2026-11",
            "source": "device",
            "reading": str(items[1].reading.id),
            "photo": "",
        },
    ]
    as_json = json.loads(format_readings(items, "json"))
    assert as_json["format"] == "tes-readings/1" and as_json["readings"] == rows


async def test_a_meter_number_too_long_and_a_reading_twice_are_named(database):
    meter = {
        "account": "800100103492",
        "number": "9" * 100,
        "service": "electricity",
        "unit": "кВт·ч",
        "digits": "6.1",
        "verified_until": "2030-01-01",
        "readings": [
            {"value": "10", "taken_at": "2026-11-20T10:00:00+07:00", "billing_month": "2026-11"},
            {"value": "11", "taken_at": "2026-11-20T10:00:00+07:00", "billing_month": "2026-11"},
        ],
    }
    text = billing_file(accounts=[account("800100103492")], meters=[meter])

    with pytest.raises(ImportRefused) as refused:
        await import_billing(database.engine, text)

    [problem] = refused.value.problems
    assert problem.endswith(").number: String should have at most 64 characters")
    meter["number"] = "201704012803"
    with pytest.raises(ImportRefused) as refused:
        await import_billing(
            database.engine, billing_file(accounts=[account("800100103492")], meters=[meter])
        )
    assert refused.value.problems == [
        "meters[0] (number 201704012803).readings[1]: the same record as "
        "meters[0] (number 201704012803).readings[0]"
    ]


async def test_a_payment_imported_again_with_other_items_replaces_them(database):
    await import_billing(database.engine, demo_file(date(2026, 11, 24), new_link_codes()))
    async with database.engine.connect() as connection:
        payment = (await connection.execute(select(t.payments).limit(1))).one()
        items = (
            await connection.execute(
                select(t.payment_items).where(t.payment_items.c.payment_id == payment.id)
            )
        ).all()
        contract = (
            await connection.execute(
                select(t.contracts, t.suppliers.c.code)
                .join(t.suppliers, t.suppliers.c.id == t.contracts.c.supplier_id)
                .where(t.contracts.c.id == items[0].contract_id)
            )
        ).one()
        number = (
            await connection.execute(
                select(t.accounts.c.number).where(t.accounts.c.id == payment.account_id)
            )
        ).scalar_one()
    again = {
        "id": payment.external_id,
        "account": number,
        "paid_at": payment.paid_at.isoformat(),
        "items": [{"supplier": contract.code, "service": contract.service, "amount": "1.00"}],
    }

    await import_billing(database.engine, billing_file(payments=[again]))

    async with database.engine.connect() as connection:
        now = (
            await connection.execute(
                select(t.payment_items.c.contract_id, t.payment_items.c.amount).where(
                    t.payment_items.c.payment_id == payment.id
                )
            )
        ).all()
        amount = (
            await connection.execute(
                select(t.payments.c.amount).where(t.payments.c.id == payment.id)
            )
        ).scalar_one()
    assert now == [(contract.id, Decimal("1.00"))] and amount == Decimal("1.00")


async def test_a_meter_left_without_its_contract_keeps_it_and_null_takes_it_away(database):
    data = demo_billing(TODAY, new_link_codes())
    await import_billing(database.engine, json.dumps(data, ensure_ascii=False))
    meter = next(m for m in data["meters"] if m.get("contract"))
    query = select(t.meters.c.contract_id).where(t.meters.c.number == meter["number"])
    async with database.engine.connect() as connection:
        billed = (await connection.execute(query)).scalar_one()
    assert billed is not None

    only_what_changed = {k: v for k, v in meter.items() if k not in ("contract", "readings")}
    await import_billing(database.engine, billing_file(meters=[only_what_changed]))
    async with database.engine.connect() as connection:
        assert (await connection.execute(query)).scalar_one() == billed

    await import_billing(
        database.engine, billing_file(meters=[{**only_what_changed, "contract": None}])
    )
    async with database.engine.connect() as connection:
        assert (await connection.execute(query)).scalar_one() is None


def contract_with_rates(*rates: dict[str, str]) -> str:
    return billing_file(
        suppliers=[SUPPLIER],
        accounts=[account("800100103492")],
        contracts=[
            contract(
                "800100103492",
                tariff_name="Население, двухзонный",
                tariffs=[
                    {
                        "starts_on": "2026-07-01",
                        "value": "4.61",
                        "period": "Один месяц",
                        "rates": list(rates),
                    }
                ],
            )
        ],
    )


async def test_a_tariff_s_rates_are_replaced_only_when_the_file_s_differ(database):
    day, night = {"zone": "day", "value": "5.22"}, {"zone": "night", "value": "2.98"}
    every = {"value": "4.61"}  # a rate for every zone: its zone left out
    await import_billing(database.engine, contract_with_rates(day, night, every))

    same = await import_billing(database.engine, contract_with_rates(every, night, day))
    cheaper = await import_billing(
        database.engine, contract_with_rates(day, {**night, "value": "3.10"}, every)
    )

    assert same == {}
    assert cheaper == {"tariff_rates removed": 3, "tariff_rates created": 3}
    async with database.engine.connect() as connection:
        rows = await connection.execute(select(t.tariff_rates.c.zone, t.tariff_rates.c.value))
        kept = sorted((zone or "", value) for zone, value in rows)
    assert kept == [("", Decimal("4.61")), ("day", Decimal("5.22")), ("night", Decimal("3.10"))]
