"""Callback data the bot did not issue (a forged or garbled button) is refused with a short
notice, nothing is written, and the window goes on working."""

from __future__ import annotations

from sqlalchemy import select

from bot.transports.local import LocalChat
from storage.tables import marketing_emails, telegram_users
from tests.chat import buttons, open_account
from tests.data import bind_resident

REFUSED = "Эта кнопка больше не действует."


def forge(chat: LocalChat, widget_data: str):
    """The latest keyboard's message and callback data for ``widget_data`` in its dialog."""
    message, button = chat.inline_buttons()[0]
    intent = (button.callback_data or "").split("\x1d", 1)[0]
    return message, f"{intent}\x1d{widget_data}"


async def test_forged_account_ids_and_pages_are_refused(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("700100103492",))
    await chat.send("/accounts")
    for data in ("account:2147483648", "account:99999999999999", "account:x", "accounts:garbage"):
        await chat.press_data(*forge(chat, data))
        assert chat.last.text.startswith(REFUSED)
        assert "Ласточкина" in " ".join(buttons(chat))  # the list still works
    async with bot_database.engine.connect() as connection:
        remembered = (await connection.execute(select(telegram_users.c.last_account_id))).all()
    assert remembered == [(None,)]


async def test_a_garbled_calendar_day_is_refused_and_the_calendar_works(chat, bot_database, demo):
    await open_account(chat, bot_database, "700100103492", "📜 История")
    await chat.press("🗓 Другой период")
    await chat.press("🗓 Выбрать период в календаре")
    for data in ("start:garbage", "start:99999999999999999", "start:M-1", "start:Y99999999999"):
        await chat.press_data(*forge(chat, data))
        assert chat.last.text.startswith(REFUSED)
    await chat.press("10")
    assert chat.last.text.startswith("Начало периода: 10.11.2026.")


async def test_a_forged_mailing_company_is_taken_back_and_save_still_works(chat, bot_database):
    await bind_resident(bot_database, chat.user.id)
    await chat.send("/profile")
    await chat.press("📬 Рассылки")
    await chat.press("➕ Добавить адрес")
    await chat.send("news@example.org")
    await chat.press_data(*forge(chat, "companies:evil"))
    assert chat.last.text.startswith(REFUSED)

    await chat.press("💾 Сохранить")

    assert chat.last.text.startswith("✅ Рассылки сохранены.")
    async with bot_database.engine.connect() as connection:
        companies = (await connection.execute(select(marketing_emails.c.company))).scalars()
        assert sorted(companies) == ["tomskenergosbyt", "tomskrts"]


async def test_reading_another_residents_appeal_whole_is_refused(
    chat, new_chat, bot_database, demo
):
    await open_account(chat, bot_database, "700100103492", "✉️ Обращения")
    await chat.press("✍️ Новое обращение")
    await chat.press('ООО "ЗТК"')
    await chat.send("Моё обращение, его видит только автор.")
    await chat.press("📨 Отправить")
    other = new_chat(800009)
    await open_account(other, bot_database, "800200415527", "✉️ Обращения")

    await other.press_data(*forge(other, "whole:1"))

    assert other.last.text.startswith(REFUSED)
    assert all("Моё обращение" not in m.text for m in other.bot_messages())
