"""What each step of the reading journey asks of the database: the statements an update
runs are its cost, and a getter or check that reads again what the update read already
shows here first."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from decimal import Decimal
from typing import Any

from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import event

from storage.database import Database
from tests.chat import buttons
from tests.data import bind_resident
from tests.test_history import open_history
from tests.test_readings import EPD, last_value, submitted

METER = "№ 517480 · Горячая вода"
CLAIM = "UPDATE notifications SET status"  # the sender's claim of what is due


class RedisCommands:
    """The commands the bot sends to Redis, step by step, as MONITOR sees them and told apart
    by the test's key prefix; those a script runs inside Redis are not counted: a script is
    one round trip."""

    def __init__(self, storage: RedisStorage) -> None:
        assert isinstance(storage.key_builder, DefaultKeyBuilder)
        self.redis = storage.redis
        self.prefix = storage.key_builder.prefix
        self.seen: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._watching: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RedisCommands:
        watched = asyncio.Event()

        async def watch() -> None:
            async with self.redis.monitor() as monitor:
                watched.set()
                async for command in monitor.listen():
                    await self.seen.put(command)

        self._watching = asyncio.create_task(watch())
        await watched.wait()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._watching is not None
        self._watching.cancel()

    async def since_last(self) -> list[str]:
        """The bot's commands since the last call: up to a marker this call sends."""
        marker = f"{self.prefix}:marker:{uuid.uuid4().hex}"
        await self.redis.get(marker)
        ran: list[str] = []
        while marker not in (command := await self.seen.get())["command"]:
            if self.prefix in command["command"] and command["client_type"] != "lua":
                ran.append(command["command"].split()[0])
        return ran


@contextmanager
def transactions(database: Database) -> Iterator[list[str]]:
    """The transactions begun meanwhile, each by the statement that began it, but the claim
    with which the local chat delivers what the update queued. On PostgreSQL only, where a
    BEGIN and its end are round trips of their own: asyncpg sends them itself, and SQLAlchemy's
    events do not see them; asyncpg's query log does, right after the statement they open."""
    begun: list[str] = []
    if database.engine.dialect.name != "postgresql":
        yield begun
        return
    last = [""]

    def statement(_connection, _cursor, sql, *_args) -> None:
        last[0] = " ".join(sql.split())

    def log(query: Any) -> None:
        if query.query.startswith("BEGIN") and not last[0].startswith(CLAIM):
            begun.append(last[0])

    def checkout(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.driver_connection.add_query_logger(log)

    def checkin(dbapi_connection, _record) -> None:
        if dbapi_connection is not None:  # None: one the pool dropped
            dbapi_connection.driver_connection.remove_query_logger(log)

    engine = database.engine.sync_engine
    listeners = [
        (engine, "before_cursor_execute", statement),
        (engine.pool, "checkout", checkout),
        (engine.pool, "checkin", checkin),
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield begun
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The statements run meanwhile, but the claim with which the local chat, after each
    update, delivers what it queued (the running bot's sender does it on its own)."""
    ran: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        if not statement.startswith(CLAIM):
            ran.append(" ".join(statement.split()))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield ran
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def test_each_step_of_the_reading_journey_runs_a_handful_of_statements(
    chat, bot_database, demo, fsm_storage
):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    # The fleet notes the updates it took in the Redis it shares, where there is one.
    in_redis = isinstance(fsm_storage, RedisStorage)
    value = await last_value(bot_database, "517480") + Decimal("2.5")
    steps: list[tuple[str, Callable[[], Awaitable[object]], int]] = [
        # the update's record taken and, once handled, marked done; the resident with their
        # profile, the linked accounts
        ("/accounts", lambda: chat.send("/accounts"), 4),
        # + the link, the account kept as the last one used, the latest bill (its suppliers
        # and services, read once for the card and its sum), the contracts and the payments
        # not yet billed
        ("card", lambda: chat.press(buttons(chat)[0]), 11),
        # + the meters, and the last reading of every meter and zone in one statement
        ("readings", lambda: chat.press("📟 Передать показания"), 7),
        ("meter", lambda: chat.press(METER), 6),
        # + the checks (the last reading and the history, read once for the check on typing
        # and the one on saving), the month's reading, the upsert, the tariff, then the
        # meters screen again
        ("value", lambda: chat.send(str(value)), 14),
        ("/start", lambda: chat.send("/start"), 9),
    ]
    counted: dict[str, list[str]] = {}
    begun: dict[str, list[str]] = {}
    sent: dict[str, list[str]] = {}
    async with AsyncExitStack() as stack:
        redis = await stack.enter_async_context(RedisCommands(fsm_storage)) if in_redis else None
        if redis is not None:
            await redis.since_last()
        for name, step, _ in steps:
            with statements(bot_database) as ran, transactions(bot_database) as transacted:
                await step()
            counted[name], begun[name] = ran, transacted
            sent[name] = await redis.since_last() if redis is not None else []
    assert {name: len(counted[name]) for name, _, _ in steps} == {
        name: budget - 2 * in_redis for name, _, budget in steps
    }
    # Only the steps that write begin a transaction: the others read without one.
    if bot_database.engine.dialect.name == "postgresql":
        assert {name: [s.split()[0] for s in begun[name]] for name, _, _ in steps} == {
            "/accounts": [],
            "card": ["UPDATE"],  # the account kept as the last one used
            "readings": [],
            "meter": [],
            "value": ["INSERT"],
            "/start": [],
        }
    # On Redis: the gate's script in, the dialog's stack and context read (the first update
    # finds no dialog), the gate's script out, which writes what the update changed of them.
    if in_redis:
        dialog = ["EVALSHA", "GET", "GET", "EVALSHA"]
        assert sent == {name: dialog for name, _, _ in steps} | {
            "/accounts": ["EVALSHA", "GET", "EVALSHA"]
        }
    # Every step still did what the resident asked.
    assert await submitted(bot_database, "517480") == [
        ("single", value.quantize(Decimal("0.000001")))
    ]
    assert sum("FROM readings" in s for s in counted["readings"]) == 1
    assert sum(s.startswith("SELECT telegram_users.") for s in counted["value"]) == 1


async def test_the_bills_list_runs_as_many_statements_for_a_year_as_for_three_months(
    chat, bot_database, demo
):
    await open_history(chat, bot_database)
    with statements(bot_database) as quarter:
        await chat.press("📄 Платёжные документы")
    months_in_quarter = [b.text for _, b in chat.inline_buttons() if "₽" in b.text]
    await chat.press("◀️ Назад")
    await chat.press("🗓 Другой период")
    await chat.press("За год")
    with statements(bot_database) as year:
        await chat.press("📄 Платёжные документы")
    months_in_year = [b.text for _, b in chat.inline_buttons() if "₽" in b.text]
    await chat.press("Следующие ⏩")
    months_in_year += [b.text for _, b in chat.inline_buttons() if "₽" in b.text]

    assert (len(months_in_quarter), len(months_in_year)) == (2, 11)
    assert months_in_year[-1].startswith("Декабрь 2025 · ")
    assert len(year) == len(quarter)
    # The bills, their supplier lines and their service lines: three statements.
    assert sum(" FROM bill" in s for s in year) == 3


async def test_readings_the_chart_and_payments_run_as_many_statements_for_a_year_as_for_a_quarter(
    chat, bot_database, demo
):
    await open_history(chat, bot_database)
    counted: dict[str, list[int]] = {"readings": [], "meter": [], "chart": [], "payments": []}
    paid_in: dict[str, int] = {}
    for period in ("three months", "a year"):
        if period == "a year":
            await chat.press("🗓 Другой период")
            await chat.press("За год")
        for step, press in [
            ("readings", "📟 Показания"),
            ("meter", "Горячая вода — № ПУ 517480"),
            ("chart", "📈 График потребления"),
        ]:
            with statements(bot_database) as ran:
                await chat.press(press)
            counted[step].append(len(ran))
        photo = next(m for m in reversed(chat.bot_messages()) if m.photo)
        assert photo.caption == "Потребление по счётчику № 517480"
        for _ in range(2):
            await chat.press("◀️ Назад")
        assert chat.last.text.startswith("<b>История ЛС</b>")
        with statements(bot_database) as ran:
            await chat.press("💳 Оплаты")
        counted["payments"].append(len(ran))
        paid_in[period] = chat.last.text.count("₽")
        await chat.press("◀️ Назад")

    assert {step: len(set(counts)) for step, counts in counted.items()} == {
        "readings": 1,
        "meter": 1,
        "chart": 1,
        "payments": 1,
    }, counted
    assert paid_in["a year"] > paid_in["three months"] > 0
