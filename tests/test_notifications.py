"""Notifications: what residents and staff hear on the bot's own initiative, and the engine that
sends it within Telegram's limits, once, whatever fires twice or dies on the way."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from aiogram.exceptions import (
    TelegramForbiddenError,
)
from aiogram.methods import SendMessage
from aiogram.types import Chat
from sqlalchemy import delete, func, insert, select, update

from bot.app import once_per_fleet, reading_reminders
from bot.notifications import LEASE, NotificationSender
from bot.transports.local import LocalChat, visible_text
from domain import notifications
from domain.model import Notification, NotificationKind
from storage.billing import import_billing
from storage.database import Database
from storage.demo import demo_file, new_link_codes
from storage.tables import accounts, appeals, bills, meters, telegram_users
from storage.tables import notifications as queue
from tests.chat import buttons
from tests.data import STAFF, bind_resident
from tests.fake_telegram import Crash, RateLimitedTelegram, VirtualTime, sender_on
from tests.test_readings import billing_reading

EPD = "700100103492"  # four meters, one of them past its verification


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"staff_chat_id": STAFF})


def busiest_second(times: list[float]) -> int:
    window: deque[float] = deque()
    busiest = 0
    for moment in sorted(times):
        window.append(moment)
        while window[0] <= moment - 1 + 1e-9:
            window.popleft()
        busiest = max(busiest, len(window))
    return busiest


async def queue_reminders(database: Database, time: VirtualTime, chats: range) -> None:
    """A reading reminder for each chat, as the job queues it, for residents the bot knows."""
    async with database.unit_of_work() as uow:
        connection = uow.connection
        assert connection is not None
        await connection.execute(insert(telegram_users), [{"telegram_id": chat} for chat in chats])
        run = await uow.notifications.broadcast(
            NotificationKind.READING_WINDOW, "reading-window:2026-11", time.now()
        )
        chunk = 1000
        for first in range(0, len(chats), chunk):
            await uow.notifications.queue(
                [
                    Notification(
                        chat_id=chat,
                        kind=NotificationKind.READING_WINDOW,
                        key=f"reading-window:2026-11:account {chat}",
                        args={
                            "account_id": chat,
                            "number": f"70{chat:010d}",
                            "address": "Томск, Ленина, 1",
                            "meters": 1,
                            "deadline": "2026-11-25",
                        },
                        broadcast_id=run,
                    )
                    for chat in chats[first : first + chunk]
                ],
                time.now(),
            )
        await uow.commit()


async def statuses(database: Database) -> Counter[str]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(queue.c.status, func.count()).group_by(queue.c.status)
        )
        return Counter(dict(rows.all()))


async def drain_all(sender: NotificationSender, time: VirtualTime, database: Database) -> None:
    """Drains, letting time pass to whatever waits (a retry, a pause), until nothing is left."""
    while True:
        await sender.drain()
        async with database.engine.connect() as connection:
            due = (
                await connection.execute(
                    select(func.min(queue.c.due_at)).where(
                        queue.c.status.in_(("queued", "sending"))
                    )
                )
            ).scalar_one()
        if due is None:
            return
        await time.sleep(max((due - time.now()).total_seconds(), 0.001))


# --- The engine ---------------------------------------------------------------------------------


async def test_a_broadcast_keeps_telegram_limits_and_stops_at_blocked_chats(database):
    time = VirtualTime()
    blocked = frozenset(range(1, 301, 30))  # ten residents blocked the bot
    telegram = RateLimitedTelegram(time, blocked=blocked)
    await queue_reminders(database, time, range(1, 301))
    sender = await sender_on(database, time, telegram)

    await drain_all(sender, time, database)

    assert set(telegram.delivered) == set(range(1, 301)) - blocked
    assert set(telegram.delivered.values()) == {1}
    assert telegram.too_many == []  # paced under the limit, Telegram never had to refuse
    assert busiest_second(telegram.delivered_at) <= 25
    assert time.seconds >= 289 / 25  # and no faster than the cap allows
    assert await statuses(database) == Counter(sent=290, blocked=10)
    async with database.engine.connect() as connection:
        marked = await connection.execute(
            select(telegram_users.c.telegram_id).where(telegram_users.c.unreachable_at.is_not(None))
        )
        assert set(marked.scalars()) == blocked


async def test_a_429_pauses_every_send_for_its_retry_after(database):
    time = VirtualTime()
    telegram = RateLimitedTelegram(time, limit=10)  # stricter than the sender's cap of 25
    await queue_reminders(database, time, range(1, 101))
    sender = await sender_on(database, time, telegram)

    await drain_all(sender, time, database)

    assert telegram.too_many  # the sender ran into the limit ...
    assert dict(telegram.delivered) == {chat: 1 for chat in range(1, 101)}  # ... lost nothing
    for refused in telegram.too_many:  # ... and sent nothing while asked to wait
        assert not [t for t in telegram.delivered_at if refused < t < refused + 1]
    assert await statuses(database) == Counter(sent=100)


async def test_failures_are_retried_with_backoff_then_given_up_with_the_reason(database):
    time = VirtualTime()
    # Chat 1's messages fail twice and then go; chat 2's always fail.
    telegram = RateLimitedTelegram(time, failing={1: 2, 2: 100})
    await queue_reminders(database, time, range(1, 4))
    sender = await sender_on(database, time, telegram)

    await drain_all(sender, time, database)

    assert dict(telegram.delivered) == {1: 1, 3: 1}
    async with database.engine.connect() as connection:
        rows = {
            row.chat_id: row
            for row in await connection.execute(select(queue).order_by(queue.c.chat_id))
        }
    assert (rows[1].status, rows[1].attempts) == ("sent", 2)
    assert (rows[2].status, rows[2].attempts) == ("failed", len(notifications.RETRY_DELAYS))
    assert rows[2].error == "Internal Server Error"
    # 30 s, 2, 10 and 30 minutes between the tries.
    assert time.seconds >= sum(d.total_seconds() for d in notifications.RETRY_DELAYS)


async def test_a_crash_mid_broadcast_loses_nothing_and_sends_nothing_twice(database):
    time = VirtualTime()
    telegram = RateLimitedTelegram(time, crash_at=1_500)  # 60 batches in, 60 to go
    await queue_reminders(database, time, range(1, 3_001))
    sender = await sender_on(database, time, telegram)
    with pytest.raises(Crash):
        await sender.drain()
    assert 1_400 < sum(telegram.delivered.values()) < 1_500

    # The process starts again, with its own connections, once the dead one's lease is out.
    restarted = Database(database.url, database.secret_key)
    try:
        await time.sleep(LEASE.total_seconds())
        telegram.crash_at = None
        await drain_all(await sender_on(restarted, time, telegram), time, restarted)
    finally:
        await restarted.dispose()

    assert len(telegram.delivered) == 3_000  # nothing missed
    assert set(telegram.delivered.values()) == {1}  # nothing twice
    assert await statuses(database) == Counter(sent=3_000)


async def test_a_scheduled_job_runs_in_one_process_of_the_fleet(bot_database, demo, settings):
    """Two processes' schedulers fire the reminder at once: whichever holds the job's lock
    queues, the other skips; a job that runs again queues nothing new."""
    time = VirtualTime()  # the 23rd, 10:00: the reminder's day and hour
    for telegram_id in (1, 2, 3):
        await bind_resident(bot_database, telegram_id, link=(EPD,))
    other = Database(bot_database.url, bot_database.secret_key)
    try:
        async with (
            bot_database.fleet_lock("remind-readings") as first,
            other.fleet_lock("remind-readings") as second,
        ):
            assert (first, second) == (True, False)

        jobs = [
            once_per_fleet(db, "remind-readings", reading_reminders(db, time, settings))
            for db in (bot_database, other, bot_database, other)
        ]
        at_once = await asyncio.gather(*(job() for job in jobs))
        again = await jobs[1]()  # later, on its own: the lock is free again
    finally:
        await other.dispose()

    assert sum(queued or 0 for queued in at_once) == 3  # one reminder per resident in all
    assert again == 0
    assert await statuses(bot_database) == Counter(queued=3)


# --- What residents and staff get ----------------------------------------------------------------


def plain(chat: LocalChat) -> str:
    return visible_text(chat.last.text or "", "HTML").replace("\u00a0", " ")


async def queue_in(database: Database, queue_function, *args) -> int | None:
    async with database.unit_of_work() as uow:
        return await queue_function(uow, *args)


async def reminders(database: Database, clock, settings) -> int | None:
    return await queue_in(
        database, notifications.queue_reading_window, clock, settings.reading_days, 2
    )


async def test_the_reading_reminder_counts_readings_from_any_source_and_opens_the_entry(
    chat, bot_database, demo, clock, settings
):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    assert await reminders(bot_database, clock, settings) is None  # the 24th: not the day
    clock.advance(days=-1)  # the 23rd of November
    # An inspector's reading, from billing: the readings screen counts it, and so does this.
    await billing_reading(
        bot_database, "517480", Decimal("99.5"), datetime(2026, 11, 22, 3, tzinfo=UTC)
    )

    assert await reminders(bot_database, clock, settings) == 1
    assert await reminders(bot_database, clock, settings) == 0  # fired twice: nothing new
    await chat.deliver_notifications()
    assert plain(chat) == (
        "📟 Напоминаем: показания принимаются до 25.11.2026. По лицевому счёту "
        "№ 700100103492 (634583, Томская обл., Томский р-н, Октябрьское с., "
        "Ласточкина ул., д.13, кв.11) 2 счётчика ещё без показаний за этот месяц."
    )  # of four: one read by billing, one past its verification
    assert buttons(chat) == ["📟 Передать показания"]
    await chat.press("📟 Передать показания")
    assert "Последние показания 22.11.2026: 99,500 м³" in plain(chat)


async def test_a_kind_turned_off_is_never_sent(chat, bot_database, demo, clock, settings):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await chat.send("/notifications")
    assert buttons(chat) == [
        "✅ Напоминание о показаниях",
        "✅ Срок поверки счётчика",
        "✅ Новый счёт",
        "✅ Замена показаний расчётным центром",
        "◀️ Назад",
    ]
    await chat.press("✅ Напоминание о показаниях")
    assert buttons(chat)[0] == "🔕 Напоминание о показаниях"
    # A forged kind changes nothing, and the screen stays.
    message, button = chat.inline_buttons()[0]
    assert "reading-window" in (button.callback_data or "")
    await chat.press_data(message, (button.callback_data or "").replace("reading-window", "sms"))
    assert "Эта кнопка больше не действует" in plain(chat)
    assert buttons(chat)[0] == "🔕 Напоминание о показаниях"

    clock.advance(days=-1)
    before = len(chat.bot_messages())
    assert await reminders(bot_database, clock, settings) == 1
    await chat.deliver_notifications()
    assert len(chat.bot_messages()) == before
    assert await statuses(bot_database) == Counter(muted=1)

    await chat.send("/profile")
    await chat.press("🔔 Уведомления")
    await chat.press("🔕 Напоминание о показаниях")
    assert buttons(chat)[0] == "✅ Напоминание о показаниях"


async def test_meter_verification_running_out_is_told_a_month_before_and_on_the_day(
    chat, bot_database, demo, clock
):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    today = clock.today()
    async with bot_database.engine.begin() as connection:
        numbers = (
            (
                await connection.execute(
                    select(meters.c.number)
                    .where(meters.c.verified_until >= today)
                    .join(accounts, accounts.c.id == meters.c.account_id)
                    .where(accounts.c.number == EPD)
                    .order_by(meters.c.number)
                )
            )
            .scalars()
            .all()[:2]
        )
        for number, until in zip(numbers, (today + timedelta(days=30), today), strict=True):
            await connection.execute(
                update(meters).where(meters.c.number == number).values(verified_until=until)
            )

    assert await queue_in(bot_database, notifications.queue_meter_expiring, clock) == 2
    assert await queue_in(bot_database, notifications.queue_meter_expiring, clock) == 0
    await chat.deliver_notifications()
    told = [visible_text(m.text or "", "HTML") for m in chat.bot_messages()[-2:]]
    assert any(
        t.startswith(f"⚠️ 24.12.2026 истекает срок поверки счётчика № {numbers[0]}") for t in told
    )
    assert any(
        t.startswith(f"⚠️ Сегодня, 24.11.2026, истекает срок поверки счётчика № {numbers[1]}")
        for t in told
    )
    assert all("Что сделать: закажите поверку или замену счётчика" in t for t in told)


async def test_a_new_bill_is_told_with_the_amount_due_and_buttons_to_open_it_and_pay(
    chat, bot_database, demo, clock
):
    clock.advance(days=-20)  # the 4th of November; October's bills came on the 1st
    await bind_resident(bot_database, chat.user.id, link=("800200415527",), now=clock.now())
    billing = demo_file(clock.today(), new_link_codes())
    # The same file again brings no bill the resident has not seen.
    again = await import_billing(bot_database.engine, billing, clock.now())
    assert again["notifications queued"] == 0 and again["bills created"] == 0
    # October's and September's bills come again from billing (taken back and sent anew):
    # October's is news, told once; September's is past its pay-by date (10.10).
    account = select(accounts.c.id).where(accounts.c.number == "800200415527").scalar_subquery()
    async with bot_database.engine.begin() as connection:
        await connection.execute(
            delete(bills).where(
                bills.c.account_id == account,
                bills.c.period.in_([date(2026, 9, 1), date(2026, 10, 1)]),
            )
        )
    clock.advance(minutes=5)
    brought = await import_billing(bot_database.engine, billing, clock.now())
    assert brought["bills created"] == 2 and brought["notifications queued"] == 1
    clock.advance(minutes=5)
    assert (await import_billing(bot_database.engine, billing, clock.now())) == {}
    async with bot_database.engine.connect() as connection:
        told = await connection.execute(
            select(queue.c.key).where(queue.c.kind == NotificationKind.NEW_BILL)
        )
        number = await connection.scalar(select(account))
    assert told.scalars().all() == [f"new-bill:2026-10:account {number}"]
    await chat.deliver_notifications()
    notice = chat.last
    assert plain(chat).startswith(
        "🧾 Пришёл счёт за октябрь 2026 по лицевому счёту № 800200415527."
    )
    assert "оплатить до 10.11.2026" in plain(chat)
    assert buttons(chat) == ["🧾 Открыть счёт", "💳 Оплатить"]

    await chat.press("🧾 Открыть счёт")
    assert "Октябрь 2026" in plain(chat)
    await chat.press_data(notice, notice.reply_markup.inline_keyboard[1][0].callback_data)
    assert plain(chat).startswith("Оплата · ЛС № 800200415527")


async def test_staff_get_a_digest_of_late_appeals_and_follow_the_broadcasts(
    new_chat, bot_database, demo, clock, settings
):
    staff = new_chat(
        424242, group=Chat(id=STAFF, type="supergroup", title="Обращения"), first_name="Ольга"
    )
    profile_id = await bind_resident(bot_database, 100001, link=(EPD,))
    async with bot_database.engine.begin() as connection:
        account_id = (
            await connection.execute(select(accounts.c.id).where(accounts.c.number == EPD))
        ).scalar_one()
        for days in (5, 1):
            await connection.execute(
                appeals.insert().values(
                    kind="appeal",
                    profile_id=profile_id,
                    account_id=account_id,
                    supplier_id=1,
                    text="Проверьте начисление",
                    attachments=[],
                    created_at=clock.now() - timedelta(days=days),
                    status="open",
                )
            )
    assert await queue_in(bot_database, notifications.queue_appeals_digest, clock, STAFF, 3) == 1
    await staff.deliver_notifications()
    assert plain(staff) == "Без ответа 3 дн. и дольше: 1\n№ 1 — ждёт 5 дн."

    clock.advance(days=-1)
    assert await reminders(bot_database, clock, settings) == 1
    await staff.deliver_notifications()
    await staff.send("/broadcasts")
    assert plain(staff).startswith("Последние рассылки\n\nreading-window:2026-11 · 23.11.2026")
    assert "в очереди 0 · отправлено 1 · заблокировали бота 0 · отключили 0 · ошибок 0" in plain(
        staff
    )


async def test_a_resident_who_blocked_the_bot_is_not_sent_to_until_they_write_again(
    chat, running, bot_database, demo, clock, settings
):
    _dp, _bot, session = running
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    clock.advance(days=-1)
    session.fail = lambda method: (
        TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        if isinstance(method, SendMessage)
        else None
    )
    await reminders(bot_database, clock, settings)
    await chat.deliver_notifications()
    assert await statuses(bot_database) == Counter(blocked=1)
    async with bot_database.engine.connect() as connection:
        marked = select(telegram_users.c.unreachable_at).where(
            telegram_users.c.telegram_id == chat.user.id
        )
        assert (await connection.execute(marked)).scalar_one() is not None

        session.fail = lambda _method: None
        await chat.send("/start")
        await connection.rollback()
        assert (await connection.execute(marked)).scalar_one() is None
