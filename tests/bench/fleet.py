"""The bot's cost per update, side by side with aiogram's own floor and ceiling, measured in
one run, interleaved, over several rounds (medians quoted):

1. a bare aiogram echo bot;
2. a minimal aiogram-dialog bot, three windows, no database (the framework's ceiling);
3. the full reading journey on SQLite and in-memory FSM;
4. the same on PostgreSQL and Redis (``BENCH_DATABASE_URL``/``BENCH_REDIS_URL``, or the
   tests' ``TEST_DATABASE_URL``/``TEST_REDIS_URL``, when they answer);
5. the stack's floor for row 4: row 2 on Redis, each update running the journey's number of
   statements on PostgreSQL (``floor_bot``);

then 200 residents at once with a think time (p99 per update), and the memory of 10,000 live
dialogs. Every row talks to the same local Bot API session, and every update is built from
Telegram's JSON by aiogram (``feed_raw_update``), so no row pays a validation the others skip.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Message, Update
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
from aiogram_dialog.widgets.kbd import Back, Next
from aiogram_dialog.widgets.text import Const
from sqlalchemy import select, text

from bot.app import (
    BOT_DEFAULTS,
    LOCAL_TOKEN,
    build_dispatcher,
    freeze_start_up_objects,
    fsm_storage,
)
from bot.config import Settings
from bot.mail import OutboxMailer
from bot.transports.local import LocalChat, LocalSession
from storage import tables as t
from storage.database import Database
from storage.demo import seed_demo
from tests.bench import fresh_database
from tests.data import bind_resident

ROUNDS = 5
JOURNEYS = 30  # per round and row: a journey is six updates
EPD = "700100103492"
METER = "№ 517480 · Горячая вода"


class JsonChat(LocalChat):
    """A chat whose updates reach the dispatcher as Telegram's JSON, parsed by aiogram."""

    timings: list[float]

    async def feed(self, **event: Any) -> None:
        data = Update(update_id=next(self._update_ids), **event).model_dump(
            mode="json", exclude_none=True, by_alias=True
        )
        started = time.perf_counter()
        await self.dispatcher.feed_raw_update(self.bot, data)
        self.timings.append(time.perf_counter() - started)


def chat_on(dp: Dispatcher, bot: Bot, session: LocalSession, user_id: int) -> JsonChat:
    chat = JsonChat(dp, bot, session, user_id=user_id)
    chat.timings = []
    return chat


# --- The rows ------------------------------------------------------------------------------------


def echo_bot() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return dp


class ThreeSG(StatesGroup):
    one = State()
    two = State()
    three = State()


def dialog_bot(storage: BaseStorage | None = None) -> Dispatcher:
    dp = Dispatcher(storage=storage or MemoryStorage())
    dp.include_router(
        Dialog(
            Window(Const("One"), Next(Const("Next")), state=ThreeSG.one),
            Window(Const("Two"), Next(Const("Next")), Back(Const("Back")), state=ThreeSG.two),
            Window(Const("Three"), Back(Const("Back")), state=ThreeSG.three),
        )
    )

    @dp.message(F.text == "/start")
    async def start(_message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(ThreeSG.one, mode=StartMode.RESET_STACK)

    setup_dialogs(dp)
    return dp


# Statements per step of the reading journey on PostgreSQL + Redis, and whether the step
# writes, in a transaction; the others read without one (tests/test_statements.py).
JOURNEY_STEPS = ((2, False), (9, True), (5, False), (4, False), (12, True), (7, False))


def floor_bot(database: Database, storage: BaseStorage) -> Dispatcher:
    """The stack's floor for the journey: row 2's dialog on Redis, each update running as
    many statements as the journey's step does (an indexed read of an account through
    SQLAlchemy Core on asyncpg), in a transaction where the step writes. What the journey
    costs beyond it is ours."""
    dp = dialog_bot(storage)
    steps = itertools.cycle(JOURNEY_STEPS)
    statement = select(t.accounts).where(t.accounts.c.number == EPD)
    reading = database.engine.execution_options(isolation_level="AUTOCOMMIT")

    async def database_work(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        count, writes = next(steps)
        async with database.engine.begin() if writes else reading.connect() as connection:
            for _ in range(count):
                (await connection.execute(statement)).all()
        return await handler(event, data)

    dp.update.outer_middleware(database_work)
    return dp


async def echo_journey(chat: JsonChat) -> None:
    for _ in range(6):
        await chat.send("привет")


async def dialog_journey(chat: JsonChat) -> None:
    await chat.send("/start")
    for label in ("Next", "Next", "Back", "Back"):
        await chat.press(label)
    await chat.send("/start")


class Journey:
    """A resident opening their account, its readings, a meter, and sending a reading."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.value = Decimal(0)

    async def prepare(self) -> None:
        async with self.database.engine.connect() as connection:
            self.value = (
                await connection.execute(
                    select(t.readings.c.value)
                    .join(t.meters, t.meters.c.id == t.readings.c.meter_id)
                    .where(t.meters.c.number == "517480")
                    .order_by(t.readings.c.taken_at.desc())
                    .limit(1)
                )
            ).scalar_one()

    async def __call__(self, chat: JsonChat) -> None:
        self.value += Decimal("0.001")  # a second reading of the month replaces the first
        await chat.send("/accounts")
        await chat.press(chat.inline_buttons()[0][1].text)
        await chat.press("📟 Передать показания")
        await chat.press(METER)
        await chat.send(str(self.value))
        await chat.send("/start")


# --- Running them --------------------------------------------------------------------------------


class Row:
    def __init__(
        self,
        name: str,
        dp: Dispatcher,
        journey: Callable[[JsonChat], Awaitable[None]],
        user_id: int = 100001,
    ) -> None:
        self.name = name
        self.dp = dp
        self.session = LocalSession()
        self.bot = Bot(LOCAL_TOKEN, session=self.session, default=BOT_DEFAULTS)
        self.journey = journey
        self.user_id = user_id
        self.rates: list[float] = []
        self.timings: list[float] = []
        # The process's CPU time per update, and its share of the round's time, round by round.
        self.cpu: list[float] = []
        self.busy: list[float] = []

    async def start(self) -> None:
        await self.dp.emit_startup(
            bot=self.bot, bots=[self.bot], dispatcher=self.dp, **self.dp.workflow_data
        )

    async def round(self) -> None:
        chat = chat_on(self.dp, self.bot, self.session, self.user_id)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(JOURNEYS):
            await self.journey(chat)
            self.session.calls.clear()  # the fake API keeps what it needs in its chats
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        self.cpu.append(cpu / len(chat.timings))
        self.busy.append(cpu / wall)
        self.rates.append(len(chat.timings) / sum(chat.timings))
        self.timings += chat.timings

    def line(self) -> str:
        ordered = sorted(self.timings)

        def at(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

        return (
            f"{self.name:<44} {statistics.median(self.rates):8.0f} updates/s   "
            f"p50 {at(0.5):6.2f}  p95 {at(0.95):6.2f}  p99 {at(0.99):6.2f} ms   "
            f"CPU {statistics.median(self.cpu) * 1000:6.2f} ms "
            f"({statistics.median(self.busy):4.0%} busy)"
        )


async def full_bot(
    folder: Path, url: str, storage: BaseStorage, name: str
) -> tuple[Dispatcher, Database]:
    database = await fresh_database(url)
    await seed_demo(database, date.today())
    settings = Settings(_env_file=None, outbox_dir=folder / name / "outbox", bot_token=None)
    dp = build_dispatcher(
        settings, database, OutboxMailer(settings.outbox_dir, settings.mail_from), storage
    )
    return dp, database


async def answers(url: str | None, redis: str | None) -> bool:
    if not (url and redis):
        return False
    try:
        database = Database(url)
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await database.dispose()
        storage = RedisStorage.from_url(redis)
        await storage.redis.ping()
        await storage.close()
    except Exception:
        return False
    return True


async def crowd(row: Row, database: Database, residents: int = 200) -> str:
    """``residents`` at once, each coming within five seconds and thinking 3-10 s between
    taps, as people read a screen before the next: p99 per update. (Without a think time it
    would measure a queue: two hundred taps at once wait for one core whatever the bot.)"""
    rng = random.Random(7)
    first = 200_001
    for user_id in range(first, first + residents):
        await bind_resident(database, user_id, link=(EPD,))
    timings: list[float] = []

    async def resident(user_id: int) -> None:
        chat = chat_on(row.dp, row.bot, row.session, user_id)
        await asyncio.sleep(rng.uniform(0, 5))
        for step in range(4):
            if step == 0:
                await chat.send("/accounts")
            elif step == 1:
                await chat.press(chat.inline_buttons()[0][1].text)
            elif step == 2:
                await chat.press("📟 Передать показания")
            else:
                await chat.press(METER)
            await asyncio.sleep(rng.uniform(3, 10))
        timings.extend(chat.timings)

    started = time.perf_counter()
    await asyncio.gather(*(resident(first + i) for i in range(residents)))
    elapsed = time.perf_counter() - started
    ordered = sorted(timings)
    p50, p99 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]
    return (
        f"{row.name}: {residents} residents at once, {len(ordered)} updates in {elapsed:.1f} s: "
        f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
    )


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def live_dialogs(row: Row, count: int = 10_000) -> str:
    """``count`` people who opened the bot and stopped at its first screen."""
    gc.collect()
    before = rss_mib()
    for user_id in range(1_000_001, 1_000_001 + count):
        chat = chat_on(row.dp, row.bot, row.session, user_id)
        await chat.send("/start")
    row.session.messages.clear()  # the fake Telegram's memory of the chats is not the bot's
    row.session.calls.clear()
    gc.collect()
    after = rss_mib()
    return (
        f"{count} live dialogs ({row.name}): RSS {before:.0f} → {after:.0f} MiB, "
        f"{(after - before) * 1024 / count:.1f} KiB each"
    )


async def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    redis = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sqlite_dp, sqlite_db = await full_bot(
            folder, f"sqlite+aiosqlite:///{folder}/bench.sqlite3", MemoryStorage(), "sqlite"
        )
        rows = [
            Row("1 aiogram echo bot", echo_bot(), echo_journey),
            Row("2 aiogram-dialog, three windows, no database", dialog_bot(), dialog_journey),
            Row("3 reading journey, SQLite + memory", sqlite_dp, Journey(sqlite_db)),
        ]
        databases = [sqlite_db]
        if await answers(url, redis):
            assert url and redis
            storage = fsm_storage(redis, keep_days=1, prefix="bench")
            pg_dp, pg_db = await full_bot(folder, url, storage, "postgres")
            rows.append(Row("4 reading journey, PostgreSQL + Redis", pg_dp, Journey(pg_db)))
            databases.append(pg_db)
            floor_storage = RedisStorage.from_url(
                redis, key_builder=DefaultKeyBuilder(prefix="floor", with_destiny=True)
            )
            floor = floor_bot(pg_db, floor_storage)
            rows.append(
                Row(
                    "5 stack floor: row 2 on Redis + the journey's statements",
                    floor,
                    dialog_journey,
                )
            )
        for row, database in zip(rows[2:4], databases, strict=True):
            await bind_resident(database, row.user_id, link=(EPD,))
            assert isinstance(row.journey, Journey)
            await row.journey.prepare()
        for row in rows:
            await row.start()
        freeze_start_up_objects()  # as ``bot.py run`` does once it has started
        for _ in range(ROUNDS):  # interleaved: the machine's moods fall on every row alike
            for row in rows:
                await row.round()
        print(f"Updates, one resident at a time ({ROUNDS} rounds of {JOURNEYS} journeys;")
        print("CPU: the process's time per update, the fake Telegram's share included, and")
        print("the share of the round's time the process was busy):")
        for row in rows:
            print("  " + row.line())
        rate = {row.name[0]: statistics.median(row.rates) for row in rows}
        ratios = [f"3/1 = 1/{rate['1'] / rate['3']:.1f}", f"3/2 = 1/{rate['2'] / rate['3']:.1f}"]
        if "4" in rate:
            ratios.append(f"4/2 = 1/{rate['2'] / rate['4']:.1f}")
            cpu = {row.name[0]: statistics.median(row.cpu) for row in rows}
            ratios.append(f"CPU 4/5 = {cpu['4'] / cpu['5']:.2f}")
        print("  throughput ratios: " + ", ".join(ratios))
        for row, database in zip(rows[2:4], databases, strict=True):
            print("  " + await crowd(row, database))
        print("  " + await live_dialogs(rows[2]))
        for row in rows:
            await row.dp.emit_shutdown(
                bot=row.bot, bots=[row.bot], dispatcher=row.dp, **row.dp.workflow_data
            )
        for database in databases:
            await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
