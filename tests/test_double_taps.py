"""A button that changes data acts once under a double or triple tap: the taps' updates
arrive together and the dispatcher handles them at the same time, on SQLite with memory and
on PostgreSQL with Redis. Paying either way, an appeal or a question, a reading sent or
confirmed, unlinking, a device revoked, a profile field, a mailing address, deleting the
profile, and staff closing an appeal (asking for a new password: test_identity)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.payments import check_payments
from storage import tables as t
from tests.chat import buttons, open_account
from tests.data import bind_resident
from tests.test_appeals import open_appeals_text, write_appeal
from tests.test_payments import ACCOUNT, CARD, bot_payments, open_payment, plain, said
from tests.test_readings import DAY_NIGHT, EPD, last_value, submitted


@pytest.fixture
def settings(payment_settings: Settings) -> Settings:
    return payment_settings


async def count(database, table) -> int:
    async with database.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


def invoices(chat) -> list:
    return [m for m in chat.bot_messages() if m.invoice is not None]


def apologies(chat) -> int:
    return said(chat, "Что-то пошло не так")


@pytest.mark.parametrize("times", [2, 3])
async def test_pay_in_telegram_tapped_at_once_sends_one_invoice(
    chat, bot_database, demo, yookassa, times
):
    await open_payment(chat, bot_database)
    await chat.press("⬜ Согласен с правилами")

    await chat.press_at_once("💳 Оплатить в Telegram", times)

    assert len(invoices(chat)) == 1
    assert len(await bot_payments(bot_database)) == 1
    assert apologies(chat) == 0
    # The one invoice is paid, once.
    assert await chat.pay(invoices(chat)[0], CARD, yookassa.charge) is None
    assert [p.status for p in await bot_payments(bot_database)] == ["succeeded"]


@pytest.mark.parametrize("times", [2, 3])
async def test_pay_on_the_page_tapped_at_once_creates_one_payment_at_yookassa(
    chat, bot_database, demo, yookassa, times
):
    await open_payment(chat, bot_database)
    await chat.press("⬜ Согласен с правилами")

    await chat.press_at_once("🌐 Оплатить на сайте ЮKassa", times)

    assert len(yookassa.payments) == 1
    assert len(await bot_payments(bot_database)) == 1
    assert said(chat, "Платёж создан") >= 1 and apologies(chat) == 0


@pytest.mark.parametrize("times", [2, 3])
async def test_send_an_appeal_tapped_at_once_stores_and_posts_one(chat, bot_database, demo, times):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await open_appeals_text(chat)

    await chat.press_at_once("📨 Отправить", times)

    assert await count(bot_database, t.appeals) == 1
    assert said(chat, "зарегистрировано") == 1
    assert apologies(chat) == 0


async def test_unlink_confirmed_at_once_unlinks_once(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(EPD, ACCOUNT))
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("🔗 Отключить лицевой счёт")

    await chat.press_at_once("Да")

    assert await count(bot_database, t.account_links) == 1
    assert apologies(chat) == 0


async def test_send_a_question_from_the_faq_tapped_at_once_stores_and_posts_one(
    chat, staff, bot_database, demo
):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await chat.send("/faq")
    await chat.press("✍️ Задать вопрос")
    await chat.press('МУП ЖКХ "Октябрьское"')
    await chat.send("Когда будет перерасчёт за горячую воду?")

    await chat.press_at_once("📨 Отправить", 3)

    assert await count(bot_database, t.appeals) == 1
    assert said(chat, "зарегистрирован") == 1
    assert len([m for m in staff.bot_messages() if m.text and "Вопрос № 1" in m.text]) == 1
    assert apologies(chat) == 0


async def test_close_without_an_answer_tapped_at_once_tells_the_resident_once(
    chat, staff, bot_database, demo
):
    await write_appeal(chat, bot_database, photo=False)

    await staff.press_at_once("☑️ Закрыть без ответа")
    await staff.press_at_once("🔁 Повторяет другое обращение")

    async with bot_database.engine.connect() as connection:
        [row] = (await connection.execute(select(t.appeals))).all()
    assert row.status == "closed"
    assert said(chat, "закрыто без ответа") == 1
    assert said(staff, "Что-то пошло не так") == 0


async def test_send_a_two_zone_reading_tapped_at_once_sends_it_once(chat, bot_database, demo):
    await open_account(chat, bot_database, DAY_NIGHT, "📟 Передать показания")
    day = await last_value(bot_database, "201704012803", "day")
    night = await last_value(bot_database, "201704012803", "night")
    await chat.press("№ 201704012803 · Электроэнергия")
    await chat.send(str(day + 100))
    await chat.send(str(night + 60))

    await chat.press_at_once("📨 Отправить", 3)

    assert sorted(await submitted(bot_database, "201704012803")) == [
        ("day", day + 100),
        ("night", night + 60),
    ]
    assert said(chat, "✅ Показания по счётчику") == 1
    assert apologies(chat) == 0


async def test_confirm_a_high_reading_tapped_at_once_sends_it_once(chat, bot_database, demo):
    await open_account(chat, bot_database, EPD, "📟 Передать показания")
    last = await last_value(bot_database, "927210")
    await chat.press("№ 927210 · Холодная вода")
    await chat.send(str(last + 100))

    await chat.press_at_once("Да, передать")

    assert await submitted(bot_database, "927210") == [("single", last + 100)]
    assert said(chat, "✅ Показания по счётчику") == 1
    assert apologies(chat) == 0


async def test_revoke_a_device_tapped_at_once_revokes_it_once(chat, bot_database, demo):
    await open_account(chat, bot_database, EPD, "📟 Передать показания")
    await chat.press("📡 Умные счётчики и устройства")
    await chat.press("➕ Подключить устройство")
    await chat.send("Home Assistant")
    await chat.press("🔌 Отключить: Home Assistant")

    await chat.press_at_once("Да, отключить")

    async with bot_database.engine.connect() as connection:
        [revoked_at] = (await connection.execute(select(t.devices.c.revoked_at))).scalars()
    assert revoked_at is not None
    assert said(chat, "Устройство отключено.") == 1
    assert apologies(chat) == 0


async def test_profile_changes_tapped_at_once_change_it_once(chat, bot_database, demo):
    profile_id = await bind_resident(bot_database, chat.user.id, accounts=1)
    await chat.send("/profile")
    await chat.press("✏️ Пол")
    await chat.press_at_once("Женский")
    await chat.press("📬 Рассылки")
    await chat.press("➕ Добавить адрес")
    await chat.send("news@example.org")
    await chat.press_at_once("💾 Сохранить")

    async with bot_database.engine.connect() as connection:
        gender = (
            await connection.execute(
                select(t.profiles.c.gender).where(t.profiles.c.id == profile_id)
            )
        ).scalar_one()
        mailing = (await connection.execute(select(t.marketing_emails.c.company))).scalars()
        assert (gender, sorted(mailing)) == ("female", ["tomskenergosbyt", "tomskrts"])
    assert apologies(chat) == 0

    await chat.press("◀️ Назад")
    await chat.press("🗑 Удалить профиль")
    await chat.press_at_once("Да, удалить профиль", 3)

    assert await count(bot_database, t.profiles) == 0
    assert said(chat, "Профиль удалён.") == 1
    assert apologies(chat) == 0


@pytest.mark.parametrize("times", [2, 3])
async def test_a_notifications_button_tapped_at_once_opens_its_screen_once(
    chat, bot_database, demo, yookassa, clock, times
):
    await open_payment(chat, bot_database)
    await chat.press("⬜ Согласен с правилами")
    await chat.press("🌐 Оплатить на сайте ЮKassa")
    [provider_id] = yookassa.payments
    await yookassa.cancel(provider_id, notify=False)
    clock.advance(minutes=1)
    dp = chat.dispatcher
    await check_payments(bot_database, dp["clock"], dp["payment_notifier"], dp["payment_gateway"])
    await chat.deliver_notifications()
    assert "не прошла" in plain(chat.last.text)

    await chat.press_at_once("🔁 Попробовать снова", times)

    assert said(chat, "Оплата · ЛС № 800200415527") == 1  # one form, below the notice
    assert apologies(chat) == 0


async def test_log_out_tapped_at_once_logs_out_once(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(ACCOUNT,))
    await chat.send("/start")
    await chat.press("🚪 Выйти")

    await chat.press_at_once("🚪 Да, выйти")

    async with bot_database.engine.connect() as connection:
        bound = (
            await connection.execute(
                select(t.telegram_users.c.profile_id).where(
                    t.telegram_users.c.telegram_id == chat.user.id
                )
            )
        ).scalar_one_or_none()
    assert bound is None
    assert said(chat, "Вы вышли из личного кабинета") == 1
    assert apologies(chat) == 0
