"""Benchmarks: ``make bench``. They print figures; they assert nothing.

- the billing import of the demo data (five accounts, a year of bills), first and again;
- updates through the whole dispatcher (middlewares, i18n, dialogs, SQLite): a resident
  opening the FAQ and an answer, and submitting a meter reading.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from aiogram.fsm.storage.memory import MemoryStorage

from bot.app import start_local
from bot.config import Settings
from bot.mail import OutboxMailer
from bot.transports.local import LocalChat
from storage.billing import import_billing
from storage.database import Database
from storage.demo import demo_file, seed_demo
from storage.migrate import upgrade

ROUNDS = 200


async def _database(folder: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
    await upgrade(database.engine)
    return database


async def bench_import(folder: Path) -> None:
    database = await _database(folder)
    text = demo_file(date.today())
    started = time.perf_counter()
    await import_billing(database.engine, text)
    first = time.perf_counter() - started
    started = time.perf_counter()
    await import_billing(database.engine, text)
    again = time.perf_counter() - started
    print(
        f"import of the demo ({len(text) / 1024:.0f} KiB): first {first * 1000:.0f} ms, "
        f"again (nothing changes) {again * 1000:.0f} ms"
    )
    await database.dispose()


async def bench_updates(folder: Path) -> None:
    database = await _database(folder)
    await seed_demo(database, date.today())
    settings = Settings(_env_file=None, outbox_dir=folder / "outbox")
    dp, bot, session = await start_local(
        settings, database, OutboxMailer(settings.outbox_dir, settings.mail_from), MemoryStorage()
    )
    chat = LocalChat(dp, bot, session)
    timings: list[float] = []
    for _ in range(ROUNDS):
        for step in (
            lambda: chat.send("/faq"),
            lambda: chat.press("Какова методика расчёта пени?"),
        ):
            started = time.perf_counter()
            await step()
            timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"FAQ updates through the dispatcher on SQLite ({len(timings)}): "
        f"median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, "
        f"{len(timings) / sum(timings):.0f} updates/s on one core"
    )
    await dp.emit_shutdown(bot=bot, bots=[bot], dispatcher=dp, **dp.workflow_data)
    await database.dispose()


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "import", Path(folder) / "updates"
        first.mkdir()
        second.mkdir()
        await bench_import(first)
        await bench_updates(second)


if __name__ == "__main__":
    asyncio.run(main())
