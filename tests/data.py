"""Data the tests put in the database the way production does: through the billing import,
and for what later flows create (profiles, links), with plain inserts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from storage import tables as t
from storage.billing import import_billing
from storage.database import Database
from storage.demo import FAQ_FILE, SUPPLIERS

SUPPLIER = SUPPLIERS[0]  # ПАО "Томскэнергосбыт"
STAFF = -1001000000001  # the staff group's chat


def account(number: str, **overrides: Any) -> dict[str, Any]:
    return {
        "number": number,
        "kind": "electricity",
        "address": "634050, г. Томск, Советская ул., д.16, кв.1",
        "owner_name": "Клековкина Юлия Владимировна",
        "total_area": "45.20",
        "living_area": "45.20",
        "registered_persons": 2,
        "link_code": "518274",
        **overrides,
    }


def contract(number: str, **overrides: Any) -> dict[str, Any]:
    """The account's electricity contract with the test supplier."""
    return {
        "account": number,
        "supplier": SUPPLIER["code"],
        "service": "Электроэнергия",
        "supplier_account_number": number,
        "tariff_name": "Население",
        "tariff_value": "4.61",
        "tariff_unit": "кВт·ч",
        **overrides,
    }


def billing_file(**sections: Any) -> str:
    return json.dumps({"format": "tes-billing/1", **sections}, ensure_ascii=False)


async def import_faq(database: Database) -> None:
    await import_billing(database.engine, FAQ_FILE.read_text(encoding="utf-8"))


async def bind_resident(
    database: Database,
    telegram_id: int,
    *,
    name: str = "Светлана",
    accounts: int = 0,
    password_hash: str = "$argon2id$not-a-real-hash",
    email_confirmed: bool = True,
    link: tuple[str, ...] = (),
    now: datetime | None = None,
) -> int:
    """A registered resident bound to ``telegram_id`` with ``accounts`` new linked accounts,
    and the existing accounts numbered in ``link`` linked too, at ``now`` (the real time if
    not given)."""
    numbers = [f"80010000{i:04d}" for i in range(accounts)]
    if numbers:
        await import_billing(
            database.engine,
            billing_file(suppliers=[SUPPLIER], accounts=[account(n) for n in numbers]),
        )
    now = now or datetime.now(UTC)
    async with database.engine.begin() as connection:
        profile_id = (
            await connection.execute(
                insert(t.profiles)
                .values(
                    email=f"resident{telegram_id}@example.org",
                    email_confirmed=email_confirmed,
                    password_hash=password_hash,
                    surname="Малашта",
                    name=name,
                    created_at=now,
                )
                .returning(t.profiles.c.id)
            )
        ).scalar_one()
        for number in (*numbers, *link):
            account_id = (
                await connection.execute(
                    select(t.accounts.c.id).where(t.accounts.c.number == number)
                )
            ).scalar_one()
            await connection.execute(
                insert(t.account_links).values(
                    profile_id=profile_id, account_id=account_id, relation="owner", linked_at=now
                )
            )
        await connection.execute(
            insert(t.telegram_users).values(telegram_id=telegram_id, profile_id=profile_id)
        )
    return profile_id


async def count_rows(database: Database) -> dict[str, int]:
    async with database.engine.connect() as connection:
        return {
            table.name: (
                await connection.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in t.metadata.sorted_tables
        }


async def last_value(database: Database, number: str, zone: str = "single") -> Decimal:
    """The latest reading of the meter ``number`` in ``zone``."""
    async with database.engine.connect() as connection:
        return (
            await connection.execute(
                select(t.readings.c.value)
                .join(t.meters, t.meters.c.id == t.readings.c.meter_id)
                .where(t.meters.c.number == number, t.readings.c.zone == zone)
                .order_by(t.readings.c.taken_at.desc())
                .limit(1)
            )
        ).scalar_one()
