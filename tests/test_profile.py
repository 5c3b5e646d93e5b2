"""The profile (guide section 4): each field, the mailings, deleting it."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.methods import DeleteMessage
from sqlalchemy import insert, select, update

from bot.security import Argon2Hasher
from bot.transports.local import LocalChat
from storage.tables import account_links, accounts, marketing_emails, profiles, telegram_users
from tests.chat import buttons
from tests.data import bind_resident

PASSWORD = "Secret123"


@pytest.fixture
def mailer(smtp_mailer):
    return smtp_mailer


@pytest.fixture
async def resident(chat: LocalChat, bot_database) -> int:
    profile_id = await bind_resident(
        bot_database, chat.user.id, accounts=1, password_hash=Argon2Hasher().hash(PASSWORD)
    )
    await chat.send("/profile")
    return profile_id


async def stored(database, profile_id: int):
    async with database.engine.connect() as connection:
        return (
            await connection.execute(select(profiles).where(profiles.c.id == profile_id))
        ).one_or_none()


async def test_the_profile_shows_what_it_holds(chat, resident):
    text = chat.last.text
    assert text.startswith("<b>Профиль</b>")
    assert "ФИО: Малашта Светлана" in text
    assert "Пол: не указан" in text and "Дата рождения: —" in text
    assert f"E-mail (логин): resident{chat.user.id}@example.org ✅" in text
    assert "Адреса для рассылок: нет" in text
    assert buttons(chat)[:2] == ["✏️ ФИО", "✏️ Пол"]


async def test_in_english_the_name_comes_given_name_first(chat, resident):
    await chat.send("/language")
    await chat.press("🇬🇧 English")
    await chat.send("/profile")
    assert "Name: Светлана Малашта" in chat.last.text


async def test_full_name_gender_and_birth_date_are_edited(chat, resident, bot_database):
    await chat.press("✏️ ФИО")
    await chat.send("Иванова")
    assert chat.last.text.startswith("Введите фамилию, имя и, если есть, отчество")
    await chat.send("Иванов Иван Иванович Оглы")  # what registration takes, the profile takes
    assert "ФИО: Иванов Иван Иванович Оглы" in chat.last.text
    await chat.press("✏️ ФИО")
    await chat.send("Иванова2 Мария")
    assert chat.last.text.startswith("Введите фамилию буквами")
    await chat.send("Иванова Мария Петровна")
    assert chat.last.text.startswith("✅ Сохранено.")
    assert "ФИО: Иванова Мария Петровна" in chat.last.text

    await chat.press("✏️ Пол")
    await chat.press("Женский")
    await chat.press("✏️ Дата рождения")
    await chat.send("30.02.1990")
    assert chat.last.text.startswith("Такой даты не бывает.")
    await chat.send("28.02.1990")
    assert "Дата рождения: 28.02.1990" in chat.last.text and "Пол: женский" in chat.last.text

    row = await stored(bot_database, resident)
    assert (row.surname, row.name, row.patronymic) == ("Иванова", "Мария", "Петровна")
    assert row.gender == "female" and str(row.birth_date) == "1990-02-28"

    # Both are optional: either can be taken out again.
    await chat.press("✏️ Пол")
    assert "«Не указывать» уберёт его из профиля" in chat.last.text
    await chat.press("🚫 Не указывать")
    await chat.press("✏️ Дата рождения")
    await chat.press("🚫 Не указывать")
    assert "Пол: не указан" in chat.last.text and "Дата рождения: —" in chat.last.text
    row = await stored(bot_database, resident)
    assert row.gender is None and row.birth_date is None


async def test_the_phone_is_edited_by_contact_or_typing(chat, resident, bot_database):
    await chat.press("✏️ Телефон")
    await chat.share_contact("+79131112233", user_id=1)
    assert chat.last.text.startswith("Это чужой контакт.")
    for foreign_digits in ("+79١٣٨250075", "+7913825007⁵"):
        await chat.send(foreign_digits)
        assert chat.last.text.startswith("Не удалось распознать номер.")
    assert (await stored(bot_database, resident)).phone is None
    await chat.send("8 (913) 111-22-33")
    assert "Мобильный телефон: +7 913 111-22-33" in chat.last.text
    assert (await stored(bot_database, resident)).phone == "+79131112233"


async def test_back_from_the_phone_leads_to_the_profile_and_changes_nothing(
    chat, resident, bot_database
):
    async with bot_database.engine.begin() as connection:
        await connection.execute(
            update(profiles).where(profiles.c.id == resident).values(birth_date=date(1990, 2, 28))
        )
    await chat.send("/profile")
    await chat.press("✏️ Телефон")
    await chat.press_reply("◀️ Назад")
    assert chat.last.text.startswith("<b>Профиль</b>")
    assert "Дата рождения: 28.02.1990" in chat.last.text
    assert str((await stored(bot_database, resident)).birth_date) == "1990-02-28"


async def test_ones_own_email_is_not_a_new_one(chat, resident):
    await chat.press("✏️ E-mail")
    await chat.send(f"resident{chat.user.id}@example.org")
    assert chat.last.text.startswith("Это ваш текущий e-mail.")


async def test_a_new_email_becomes_the_login_only_after_its_code(
    chat, resident, bot_database, smtp
):
    old = f"resident{chat.user.id}@example.org"
    await chat.press("✏️ E-mail")
    await chat.send("new.address@example.org")
    assert chat.last.text.startswith("✉️ Письмо с кодом отправлено.")
    assert "отправленного на new.address@example.org" in chat.last.text
    assert (await stored(bot_database, resident)).email == old

    await chat.send(smtp.inbox.code("new.address@example.org"))

    assert "✅ E-mail new.address@example.org подтверждён." in [m.text for m in chat.bot_messages()]
    assert "E-mail (логин): new.address@example.org ✅" in chat.last.text
    assert (await stored(bot_database, resident)).email == "new.address@example.org"
    # The profile shown after the code leads back to the main menu, as it did before.
    await chat.press("◀️ Назад")
    assert chat.last.text.startswith("Светлана, добро пожаловать в личный кабинет!")


async def test_the_notifications_command_leads_back_to_the_main_menu(chat, resident):
    await chat.send("/notifications")
    await chat.press("◀️ Назад")
    assert chat.last.text.startswith("Светлана, добро пожаловать в личный кабинет!")


async def test_a_new_email_left_for_later_waits_in_the_profile_with_its_code(
    chat, resident, bot_database, smtp, clock
):
    await chat.press("✏️ E-mail")
    await chat.send("later@example.org")
    await chat.press("Позже")
    assert chat.last.text.startswith("<b>Профиль</b>")
    assert "Новый e-mail later@example.org ждёт подтверждения" in chat.last.text
    await chat.press("✉️ Ввести код из письма")
    assert "отправленного на later@example.org" in chat.last.text
    # No new letter: the one sent holds the code to type.
    assert [m["To"] for m in smtp.inbox.letters].count("later@example.org") == 1
    await chat.send(smtp.inbox.code("later@example.org"))
    assert "E-mail (логин): later@example.org ✅" in chat.last.text
    assert "ждёт подтверждения" not in chat.last.text
    assert "✉️ Ввести код из письма" not in buttons(chat)
    assert (await stored(bot_database, resident)).email == "later@example.org"


async def test_a_change_of_email_whose_code_expired_no_longer_waits(
    chat, resident, bot_database, smtp, clock
):
    await chat.press("✏️ E-mail")
    await chat.send("late@example.org")
    await chat.press("Позже")
    clock.advance(minutes=31)
    await chat.press("✉️ Ввести код из письма")
    assert chat.last.text.startswith("Код для нового e-mail уже не действует")
    assert "✉️ Ввести код из письма" not in buttons(chat)
    assert (await stored(bot_database, resident)).email == f"resident{chat.user.id}@example.org"


async def test_the_password_changes_only_with_the_current_one(chat, resident, bot_database):
    await chat.press("🔑 Пароль")
    wrong = await chat.send("NotMine123")
    assert chat.last.text.startswith("Текущий пароль введён неверно.")
    current = await chat.send(PASSWORD)
    assert buttons(chat).count("◀️ Назад") == 1  # one way back: to the profile
    same = await chat.send(PASSWORD)
    assert chat.last.text.startswith("Это ваш нынешний пароль: придумайте другой.")
    new = await chat.send("Another456")
    repeat = await chat.send("Another456")

    assert chat.last.text.startswith("✅ Пароль изменён.")
    removed = {c.message_id for c in chat.session.calls if isinstance(c, DeleteMessage)}
    assert {wrong.message_id, current.message_id, same.message_id, new.message_id} <= removed
    assert repeat.message_id in removed
    row = await stored(bot_database, resident)
    assert Argon2Hasher().verify(row.password_hash, "Another456")


async def test_mailing_addresses_are_added_changed_and_removed(chat, resident, bot_database):
    await chat.press("📬 Рассылки")
    assert "Адресов для рассылок пока нет." in chat.last.text
    await chat.press("➕ Добавить адрес")
    await chat.send("news@example.org")
    assert '✅ АО "ТомскРТС"' in buttons(chat)
    await chat.press('✅ АО "ТомскРТС"')  # untick: only Томскэнергосбыт
    await chat.press("💾 Сохранить")
    assert '• news@example.org: ПАО "Томскэнергосбыт"' in chat.last.text

    async with bot_database.engine.connect() as connection:
        rows = (await connection.execute(select(marketing_emails))).all()
    assert [(r.email, r.company) for r in rows] == [("news@example.org", "tomskenergosbyt")]

    await chat.press("✏️ news@example.org")
    await chat.press('✅ ПАО "Томскэнергосбыт"')
    await chat.press("💾 Сохранить")
    assert chat.last.text.startswith("Адрес удалён из рассылок.")
    async with bot_database.engine.connect() as connection:
        assert (await connection.execute(select(marketing_emails))).all() == []


async def test_deleting_the_profile_keeps_the_accounts(chat, resident, bot_database):
    await chat.press("🗑 Удалить профиль")
    assert "Данные самих лицевых счетов" in chat.last.text
    await chat.press("Да, удалить профиль")

    assert "Профиль удалён." in [m.text for m in chat.bot_messages()][-2]
    assert chat.last.text.startswith("Здравствуйте!")
    assert await stored(bot_database, resident) is None
    async with bot_database.engine.connect() as connection:
        assert (await connection.execute(select(account_links))).all() == []
        assert len((await connection.execute(select(accounts))).all()) == 1
        bound = (await connection.execute(select(telegram_users.c.profile_id))).scalar_one()
    assert bound is None


async def elsewhere(new_chat, database, profile_id: int) -> LocalChat:
    """Another Telegram user logged in to the same profile, at the main menu."""
    other = new_chat(200002)
    async with database.engine.begin() as connection:
        await connection.execute(
            insert(telegram_users).values(telegram_id=other.user.id, profile_id=profile_id)
        )
    await other.send("/start")
    return other


SESSION_ENDED = "🔒 Вы вышли из личного кабинета"


async def logged_out_once(other: LocalChat) -> bool:
    told = [m.text for m in other.bot_messages() if m.text and m.text.startswith(SESSION_ENDED)]
    await other.send("/accounts")
    return len(told) == 1 and other.last.text.startswith("Здравствуйте!")


async def test_a_password_change_logs_every_other_session_out(
    chat, new_chat, resident, bot_database
):
    other = await elsewhere(new_chat, bot_database, resident)
    await chat.press("🔑 Пароль")
    for text in (PASSWORD, "Another456", "Another456"):
        await chat.send(text)

    assert chat.last.text.startswith("✅ Пароль изменён.")
    assert await logged_out_once(other)
    await chat.send("/accounts")
    assert chat.last.text.startswith("<b>Ваши счета</b>")  # the one who changed it stays


async def test_a_new_login_email_logs_every_other_session_out(
    chat, new_chat, resident, bot_database, smtp
):
    other = await elsewhere(new_chat, bot_database, resident)
    await chat.press("✏️ E-mail")
    await chat.send("new.address@example.org")
    await chat.send(smtp.inbox.code("new.address@example.org"))

    assert await logged_out_once(other)


async def test_a_menu_left_open_elsewhere_leads_to_the_welcome_once_the_profile_is_gone(
    chat, new_chat, resident, bot_database
):
    phone = await elsewhere(new_chat, bot_database, resident)
    menu, accounts_button = next((m, b) for m, b in phone.inline_buttons() if "счета" in b.text)

    await chat.press("🗑 Удалить профиль")
    await chat.press("Да, удалить профиль")
    query = await phone.press_data(menu, accounts_button.callback_data or "")

    answer = phone.callback_answer(query)
    assert answer is not None
    assert answer.text == "Сначала войдите в личный кабинет или зарегистрируйтесь."
    assert phone.last.text.startswith("Здравствуйте!")
    told = [m.text for m in phone.bot_messages() if m.text.startswith(SESSION_ENDED)]
    assert len(told) == 1


async def test_a_reply_keyboard_left_by_a_closed_screen_is_taken_away(
    chat, resident, logged_errors
):
    """The phone editor's keyboard stays under a menu opened over it (a stale button, a
    command); its buttons then belong to a screen the bot no longer keeps."""
    await chat.press("✏️ Телефон")
    stale = next(b for b in chat.reply_keyboard() if "Назад" in b)
    await chat.send("/start")
    await chat.send(stale)
    assert chat.reply_keyboard() == []
    assert "Эти кнопки больше не действуют." in [m.text for m in chat.bot_messages()]
    assert chat.last.text.startswith("Светлана, добро пожаловать в личный кабинет!")
    assert not logged_errors


async def test_the_current_password_is_guessed_under_the_login_s_limit(chat, resident):
    await chat.press("🔑 Пароль")
    for _ in range(5):
        await chat.send("NotMine123")
        assert chat.last.text.startswith("Текущий пароль введён неверно.")
    await chat.send(PASSWORD)  # right, but after five wrong ones: locked like a login
    assert chat.last.text.startswith("Слишком много неудачных попыток входа.")
