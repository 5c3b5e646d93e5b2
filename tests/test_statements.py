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
