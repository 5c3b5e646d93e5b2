"""The reading reminder for 100,000 residents: how long selecting them takes, the send rate
the engine reaches against a fake Bot API that refuses more than 30 messages a second (its
clock runs as fast as the machine can go), duplicates and losses, and peak memory.

``python -m tests.bench.notifications [RESIDENTS] [DATABASE_URL]``; PostgreSQL when
``BENCH_DATABASE_URL`` (or the argument) names one, else a SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime

from sqlalchemy import insert

from domain import notifications
from storage import tables as t
from storage.database import Database
from tests.bench import fresh_database
from tests.bench.fleet import rss_mib
from tests.fake_telegram import ForgetfulSession, RateLimitedTelegram, VirtualTime, sender_on

CHUNK = 5_000


async def populate(database: Database, residents: int) -> None:
    """A profile, a Telegram user, an account and an unread meter per resident."""
    now = datetime.now(UTC)
    async with database.engine.begin() as connection:
        for first in range(1, residents + 1, CHUNK):
            ids = range(first, min(first + CHUNK, residents + 1))
            await connection.execute(
                insert(t.profiles),
                [
                    {
                        "id": i,
                        "email": f"r{i}@example.org",
                        "email_confirmed": True,
                        "password_hash": "x",
                        "surname": "Житель",
                        "name": "Имя",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(t.accounts),
                [
                    {
                        "id": i,
                        "number": f"70{i:010d}",
                        "kind": "electricity",
                        "address": f"Томск, Ленина, д. {i}",
                        "owner_name": "Житель",
                        "total_area": 40,
                        "living_area": 40,
                        "registered_persons": 1,
                        "link_code": "1",
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(t.account_links),
                [
                    {"profile_id": i, "account_id": i, "relation": "owner", "linked_at": now}
                    for i in ids
                ],
            )
            await connection.execute(
                insert(t.telegram_users), [{"telegram_id": i, "profile_id": i} for i in ids]
            )
            await connection.execute(
                insert(t.meters),
                [
                    {
                        "account_id": i,
                        "number": f"M{i}",
                        "service": "electricity",
                        "unit": "кВт·ч",
                        "digits_before": 6,
                        "digits_after": 1,
                        "zone_count": 1,
                        "verified_until": date(2030, 1, 1),
                    }
                    for i in ids
                ],
            )


async def main(residents: int, url: str) -> None:
    database = await fresh_database(url)
    started = time.perf_counter()
    await populate(database, residents)
    print(
        f"{residents} residents put in {database.engine.dialect.name}: "
        f"{time.perf_counter() - started:.1f} s"
    )

    clock = VirtualTime()  # the 23rd, 10:00: the reminder's day
    started = time.perf_counter()
    async with database.unit_of_work() as uow:
        queued = await notifications.queue_reading_window(uow, clock, (15, 25), 2)
    print(f"selected and queued {queued} reminders: {time.perf_counter() - started:.2f} s")

    telegram = RateLimitedTelegram(clock, limit=30)
    sender = await sender_on(database, clock, telegram, session=ForgetfulSession())
    before = rss_mib()
    started = time.perf_counter()
    sent = await sender.drain()
    wall = time.perf_counter() - started
    duplicates = sum(count - 1 for count in telegram.delivered.values() if count > 1)
    lost = residents - len(telegram.delivered)
    print(
        f"sent {sent} in {clock.seconds:.0f} s of the fake API's time: "
        f"{sent / clock.seconds:.1f} messages/s against its limit of 30 (the cap is 25), "
        f"{len(telegram.too_many)} refused with 429; {wall:.0f} s of real time "
        f"({sent / wall:.0f} messages/s the machine could send)"
    )
    print(f"duplicates {duplicates}, lost {lost}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"RSS {before:.0f} MiB before sending, {rss_mib():.0f} MiB after; "
        f"peak {peak:.0f} MiB (filling the database included)"
    )
    await database.dispose()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    target = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(main(count, target or f"sqlite+aiosqlite:///{folder}/bench.sqlite3"))
