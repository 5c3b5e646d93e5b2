"""The database or Redis going away: the resident is told to try again later, the outage is
logged once, and the bot recovers by itself when the service is back."""

from __future__ import annotations

import logging

from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import select

from bot.app import fsm_storage, start_local
from bot.transports.local import LocalChat, LocalSession
from storage.database import Database
from storage.migrate import upgrade
from storage.tables import notifications as queue
from tests.fake_telegram import RateLimitedTelegram, VirtualTime, sender_on
from tests.test_notifications import queue_reminders

UNAVAILABLE = "😔 Сервис временно недоступен. Попробуйте ещё раз через несколько минут."


async def chat_on(settings, database, mailer, clock, storage=None) -> tuple[LocalChat, object]:
    dp, bot, session = await start_local(
        settings, database, mailer, storage or MemoryStorage(), LocalSession(), clock
    )
    return LocalChat(dp, bot, session), dp


def outages(records) -> list[str]:
    """The parts of the bot that logged an outage, once per line."""
    return [r.getMessage().split(":")[0] for r in records if "unavailable" in r.getMessage()]


async def test_a_database_that_is_not_there_then_comes_back(
    settings, mailer, clock, tmp_path, logged_errors, caplog
):
    folder = tmp_path / "not-yet"  # SQLite cannot open a file in a folder that is missing
    database = Database(f"sqlite+aiosqlite:///{folder}/bot.sqlite3")
    chat, _ = await chat_on(settings, database, mailer, clock)

    await chat.send("/start")
    assert chat.last.text == UNAVAILABLE
    await chat.send("привет")
    assert chat.last.text == UNAVAILABLE
    # Once per outage, not once per update: by the updates, and by the sender of the
    # notifications each update may queue.
    assert outages(logged_errors) == ["updates", "notifications"]

    folder.mkdir()
    await upgrade(database.engine)
    caplog.set_level(logging.WARNING)
    await chat.send("/start")

    assert chat.last.text.startswith("Здравствуйте!")
    assert "the database and Redis answer again" in caplog.text
    await database.dispose()


async def test_postgresql_refusing_connections(settings, mailer, clock, logged_errors):
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/test")  # nothing listens
    chat, _ = await chat_on(settings, database, mailer, clock)

    await chat.send(
        "/start",
    )
    assert chat.last.text == UNAVAILABLE
    assert outages(logged_errors) == ["updates", "notifications"]
    await database.dispose()


async def test_redis_down_answers_messages_and_buttons(
    settings, bot_database, mailer, clock, logged_errors
):
    storage = fsm_storage("redis://127.0.0.1:1/0", keep_days=1)
    chat, _ = await chat_on(settings, bot_database, mailer, clock, storage)

    await chat.send("/start")
    assert chat.last.text == UNAVAILABLE
    query = await chat.press_data(chat.last, "forged\x1dbutton")
    answer = chat.callback_answer(query)
    assert answer is not None and answer.text == UNAVAILABLE and answer.show_alert
    assert outages(logged_errors) == ["updates"]
    await storage.close()


async def test_the_notification_sender_logs_an_outage_once_and_goes_on_after_it(
    tmp_path, logged_errors, caplog
):
    folder = tmp_path / "not-yet"
    database = Database(f"sqlite+aiosqlite:///{folder}/bot.sqlite3")
    time = VirtualTime()
    sender = await sender_on(database, time, RateLimitedTelegram(time))
    for _ in range(5):  # five seconds of the sender's loop
        await sender.send_due(fleet=True)
    assert outages(logged_errors) == ["notifications"]

    folder.mkdir()
    await upgrade(database.engine)
    await queue_reminders(database, time, range(1, 4))
    caplog.set_level(logging.WARNING)
    await sender.send_due(fleet=True)
    assert "notifications: the database and Redis answer again" in caplog.text
    async with database.engine.connect() as connection:
        sent = (await connection.execute(select(queue.c.status))).scalars().all()
    assert sent == ["sent"] * 3
    await database.dispose()
