"""What each step of the reading journey asks of the database: the statements an update
runs are its cost, and a getter or check that reads again what the update read already
shows here first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import event

from storage.database import Database
from tests.chat import buttons
from tests.data import bind_resident
from tests.test_history import open_history
from tests.test_readings import EPD, last_value, submitted

METER = "№ 517480 · Горячая вода"


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The statements run meanwhile, but the claim with which the local chat, after each
    update, delivers what it queued (the running bot's sender does it on its own)."""
    ran: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        if not statement.startswith("UPDATE notifications SET status"):
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
    counted = {}
    for name, step, _ in steps:
        with statements(bot_database) as ran:
            await step()
        counted[name] = ran
    assert {name: len(counted[name]) for name, _, _ in steps} == {
        name: budget - 2 * in_redis for name, _, budget in steps
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
