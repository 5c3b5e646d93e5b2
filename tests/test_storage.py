"""The schema, and exact values on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, func, insert, inspect, select, text

from domain.model import Notification, NotificationKind, Reading, ReadingSource, Zone
from domain.notifications import queue_reading_window
from storage import tables as t
from storage.billing import import_billing
from storage.database import Database
from storage.demo import seed_demo
from storage.migrate import current, downgrade, head, upgrade
from tests.conftest import FakeClock
from tests.data import SUPPLIER, account, billing_file, bind_resident, count_rows

ROOT = Path(__file__).resolve().parent.parent


async def test_the_migration_builds_exactly_the_declared_schema(database):
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), t.metadata)
        )
    assert differences == []


async def test_migrations_go_down_and_up_again(database):
    await downgrade(database.engine)
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
    assert set(tables) <= {"alembic_version"}
    await upgrade(database.engine)


async def test_two_processes_migrating_a_new_database_at_once_both_succeed(database, tmp_path):
    """A fleet started at once on a new database: each process migrates first."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("a fleet of processes runs on PostgreSQL")
    await downgrade(database.engine)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            "migrate",
            cwd=tmp_path,
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outcomes = await asyncio.gather(*(p.communicate() for p in processes))
    assert [p.returncode for p in processes] == [0, 0], [err.decode() for _, err in outcomes]
    assert await current(database.engine) == head()


def _bill(period: str, to_pay: str) -> dict:
    return {
        "account": "800100103492",
        "period": period,
        "suppliers": [
            {
                "supplier": "tes",
                "debt_start": "58367.90",
                "paid": "4.00",
                "charged": "4554.55",
                "to_pay": to_pay,
                "penalties": "5585.43",
                "services": [
                    {
                        "service": "Отопление",
                        "unit": "Гкал. на м2",
                        "quantity": "0.0280",
                        "tariff": "1947.69",
                        "price_per_unit": "54.54",
                        "debt_start": "37806.72",
                        "paid": "4.00",
                        "charged": "3304.84",
                        "debt_end": "41107.56",
                    }
                ],
            }
        ],
    }


async def test_money_round_trips_to_the_kopeck(database):
    await import_billing(
        database.engine,
        billing_file(
            suppliers=[SUPPLIER],
            accounts=[account("800100103492")],
            bills=[_bill("2018-11", "0.01"), _bill("2018-12", "62918.45")],
        ),
    )
    async with database.unit_of_work() as uow:
        stored = await uow.accounts.by_number("800100103492")
        bill = await uow.bills.latest(stored.id)

    assert bill.period == date(2018, 12, 1)
    line = bill.suppliers[0]
    assert line.to_pay == Decimal("62918.45") and str(line.to_pay) == "62918.45"
    assert line.penalties == Decimal("5585.43")
    service = line.services[0]
    assert service.quantity == Decimal("0.028")
    assert service.tariff == Decimal("1947.69")
    assert service.debt_end == Decimal("41107.56")
    assert stored.total_area == Decimal("45.20")


async def test_readings_and_times_round_trip_exactly(database):
    await import_billing(
        database.engine, billing_file(suppliers=[SUPPLIER], accounts=[account("800100103492")])
    )
    tomsk = timezone(timedelta(hours=7))
    taken = datetime(2018, 11, 6, 10, 30, tzinfo=tomsk)
    async with database.engine.begin() as connection:
        account_id = (await connection.execute(select(t.accounts.c.id))).scalar_one()
        meter_id = (
            await connection.execute(
                insert(t.meters)
                .values(
                    account_id=account_id,
                    number="517480",
                    service="hot_water",
                    unit="м3",
                    digits_before=6,
                    digits_after=3,
                    zone_count=1,
                    verified_until=date(2099, 1, 1),
                )
                .returning(t.meters.c.id)
            )
        ).scalar_one()
        for day, value in enumerate(("999999.999", "0.001", "74.000", "123456.789")):
            await connection.execute(
                insert(t.readings).values(
                    meter_id=meter_id,
                    zone=Zone.SINGLE,
                    value=Decimal(value),
                    taken_at=taken + timedelta(days=day),
                    billing_month=date(2018, 8 + day, 1),  # one reading a month
                    source="resident",
                    status="sent",
                )
            )

    async with database.unit_of_work() as uow:
        submitted = await uow.readings.submitted_since(taken)
    values = sorted(str(item.reading.value) for item in submitted)
    assert values == ["0.001", "123456.789", "74.000", "999999.999"]
    first = min(item.reading.taken_at for item in submitted)
    assert first == taken and first.tzinfo is not None and first.utcoffset() == timedelta(0)
    assert first.astimezone(tomsk).hour == 10
    assert all(item.reading.taken_at.tzinfo == UTC for item in submitted)


async def test_a_telegram_user_is_saved_and_updated(database):
    from domain.model import TelegramUser

    async with database.unit_of_work() as uow:
        assert await uow.telegram_users.get(42) is None
        await uow.telegram_users.save(TelegramUser(telegram_id=42, locale="en"))
        await uow.commit()
    async with database.unit_of_work() as uow:
        user = await uow.telegram_users.get(42)
        assert user.locale == "en" and user.profile_id is None
        user.locale = "ru"
        await uow.telegram_users.save(user)
        # not committed: the unit of work keeps nothing
    async with database.unit_of_work() as uow:
        assert (await uow.telegram_users.get(42)).locale == "en"


async def test_0002_turns_failure_logs_into_attempt_counters(database):
    await downgrade(database.engine, "0001")
    at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    async with database.engine.begin() as connection:
        profile_id = (
            await connection.execute(
                insert(t.profiles)
                .values(
                    email="a@example.org",
                    password_hash="x",
                    surname="Малашта",
                    name="Светлана",
                    created_at=at,
                )
                .returning(t.profiles.c.id)
            )
        ).scalar_one()
        account_id = (
            await connection.execute(
                insert(t.accounts).values(**_account_row()).returning(t.accounts.c.id)
            )
        ).scalar_one()
        for minutes in (1, 2):
            await connection.execute(
                text("INSERT INTO login_failures (email, telegram_id, at) VALUES (:e, :t, :at)"),
                {"e": "a@example.org", "t": 555, "at": at + timedelta(minutes=minutes)},
            )
        for minutes in (1, 2, 3):
            await connection.execute(
                text("INSERT INTO link_failures (profile_id, account_id, at) VALUES (:p, :a, :at)"),
                {"p": profile_id, "a": account_id, "at": at + timedelta(minutes=minutes)},
            )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        rows = (await connection.execute(select(t.attempt_limits))).all()
    assert sorted((r.scope, r.key, r.used, r.last_at) for r in rows) == [
        ("link", f"{profile_id}:{account_id}", 3, at + timedelta(minutes=3)),
        ("login-email", "a@example.org", 2, at + timedelta(minutes=2)),
        ("login-user", "555", 2, at + timedelta(minutes=2)),
    ]


def _account_row() -> dict:
    return {
        "number": "800100000099",
        "kind": "epd",
        "address": "Томск",
        "owner_name": "Малашта",
        "total_area": Decimal("50"),
        "living_area": Decimal("30"),
        "registered_persons": 1,
        "link_code": "1234",
    }


async def test_0003_keeps_appeals_and_leaves_them_unclaimed(database):
    await downgrade(database.engine, "0002")
    at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    async with database.engine.begin() as connection:
        await import_billing(database.engine, billing_file(suppliers=[SUPPLIER], accounts=[]))
        account_id = (
            await connection.execute(
                insert(t.accounts).values(**_account_row()).returning(t.accounts.c.id)
            )
        ).scalar_one()
        supplier_id = (await connection.execute(select(t.suppliers.c.id))).scalar_one()
        await connection.execute(
            text(
                "INSERT INTO appeals (kind, account_id, supplier_id, text, attachments, "
                "created_at, status) VALUES ('appeal', :a, :s, 'Течёт кран', '[]', :at, 'open')"
            ),
            {"a": account_id, "s": supplier_id, "at": at},
        )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        row = (await connection.execute(select(t.appeals))).one()
    assert row.text == "Течёт кран" and row.post_claimed_at is None and row.staff_message_id is None


async def test_0004_keeps_one_of_each_doubled_reading(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0003")
    async with database.engine.begin() as connection:
        meter_id = (await connection.execute(select(t.meters.c.id).limit(1))).scalar_one()
        for second in (1, 2, 3):  # the same value sent three times, as a double send left it
            await connection.execute(
                text(
                    "INSERT INTO readings (meter_id, zone, value, taken_at, billing_month, source) "
                    "VALUES (:m, 'single', 9999000, :at, '2026-11-01', 'resident')"
                ),
                {"m": meter_id, "at": datetime(2026, 11, 24, 3, 0, second, tzinfo=UTC)},
            )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        kept = (
            await connection.execute(
                select(t.readings.c.taken_at).where(
                    t.readings.c.meter_id == meter_id,
                    t.readings.c.source == "resident",
                    t.readings.c.billing_month == date(2026, 11, 1),  # the demo has its own
                )
            )
        ).all()
    assert kept == [(datetime(2026, 11, 24, 3, 0, 1, tzinfo=UTC),)]


async def test_0006_keeps_imported_payments_as_paid_elsewhere_and_in_billing(database):
    await seed_demo(database, date(2026, 11, 24))
    async with database.engine.connect() as connection:
        before = (await connection.execute(select(t.payments.c.id, t.payments.c.amount))).all()
    await downgrade(database.engine, "0005")

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        rows = (await connection.execute(select(t.payments))).all()
    assert [(r.id, r.amount) for r in rows] == before and before
    assert {(r.method, r.in_billing, r.status, r.checks) for r in rows} == {
        ("billing", True, "succeeded", 0)
    }


async def test_0007_keeps_the_latest_of_a_months_readings(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0006")
    async with database.engine.begin() as connection:
        meter_id = (await connection.execute(select(t.meters.c.id).limit(1))).scalar_one()
        for minute, value in ((1, 9999000), (5, 9999500), (3, 9999200)):  # sent three times
            await connection.execute(
                text(
                    "INSERT INTO readings (meter_id, zone, value, taken_at, billing_month, source) "
                    "VALUES (:m, 'single', :v, :at, '2026-11-01', 'resident')"
                ),
                {"m": meter_id, "v": value, "at": datetime(2026, 11, 24, 3, minute, tzinfo=UTC)},
            )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        kept = (
            await connection.execute(
                select(t.readings.c.value).where(
                    t.readings.c.meter_id == meter_id,
                    t.readings.c.source == "resident",
                    t.readings.c.billing_month == date(2026, 11, 1),  # the demo has its own
                )
            )
        ).all()
    assert kept == [(Decimal("9.999500"),)]


async def test_0008_keeps_telegram_users_reachable_and_starts_an_empty_queue(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0007")
    async with database.engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO telegram_users (telegram_id, locale) VALUES (100001, 'en')")
        )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        user = (await connection.execute(select(t.telegram_users))).one()
        assert (user.telegram_id, user.locale, user.unreachable_at) == (100001, "en", None)
        assert (await connection.execute(select(t.notifications))).all() == []
    async with database.unit_of_work() as uow:
        now = datetime(2026, 11, 24, 3, tzinfo=UTC)
        notice = Notification(
            chat_id=100001, kind=NotificationKind.NEW_BILL, key="new-bill:2026-10:account 1"
        )
        assert await uow.notifications.queue([notice, notice], now) == 1


async def test_0009_gives_kept_readings_a_status_and_one_own_reading_a_month(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0008")
    async with database.engine.begin() as connection:
        meter_id = (
            await connection.execute(select(t.meters.c.id).order_by(t.meters.c.id).limit(1))
        ).scalar_one()
        await connection.execute(
            text(
                "INSERT INTO readings (meter_id, zone, value, taken_at, billing_month, source) "
                "VALUES (:m, 'single', 9999000, :at, '2026-12-01', 'resident')"
            ),
            {"m": meter_id, "at": datetime(2026, 11, 24, 3, tzinfo=UTC)},
        )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        statuses = {
            (source, status)
            for source, status in await connection.execute(
                select(t.readings.c.source, t.readings.c.status).distinct()
            )
        }
    # The demo's replaced reading lost its status going down: it is "sent" again, as every
    # resident's reading kept before billing answered for it.
    assert statuses == {("resident", "sent"), ("billing", "received"), ("inspector", "received")}
    async with database.unit_of_work() as uow:
        device_reading = Reading(
            meter_id=meter_id,
            zone=Zone.SINGLE,
            value=Decimal("9999.5"),
            taken_at=datetime(2026, 11, 24, 4, tzinfo=UTC),
            billing_month=date(2026, 12, 1),
            source=ReadingSource.DEVICE,
        )
        await uow.readings.record(device_reading)  # replaces the resident's of the month
        await uow.commit()
        december = await uow.readings.own_for(meter_id, Zone.SINGLE, date(2026, 12, 1))
    assert december is not None
    assert (december.value, december.source) == (Decimal("9999.5"), ReadingSource.DEVICE)


async def test_a_reading_replaces_the_month_s_however_often_one_connection_records_it(database):
    """PostgreSQL plans a statement generically from its sixth execution on a connection: the
    upsert must still find the partial index of the resident's readings."""
    await seed_demo(database, date(2026, 11, 24))
    async with database.unit_of_work() as uow:
        meter_id = (
            await uow.connection.execute(select(t.meters.c.id).order_by(t.meters.c.id).limit(1))
        ).scalar_one()
        for tenth in range(10):
            await uow.readings.record(
                Reading(
                    meter_id=meter_id,
                    zone=Zone.SINGLE,
                    value=Decimal(f"9999.{tenth}"),
                    taken_at=datetime(2026, 11, 24, 3, tenth, tzinfo=UTC),
                    billing_month=date(2026, 12, 1),
                    source=ReadingSource.RESIDENT,
                )
            )
        await uow.commit()
    async with database.engine.connect() as connection:
        kept = (
            await connection.execute(
                select(t.readings.c.value).where(
                    t.readings.c.meter_id == meter_id,
                    t.readings.c.source == "resident",
                    t.readings.c.billing_month == date(2026, 12, 1),
                )
            )
        ).all()
    assert kept == [(Decimal("9999.900000"),)]


async def test_0010_revokes_the_devices_of_links_gone_before_it(database):
    await seed_demo(database, date(2026, 11, 24))
    kept = await bind_resident(database, 700001, link=("830300527718",))
    gone = await bind_resident(database, 700002)
    await downgrade(database.engine, "0009")
    async with database.engine.begin() as connection:
        account_id = (
            await connection.execute(
                select(t.accounts.c.id).where(t.accounts.c.number == "830300527718")
            )
        ).scalar_one()
        for profile_id in (kept, gone):
            await connection.execute(
                insert(t.devices).values(
                    account_id=account_id,
                    profile_id=profile_id,
                    name="Waterius",
                    token_hash=f"{profile_id:064d}",
                    created_at=datetime(2026, 11, 20, tzinfo=UTC),
                )
            )

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        revoked = dict(
            (await connection.execute(select(t.devices.c.profile_id, t.devices.c.revoked_at))).all()
        )
    assert revoked[kept] is None and revoked[gone] is not None
    async with database.unit_of_work() as uow:
        assert [d.profile_id for d in await uow.devices.of_account(account_id)] == [kept]


async def test_0011_dates_the_kept_bills_by_the_day_they_were_issued(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0010")
    await upgrade(database.engine)
    async with database.engine.connect() as connection:
        arrived = dict(
            (await connection.execute(select(t.bills.c.period, t.bills.c.arrived_at))).all()
        )
    assert arrived[date(2026, 10, 1)] == datetime(2026, 11, 1, tzinfo=UTC)
    assert arrived[date(2025, 12, 1)] == datetime(2026, 1, 1, tzinfo=UTC)


async def test_0012_keeps_closed_appeals_closed_for_no_reason_given(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0011")
    async with database.engine.begin() as connection:
        account_id, supplier_id = (
            await connection.execute(select(t.contracts.c.account_id, t.contracts.c.supplier_id))
        ).first()
        await connection.execute(
            text(
                "INSERT INTO appeals (kind, account_id, supplier_id, text, attachments, "
                "created_at, status, answered_by, answered_at) VALUES ('appeal', :a, :s, "
                "'Течёт кран', '[]', :at, 'closed', 'Ольга', :at)"
            ),
            {"a": account_id, "s": supplier_id, "at": datetime(2026, 11, 24, 3, tzinfo=UTC)},
        )

    await upgrade(database.engine)

    async with database.unit_of_work() as uow:
        [closed] = await uow.appeals.of_account(account_id)
    assert closed.status == "closed" and closed.close_reason is None
    assert closed.closed_for == "none"


async def test_0013_leaves_profiles_to_their_first_login(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0012")
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO profiles (email, email_confirmed, password_hash, surname, name, "
                "created_at) VALUES ('old@example.org', true, 'hash', 'Иванов', 'Иван', :at)"
            ),
            {"at": datetime(2026, 11, 24, 3, tzinfo=UTC)},
        )

    await upgrade(database.engine)

    async with database.unit_of_work() as uow:
        old = await uow.profiles.by_email("old@example.org")
    assert old is not None and old.surname == "Иванов" and old.last_login_at is None


async def test_0014_finds_payments_by_profile(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0013")
    async with database.engine.connect() as connection:
        before = (await connection.execute(select(func.count()).select_from(t.payments))).scalar()

    await upgrade(database.engine)

    async with database.engine.connect() as connection:
        after = (await connection.execute(select(func.count()).select_from(t.payments))).scalar()
        names = await connection.run_sync(
            lambda sync: {i["name"] for i in inspect(sync).get_indexes("payments")}
        )
    assert after == before > 0
    assert "ix_payments_profile_id_created_at" in names


async def test_0015_keeps_appeals_with_their_words(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0014")
    async with database.engine.begin() as connection:
        account_id = await connection.scalar(select(t.accounts.c.id).limit(1))
        supplier_id = await connection.scalar(select(t.suppliers.c.id).limit(1))
        await connection.execute(
            text(
                "INSERT INTO appeals (kind, account_id, supplier_id, text, attachments, "
                "created_at, status) VALUES ('appeal', :account, :supplier, 'Прошу проверить', "
                "'[]', :at, 'open')"
            ),
            {
                "account": account_id,
                "supplier": supplier_id,
                "at": datetime(2026, 11, 24, tzinfo=UTC),
            },
        )

    await upgrade(database.engine)

    async with database.unit_of_work() as uow:
        [kept] = await uow.appeals.of_account(account_id)
    assert (kept.text, kept.forgotten_at) == ("Прошу проверить", None)


async def test_0016_turns_on_the_answers_residents_had_turned_off(database):
    await downgrade(database.engine, "0015")
    profile_id = await bind_resident(database, 501)
    async with database.engine.begin() as connection:
        for kind in ("payment-result", "appeal-answered", "new-bill"):
            await connection.execute(
                insert(t.notification_optouts).values(profile_id=profile_id, kind=kind)
            )

    await upgrade(database.engine)

    async with database.unit_of_work() as uow:
        assert await uow.notifications.muted(profile_id) == {NotificationKind.NEW_BILL}


async def test_0017_adds_its_indexes_to_a_database_holding_data(database):
    await seed_demo(database, date(2026, 11, 24))
    await downgrade(database.engine, "0016")
    before = await count_rows(database)

    await upgrade(database.engine)

    after = await count_rows(database)
    async with database.engine.connect() as connection:
        indexes = await connection.run_sync(
            lambda sync: {
                i["name"]
                for table in (
                    "readings",
                    "payments",
                    "notifications",
                    "appeals",
                    "account_links",
                    "bills",
                )
                for i in inspect(sync).get_indexes(table)
            }
        )
    assert after == before and before["readings"] > 0
    assert {
        "ix_readings_meter_id_billing_month",
        "ix_payments_paid_at",
        "ix_notifications_pending_due_at",
        "ix_appeals_account_id_id",
        "ix_appeals_unposted",
        "ix_account_links_account_id",
        "ix_bills_arrived_at_period",
    } <= indexes
    assert "ix_notifications_status_due_at" not in indexes


@contextmanager
def executed(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements run meanwhile, with their parameters, as the driver was given them."""
    ran: list[tuple[str, Any]] = []

    def record(_connection, _cursor, statement, parameters, *_args) -> None:
        ran.append((statement, parameters))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield ran
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def plan(database: Database, statement: str, parameters: Any) -> str:
    """The plan of a statement. On PostgreSQL, on statistics of the data as it is, and with a
    scan of the whole table made the last resort, so that the plan shows whether an index
    serves (on a small table the planner rightly prefers the scan)."""
    async with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            await connection.exec_driver_sql("ANALYZE")
            await connection.exec_driver_sql("SET enable_seqscan = off")
            rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        else:
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "\n".join(str(row[-1]) for row in rows)


def scans(plan: str, table: str) -> bool:
    """Whether a plan reads the whole of ``table``."""
    return f"Seq Scan on {table} " in plan or f"SCAN {table}" in plan.replace("SCAN TABLE", "SCAN")


async def test_what_selects_among_millions_of_rows_goes_by_index(database):
    """The reminder, the news of a bill, the claim, the export and a meter's history, at a
    utility's volume (4 M readings, 5 M payments, 2.4 M bills, a queue of 100,000): read
    through an index, never the whole table."""
    today = date(2026, 11, 24)
    await seed_demo(database, today)
    clock = FakeClock()
    now = clock.now()
    await bind_resident(database, 501, link=("800200415527",))
    with executed(database) as ran:
        async with database.unit_of_work() as uow:
            await queue_reading_window(uow, clock, (15, 25), 0, any_day=True)
            await uow.notifications.queue_new_bills(1, "k:", date(2026, 10, 1), now, now)
            await uow.notifications.claim(now, now + timedelta(minutes=1), 10)
            await uow.payments.paid_since(now - timedelta(days=30))
            account = await uow.accounts.by_number("800200415527")
            meters = await uow.meters.of_account(account.id)
            await uow.readings.of_months(meters, date(2026, 1, 1), date(2026, 10, 1))
            await uow.readings.taken_in(meters, now - timedelta(days=365), now)
            await uow.appeals.of_account(account.id)
            await uow.appeals.unposted()

    def one(part: str) -> tuple[str, Any]:
        [found] = [(s, p) for s, p in ran if part in s]
        return found

    for part, table, index in [
        ("readings.billing_month =", "readings", "ix_readings_meter_id_billing_month"),
        ("bills.arrived_at =", "bills", "ix_bills_arrived_at_period"),
        ("UPDATE notifications", "notifications", "ix_notifications_pending_due_at"),
        ("payments.paid_at >=", "payments", "ix_payments_paid_at"),
        # A meter's history, in a period: its index range, not the meter's every reading.
        ("readings.billing_month BETWEEN", "readings", None),
        ("readings.taken_at <", "readings", None),
        ("WHERE appeals.account_id =", "appeals", "ix_appeals_account_id_id"),
        ("WHERE staff_message_id IS NULL", "appeals", "ix_appeals_unposted"),
    ]:
        shown = await plan(database, *one(part))
        # The index named, or at least none of the whole table (a partial index is read
        # whole, and holds only the rows asked for).
        assert index in shown if index else not scans(shown, table), shown
