"""The reading reminder and the news of a bill on a utility's database: a resident bound to
every account of a database that holds an import (``bot.py import`` of a
``tests.bench.billing_file``), then, round by round, the reminder's selection of everyone
who has not read this month, the news of the latest bill to everyone linked before it came,
and, as the floor, a count of the residents' links; medians, peak memory and the plans.

``BENCH_BIG_DATABASE_URL=... python -m tests.bench.selections`` (PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select, text

from domain import notifications
from domain.model import NotificationKind
from storage import tables as t
from storage.database import Database
from tests.fake_telegram import VirtualTime

ROUNDS = 5
LINKED = datetime(2020, 1, 1, tzinfo=UTC)  # before any bill: each is news to its resident


async def bind_everyone(database: Database) -> int:
    """A profile, a Telegram user and a link for each account without a resident."""
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO profiles (email, email_confirmed, password_hash, surname, name, "
                "created_at) SELECT 'r' || a.id || '@example.org', true, 'x', 'Житель', 'Имя', "
                ":at FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM account_links l "
                "WHERE l.account_id = a.id)"
            ),
            {"at": LINKED},
        )
        await connection.execute(
            text(
                "INSERT INTO account_links (profile_id, account_id, relation, linked_at) "
                "SELECT p.id, a.id, 'owner', :at FROM accounts a "
                "JOIN profiles p ON p.email = 'r' || a.id || '@example.org' "
                "WHERE NOT EXISTS (SELECT 1 FROM account_links l WHERE l.account_id = a.id)"
            ),
            {"at": LINKED},
        )
        await connection.execute(
            text(
                "INSERT INTO telegram_users (telegram_id, profile_id) "
                "SELECT 1000000000 + p.id, p.id FROM profiles p WHERE NOT EXISTS "
                "(SELECT 1 FROM telegram_users u WHERE u.profile_id = p.id)"
            )
        )
        await connection.exec_driver_sql("ANALYZE")
        return (
            await connection.execute(select(func.count()).select_from(t.account_links))
        ).scalar_one()


async def empty_queue(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(t.notifications.delete())
        await connection.execute(t.broadcasts.delete())


async def main(url: str) -> None:
    database = Database(url)
    residents = await bind_everyone(database)
    async with database.engine.connect() as connection:
        period, arrived_at = (
            await connection.execute(
                # The latest month of the biggest import, not the demo's few bills.
                select(t.bills.c.period, t.bills.c.arrived_at)
                .group_by(t.bills.c.period, t.bills.c.arrived_at)
                .order_by(func.count().desc(), t.bills.c.period.desc())
                .limit(1)
            )
        ).one()
    clock = VirtualTime()

    async def reminder() -> int:
        async with database.unit_of_work() as uow:
            return await notifications.queue_reading_window(uow, clock, (15, 25), 2)

    async def news() -> int:
        async with database.unit_of_work() as uow:
            key = f"{NotificationKind.NEW_BILL}:{period:%Y-%m}"
            run = await uow.notifications.broadcast(NotificationKind.NEW_BILL, key, clock.now())
            queued = await uow.notifications.queue_new_bills(
                run, f"{key}:account ", period, clock.now(), arrived_at=arrived_at
            )
            await uow.commit()
            return queued

    async def floor() -> int:
        async with database.engine.connect() as connection:
            return (
                await connection.execute(select(func.count()).select_from(t.account_links))
            ).scalar_one()

    rows: dict[str, Callable[[], Awaitable[int]]] = {
        "count of the links (floor)": floor,
        "reading reminder": reminder,
        "news of a bill": news,
    }
    times: dict[str, list[float]] = {name: [] for name in rows}
    counts: dict[str, int] = {}
    for _ in range(ROUNDS):
        for name, run in rows.items():
            await empty_queue(database)
            started = time.perf_counter()
            counts[name] = await run()
            times[name].append(time.perf_counter() - started)
    print(f"{residents:,} residents, medians of {ROUNDS} rounds:")
    base = statistics.median(times["count of the links (floor)"])
    for name in rows:
        seconds = statistics.median(times[name])
        print(f"  {name:<28} {seconds:6.2f} s  {counts[name]:>9,} rows  {seconds / base:5.1f}×")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the process {peak:.0f} MiB")
    for name in ("reading reminder", "news of a bill"):
        print(f"plan of the {name}:")
        for line in await plan(database, rows[name]):
            print(f"  {line}")
    await empty_queue(database)
    await database.dispose()


async def plan(database: Database, run: Callable[[], Awaitable[int]]) -> list[str]:
    """The plan of the statement that queues the notices."""
    ran: list[tuple[str, Any]] = []

    def record(_connection, _cursor, statement, parameters, *_args) -> None:
        if statement.startswith("INSERT INTO notifications"):
            ran.append((statement, parameters))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        await empty_queue(database)
        await run()
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    async with database.engine.connect() as connection:
        rows = await connection.exec_driver_sql(f"EXPLAIN {ran[-1][0]}", ran[-1][1])
        return [row[0] for row in rows]


if __name__ == "__main__":
    target = os.environ.get("BENCH_BIG_DATABASE_URL")
    if not target:
        print("selections: skipped (BENCH_BIG_DATABASE_URL names no database with an import)")
    else:
        asyncio.run(main(target))
