"""Every resident screen on a utility's database against the demo's: a resident of a demo
account opens the menu, the accounts, the card, the readings screen, the requisites, the
appeals, the history with its bills, a bill, the readings, a meter's history, its chart and
the payments, on a database of the demo alone and on one that holds ACCOUNTS accounts with
MONTHS months of history besides, round by round in turn; medians per screen and their
ratio. Then the plan of every statement the screens ran on the big database, and each scan
of a whole table in them.

``python -m tests.bench.screens [ACCOUNTS MONTHS]`` (default 20,000 × 24) on PostgreSQL:
``BENCH_DATABASE_URL`` (or ``TEST_DATABASE_URL``) names the small database, which is
emptied; ``BENCH_BIG_DATABASE_URL``, if given, a database that already holds the big
import (``bot.py import`` of ``tests.bench.billing_file``), else the big database is the
small one's name with ``_big``, emptied and imported here.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from bot.app import start_local
from bot.config import Settings
from bot.mail import OutboxMailer
from bot.transports.local import LocalChat
from storage import tables as t
from storage.database import Database
from storage.demo import seed_demo
from tests.bench import fresh_database
from tests.bench.billing_file import write
from tests.data import bind_resident

ROUNDS = 7
EPD = "700100103492"
METER = "Горячая вода — № ПУ 517480"
BACK = "◀️ Назад"
# Tables of a handful of rows whatever the utility: a scan of them is the right plan.
SMALL = {"suppliers", "faq_entries", "broadcasts", "alembic_version"}

Step = tuple[str, Callable[[LocalChat], Awaitable[Any]], str]


def press(label: str) -> Callable[[LocalChat], Awaitable[Any]]:
    return lambda chat: chat.press(label)


def send(words: str) -> Callable[[LocalChat], Awaitable[Any]]:
    return lambda chat: chat.send(words)


def first_button(chat: LocalChat) -> Awaitable[Any]:
    return chat.press(chat.inline_buttons()[0][1].text)


# (screen, what opens it, what it shows); steps named "" go between screens, unmeasured.
STEPS: list[Step] = [
    ("menu", send("/start"), ""),
    ("accounts", send("/accounts"), "Ваши счета"),
    ("card", first_button, EPD),
    ("readings screen", press("📟 Передать показания"), "№ 517480"),
    ("", press(BACK), EPD),
    ("requisites", press("📋 Реквизиты ЛС"), "Реквизиты"),
    ("", press(BACK), EPD),
    ("appeals", press("✉️ Обращения"), "Обращения"),
    ("", press(BACK), EPD),
    ("history", press("📜 История"), "История ЛС"),
    ("bills", press("📄 Платёжные документы"), "Платёжные документы"),
    ("bill", first_button, "Общая информация"),
    ("", press(BACK), "Платёжные документы"),
    ("", press(BACK), "История ЛС"),
    ("readings history", press("📟 Показания"), "Показания"),
    ("meter history", press(METER), "№ ПУ 517480"),
    ("chart", press("📈 График потребления"), ""),
    ("", press(BACK), "Показания"),
    ("", press(BACK), "История ЛС"),
    ("payments", press("💳 Оплаты"), "Оплаты"),
]


class Side:
    """One database with the bot on it and a resident of the demo's EPD account."""

    def __init__(self, name: str, database: Database, folder: Path) -> None:
        self.name = name
        self.database = database
        self.folder = folder
        self.times: dict[str, list[float]] = defaultdict(list)
        self.chat: LocalChat | None = None

    async def start(self) -> None:
        await seed_demo(self.database, date.today())
        settings = Settings(_env_file=None, outbox_dir=self.folder / self.name, bot_token=None)
        dp, bot, session = await start_local(
            settings,
            self.database,
            OutboxMailer(settings.outbox_dir, settings.mail_from),
            MemoryStorage(),
        )
        self.chat = LocalChat(dp, bot, session)
        async with self.database.engine.connect() as connection:
            bound = await connection.scalar(
                select(t.telegram_users.c.profile_id).where(
                    t.telegram_users.c.telegram_id == self.chat.user.id
                )
            )
        if bound is None:  # the big database is kept from run to run
            await bind_resident(self.database, self.chat.user.id, link=(EPD,))

    async def round(self) -> None:
        assert self.chat is not None
        for screen, step, shown in STEPS:
            started = time.perf_counter()
            await step(self.chat)
            if screen:
                self.times[screen].append(time.perf_counter() - started)
            last = self.chat.last
            seen = last.text or last.caption or ""
            if shown and shown not in seen:
                raise SystemExit(f"{self.name}, {screen or 'back'}: {shown!r} not in {seen!r}")


async def plans(side: Side) -> list[str]:
    """The scans of whole tables in the plans of one round's statements."""
    ran: list[tuple[str, Any]] = []

    def record(_connection, _cursor, statement, parameters, *_args) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            ran.append((statement, parameters))

    engine = side.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        await side.round()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    scans = []
    async with side.database.engine.connect() as connection:
        for statement, parameters in ran:
            rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            for (line,) in rows:
                if "Seq Scan on " in line:
                    table = line.split("Seq Scan on ")[1].split()[0]
                    if table not in SMALL:
                        scans.append(f"{table}: {' '.join(statement.split())[:160]}")
    return [f"{len(ran)} statements", *sorted(set(scans))]


def _import(url: str, accounts: int, months: int, folder: Path) -> None:
    file = folder / "billing.jsonl"
    with file.open("w", encoding="utf-8") as out:
        write(out, accounts, months)
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "bot.py", "import", str(file)], env=env, check=True)
    print(
        f"imported {accounts:,} accounts × {months} months in {time.perf_counter() - started:.0f} s"
    )
    file.unlink()


async def main(accounts: int, months: int) -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url:
        print("screens: skipped (BENCH_DATABASE_URL names no PostgreSQL database)")
        return
    big_url = os.environ.get("BENCH_BIG_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        if not big_url:
            name = make_url(url).database
            big_url = str(make_url(url).set(database=f"{name}_big"))
            admin = Database(url)
            async with admin.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}_big"'))
                await connection.execute(text(f'CREATE DATABASE "{name}_big"'))
            await admin.dispose()
            await (await fresh_database(big_url)).dispose()
            _import(big_url, accounts, months, Path(folder))
        small = Side("demo", await fresh_database(url), Path(folder))
        big = Side("big", Database(big_url), Path(folder))
        for side in (small, big):
            await side.start()
        for _ in range(ROUNDS):
            for side in (small, big):
                await side.round()
        print(
            f"screens, demo database against {accounts:,} accounts × {months} months, "
            f"medians of {ROUNDS} rounds (ms):"
        )
        for screen in small.times:
            a = statistics.median(small.times[screen]) * 1000
            b = statistics.median(big.times[screen]) * 1000
            print(f"  {screen:<18} {a:7.1f} {b:7.1f}   {b / a:5.2f}×")
        found = await plans(big)
        print(
            f"plans on the big database: {found[0]}; scans of a whole table: "
            + ("none" if len(found) == 1 else "")
        )
        for scan in found[1:]:
            print(f"  {scan}")
        for side in (small, big):
            await side.database.dispose()


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:3]] or [20_000, 24]
    asyncio.run(main(*numbers))
