"""Registration with e-mail confirmation, login, recovery and logout (guide sections 1-3),
against a real SMTP server."""

from __future__ import annotations

import hashlib
import hmac
import logging

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import DeleteMessage
from sqlalchemy import select

from bot.security import Argon2Hasher
from bot.transports.local import LocalChat
from storage.tables import email_codes, profiles, telegram_users
from tests.chat import buttons
from tests.data import bind_resident
from tests.smtp import SmtpServer

PASSWORD = "Secret123"
EMAIL = "s.malashta@example.org"


@pytest.fixture
def mailer(smtp_mailer):
    return smtp_mailer


def deleted(chat: LocalChat) -> set[int]:
    return {call.message_id for call in chat.session.calls if isinstance(call, DeleteMessage)}


async def profile_row(database, email: str = EMAIL):
    async with database.engine.connect() as connection:
        return (
            await connection.execute(select(profiles).where(profiles.c.email == email))
        ).one_or_none()


async def register(chat: LocalChat, email: str = EMAIL, *, share_contact: bool = True) -> None:
    """The whole registration up to the consent, with valid answers."""
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    if share_contact:
        await chat.share_contact("+7 (913) 825-00-75")
    else:
        await chat.press_reply("Пропустить ⏭")
    await chat.send(email)
    await chat.send(PASSWORD)
    await chat.send(PASSWORD)
    await chat.send("Малашта")
    await chat.send("Светлана")
    await chat.send("Михайловна")
    await chat.send("15.03.1984")
    await chat.press("Женский")
    # What was entered, read over before it is accepted.
    summary = chat.last.text
    assert "ФИО: Малашта Светлана Михайловна" in summary and f"E-mail (логин): {email}" in summary
    assert "Дата рождения: 15.03.1984" in summary and "Пол: женский" in summary
    phone = "+7 913 825-00-75" if share_contact else "—"
    assert f"Мобильный телефон: {phone}" in summary
    await chat.press("✅ Принимаю")


async def test_a_resident_registers_and_confirms_with_the_code_from_the_letter(
    chat, bot_database, smtp, caplog
):
    caplog.set_level(logging.DEBUG)
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    assert chat.last.text.startswith("Укажите номер мобильного телефона")
    assert chat.reply_keyboard()[0] == "📱 Поделиться номером"

    await chat.share_contact("8 913 825 00 75")
    assert chat.last.text.startswith("Введите e-mail")
    assert chat.reply_keyboard() == []
    await chat.send("S.Malashta@Example.org")
    password = await chat.send(PASSWORD)
    assert chat.last.text == "Повторите пароль."
    repeat = await chat.send(PASSWORD)
    assert {password.message_id, repeat.message_id} <= deleted(chat)
    for answer in ("Малашта", "Светлана", "Михайловна", "15.03.1984"):
        await chat.send(answer)
    await chat.press("Женский")
    assert "пользовательское соглашение" in chat.last.text
    assert chat.inline_buttons()[0][1].url == "https://lk.tomskenergosbyt.ru/agreement"
    await chat.press("✅ Принимаю")

    assert chat.last.text.startswith("✉️ Письмо с кодом отправлено.")
    assert "отправленного на s.malashta@example.org" in chat.last.text
    row = await profile_row(bot_database)
    assert row.phone == "+79138250075" and row.surname == "Малашта"
    assert row.patronymic == "Михайловна" and str(row.birth_date) == "1984-03-15"
    assert row.gender == "female" and not row.email_confirmed
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert row.consent_version and row.consent_at is not None
    letter = smtp.inbox.last(EMAIL)
    assert letter["Subject"] == "Подтверждение e-mail для личного кабинета"
    assert "https://t.me/tes_cabinet_bot?start=" in letter.get_content()

    code = smtp.inbox.code(EMAIL)
    async with bot_database.engine.connect() as connection:
        stored = (await connection.execute(select(email_codes.c.code_hash))).scalar_one()
    # A copy of the table gives no code back: the digest is keyed with the server's secret.
    assert stored != hashlib.sha256(code.encode()).hexdigest()
    assert stored == hmac.new(bot_database.secret_key, code.encode(), hashlib.sha256).hexdigest()
    await chat.send(f"{code[:3]} {code[3:]}")  # as a code is read out

    texts = [m.text for m in chat.bot_messages()]
    assert "✅ E-mail s.malashta@example.org подтверждён." in texts
    assert chat.last.text.startswith("Светлана, добро пожаловать в личный кабинет!")
    assert (await profile_row(bot_database)).email_confirmed
    assert PASSWORD not in caplog.text and code not in caplog.text


async def test_each_wrong_answer_says_what_is_wrong_and_asks_again(chat, bot_database):
    await chat.send("/start")
    await chat.press("📝 Регистрация")

    await chat.send("12345")
    assert chat.last.text.startswith("Не удалось распознать номер.")
    assert "Укажите номер мобильного телефона" in chat.last.text

    await chat.share_contact("+79130000000", user_id=999)  # someone else's contact
    assert chat.last.text.startswith("Это чужой контакт.")

    await chat.send("+7 913 825-00-75")
    await chat.send_photo()
    assert chat.last.text.startswith("Пожалуйста, ответьте текстом.")
    await chat.send("not-an-email")
    assert chat.last.text.startswith("Это не похоже на адрес e-mail.")
    await chat.send(EMAIL)

    for weak, reason in (
        ("short1A", "слишком короткий"),
        ("alllowercase1", "большие и "),
        ("NoDigitsHere", "должны быть цифры"),
    ):
        message = await chat.send(weak)
        assert reason in chat.last.text
        assert message.message_id in deleted(chat)
    await chat.send(PASSWORD)
    await chat.send("Secret124")
    assert chat.last.text.startswith("Пароли не совпадают.")
    await chat.send(PASSWORD)

    await chat.send("Малашта2")
    assert chat.last.text.startswith("Введите фамилию буквами")  # the surname's own words
    await chat.send("малашта")  # typed in lower case: kept as a name is written
    await chat.send("Светлана")
    await chat.press("Пропустить ⏭")  # no patronymic
    for bad, reason in (
        ("1984-03-15", "в формате ДД.ММ.ГГГГ"),
        ("31.02.1984", "Такой даты не бывает"),
        ("01.01.2020", "исполнилось 14 лет"),
        ("01.01.2030", "Эта дата ещё не наступила"),
        ("01.01.1850", "слишком давний"),
    ):
        await chat.send(bad)
        assert reason in chat.last.text
    await chat.send("/nonsense")
    assert chat.last.text.startswith("Такой команды нет.")
    await chat.send("15.03.1984")
    await chat.send("мужской")
    assert chat.last.text.startswith("Пожалуйста, выберите вариант кнопкой")
    await chat.press("Пропустить ⏭")
    await chat.press("✅ Принимаю")

    row = await profile_row(bot_database)
    assert row.patronymic is None and row.gender is None and row.phone == "+79138250075"
    assert row.surname == "Малашта"


async def test_back_returns_to_the_previous_question_and_cancel_leaves(chat, bot_database):
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    await chat.send("+79138250075")
    await chat.send(EMAIL)
    await chat.press("◀️ Назад")
    assert chat.last.text.startswith("Введите e-mail")
    await chat.press("✖️ Отмена")
    assert await profile_row(bot_database) is None


async def test_a_registered_email_is_refused_without_saying_whose(chat, new_chat, smtp):
    await register(chat)
    stranger = new_chat(500005, first_name="Пётр", last_name=None)
    await stranger.send("/start")
    await stranger.press("📝 Регистрация")
    await stranger.share_contact("+79130000005")
    await stranger.send(EMAIL.upper())

    assert stranger.last.text.startswith("Этот e-mail нельзя использовать для регистрации.")
    assert "Малашта" not in stranger.last.text and "Светлана" not in stranger.last.text


async def test_the_link_from_the_letter_confirms_the_address(chat, bot_database, smtp):
    await register(chat)
    await chat.send(f"/start {smtp.inbox.token(EMAIL)}")

    assert "✅ E-mail s.malashta@example.org подтверждён." in [m.text for m in chat.bot_messages()]
    assert (await profile_row(bot_database)).email_confirmed
    await chat.send(f"/start {smtp.inbox.token(EMAIL)}")  # a link works once
    assert "Ссылка из письма больше не действует" in [m.text for m in chat.bot_messages()][-2]


async def test_an_expired_code_and_a_new_one(chat, bot_database, smtp, clock):
    await register(chat)
    code = smtp.inbox.code(EMAIL)
    clock.advance(minutes=31)
    await chat.send(code)
    assert chat.last.text.startswith("Срок действия кода истёк.")

    await chat.press("🔁 Отправить ещё раз")
    assert chat.last.text.startswith("✉️ Письмо с кодом отправлено.")
    assert "отправленного на s.malashta@example.org" in chat.last.text
    await chat.send(smtp.inbox.code(EMAIL))
    assert (await profile_row(bot_database)).email_confirmed


async def test_five_wrong_codes_void_the_code(chat, bot_database, smtp):
    await register(chat)
    right = smtp.inbox.code(EMAIL)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        await chat.send(wrong)
        assert str(left) in chat.last.text.splitlines()[0]
        await chat.send("abc")  # cannot be a code: a hint, and no attempt used
        assert chat.last.text.startswith("Код из письма — шесть цифр")
    await chat.send(wrong)
    assert chat.last.text.startswith("Код введён неверно 5 раз и больше не действует.")
    await chat.send(right)  # the sixth try, even with the right code
    assert chat.last.text.startswith("Действующего кода нет.")
    assert not (await profile_row(bot_database)).email_confirmed


async def test_send_again_waits_for_the_cool_down(chat, smtp, clock):
    await register(chat)
    await chat.press("🔁 Отправить ещё раз")
    assert chat.last.text.startswith("Новое письмо можно отправить через 60 с.")
    clock.advance(seconds=61)
    await chat.press("🔁 Отправить ещё раз")
    assert len([m for m in smtp.inbox.letters if m["To"] == EMAIL]) == 2


async def test_smtp_down_keeps_the_registration_and_sends_when_it_is_up(chat, bot_database, smtp):
    smtp.stop()
    await register(chat)
    assert "Не удалось отправить письмо" in chat.last.text
    assert await profile_row(bot_database) is not None

    up = SmtpServer(port=smtp.port).start()
    try:
        await chat.press("🔁 Отправить ещё раз")  # no cool-down after a failed letter
        assert chat.last.text.startswith("✉️ Письмо с кодом отправлено.")
        await chat.send(up.inbox.code(EMAIL))
    finally:
        up.stop()
    assert (await profile_row(bot_database)).email_confirmed


async def _registered_then_logged_out(chat: LocalChat, smtp) -> None:
    await register(chat)
    await chat.send(smtp.inbox.code(EMAIL))
    await chat.send("/logout")
    assert chat.bot_messages()[-2].text.startswith("Вы вышли из личного кабинета.")


async def test_login_binds_the_telegram_user_until_logout(chat, bot_database, smtp):
    await _registered_then_logged_out(chat, smtp)
    assert chat.last.text.startswith("Здравствуйте!")

    await chat.press("🔑 Вход")
    await chat.send(EMAIL)
    said_before = len(chat.bot_messages())
    password = await chat.send(PASSWORD)

    assert password.message_id in deleted(chat)
    said = [m.text for m in chat.bot_messages()[said_before:]]
    assert said == [chat.last.text]  # the menu alone greets them: nothing said twice
    assert chat.last.text.startswith("Светлана, добро пожаловать")
    assert chat.last.text.startswith("Светлана, добро пожаловать")
    await chat.send("/start")  # remembered
    assert chat.last.text.startswith("Светлана, добро пожаловать")


async def test_five_wrong_passwords_lock_login_for_15_minutes(chat, bot_database, smtp, clock):
    await _registered_then_logged_out(chat, smtp)
    await chat.press("🔑 Вход")
    await chat.send(EMAIL)
    for _ in range(5):
        await chat.send("Wrong1234")
        assert chat.last.text.startswith("Неверный e-mail или пароль.")
    await chat.send(PASSWORD)
    assert chat.last.text.startswith(
        "Слишком много неудачных попыток входа. Попробуйте снова после 10:15."
    )  # 03:00 UTC + 15 min

    clock.advance(minutes=15, seconds=1)
    await chat.send(PASSWORD)
    assert chat.last.text.startswith("Светлана, добро пожаловать")


async def test_the_lock_follows_the_telegram_user_across_addresses(chat, smtp):
    await _registered_then_logged_out(chat, smtp)
    await chat.press("🔑 Вход")
    for attempt in range(5):
        await chat.send(f"guess{attempt}@example.org")
        await chat.send("Wrong1234")
        await chat.press("◀️ Назад")
    await chat.send(EMAIL)
    await chat.send(PASSWORD)
    assert chat.last.text.startswith("Слишком много неудачных попыток входа.")


async def test_first_login_asks_for_the_missing_phone(chat, bot_database, smtp):
    await register(chat, share_contact=False)
    await chat.send(smtp.inbox.code(EMAIL))
    await chat.send("/logout")
    await chat.press("🔑 Вход")
    await chat.send(EMAIL)
    await chat.send(PASSWORD)

    # Registering logged in: the fields it skipped were skipped then; the phone is required.
    assert chat.last.text.startswith("Укажите номер мобильного телефона")
    assert "Пропустить ⏭" not in chat.reply_keyboard()
    await chat.share_contact("+79138250075")
    assert chat.last.text.startswith("Светлана, добро пожаловать")
    assert (await profile_row(bot_database)).phone == "+79138250075"


async def test_the_first_login_asks_for_what_the_profile_lacks(chat, bot_database, smtp, demo):
    # A profile that has never logged in here, like one carried over from the web cabinet.
    await bind_resident(bot_database, 650_002, password_hash=Argon2Hasher().hash(PASSWORD))
    email = "resident650002@example.org"

    async def log_in() -> None:
        await chat.send("/start")
        await chat.press("🔑 Вход")
        await chat.send(email)
        await chat.send(PASSWORD)

    await log_in()
    assert chat.last.text.startswith("Укажите номер мобильного телефона")
    await chat.send("8 913 825-00-75")
    assert chat.last.text.startswith("Введите отчество")
    assert buttons(chat) == ["Пропустить ⏭"]  # nothing to go back to, nothing to cancel
    await chat.send("42")
    assert chat.last.text.startswith("Введите отчество буквами")  # and it is asked again
    await chat.send("михайловна")
    assert chat.last.text.startswith("Введите дату рождения")
    await chat.press("Пропустить ⏭")
    assert chat.last.text.startswith("Укажите пол")
    await chat.press("Женский")
    assert chat.last.text.startswith("Светлана, добро пожаловать")
    row = await profile_row(bot_database, email)
    assert (row.phone, row.patronymic, row.birth_date, row.gender) == (
        "+79138250075",
        "Михайловна",
        None,
        "female",
    )
    assert row.last_login_at is not None

    await chat.send("/logout")
    await log_in()  # not the first any more: what was skipped stays skipped
    assert chat.last.text.startswith("Светлана, добро пожаловать")


async def test_password_recovery_by_code(chat, new_chat, bot_database, smtp):
    await _registered_then_logged_out(chat, smtp)
    await chat.press("🔑 Вход")
    await chat.send(EMAIL)
    await chat.press("Забыли пароль?")
    assert chat.last.text.startswith(f"Если {EMAIL} зарегистрирован")

    await chat.send(smtp.inbox.code(EMAIL))
    first = await chat.send("NewSecret456")
    second = await chat.send("NewSecret456")
    assert {first.message_id, second.message_id} <= deleted(chat)
    assert "✅ Пароль изменён." in [m.text for m in chat.bot_messages()]

    other = new_chat(600006)
    await other.send("/start")
    await other.press("🔑 Вход")
    await other.send(EMAIL)
    await other.send(PASSWORD)
    assert other.last.text.startswith("Неверный e-mail или пароль.")
    await other.send("NewSecret456")
    assert other.last.text.startswith("Светлана, добро пожаловать")


async def test_forgot_the_password_tapped_at_once_sends_one_letter(chat, bot_database, smtp, demo):
    await bind_resident(bot_database, 650_001)  # the chat is a stranger who has a profile
    await chat.send("/start")
    await chat.press("🔑 Вход")
    await chat.send("resident650001@example.org")

    await chat.press_at_once("Забыли пароль?", 2)

    assert [m["To"] for m in smtp.inbox.letters] == ["resident650001@example.org"]
    async with bot_database.engine.connect() as connection:
        assert len((await connection.execute(select(email_codes))).all()) == 1
    assert chat.last.text.startswith("Если resident650001@example.org зарегистрирован")
    assert not [m for m in chat.bot_messages() if "Что-то пошло не так" in (m.text or "")]
    # The one code changes the password.
    await chat.send(smtp.inbox.code("resident650001@example.org"))
    assert chat.last.text.startswith("Придумайте новый пароль")


async def test_recovery_by_link(chat, smtp):
    await _registered_then_logged_out(chat, smtp)
    await chat.press("🔑 Вход")
    await chat.press("Забыли пароль?") if "Забыли пароль?" in buttons(chat) else None
    await chat.send("/start")
    await chat.press("🔑 Вход")
    await chat.send(EMAIL)
    await chat.press("Забыли пароль?")
    await chat.send(f"/start {smtp.inbox.token(EMAIL)}")
    assert chat.last.text.startswith("Придумайте новый пароль")
    await chat.send("NewSecret456")
    await chat.send("NewSecret456")
    assert chat.last.text.startswith("Светлана, добро пожаловать")


async def test_recovery_answers_the_same_for_an_unknown_address(new_chat, smtp):
    stranger = new_chat(700007)
    await stranger.send("/start")
    await stranger.press("🔑 Вход")
    await stranger.send("nobody@example.org")
    await stranger.press("Забыли пароль?")

    assert stranger.last.text.startswith("Если nobody@example.org зарегистрирован")
    assert smtp.inbox.letters == []


async def test_logout_unbinds(chat, bot_database, smtp):
    await register(chat)
    await chat.send("/logout")
    async with bot_database.engine.connect() as connection:
        bound = (
            await connection.execute(
                select(telegram_users.c.profile_id).where(
                    telegram_users.c.telegram_id == chat.user.id
                )
            )
        ).scalar_one()
    assert bound is None
    await chat.send("/profile")
    assert chat.bot_messages()[-2].text.startswith("Сначала войдите в личный кабинет")


async def test_a_password_message_telegram_will_not_delete_does_not_stop_registration(
    chat, session, caplog
):
    from aiogram.exceptions import TelegramBadRequest

    def too_old(method):
        if isinstance(method, DeleteMessage):
            return TelegramBadRequest(method=method, message="message can't be deleted")
        return None

    await chat.send("/start")
    await chat.press("📝 Регистрация")
    await chat.send("+79138250075")
    await chat.send(EMAIL)
    session.fail = too_old
    await chat.send(PASSWORD)
    assert chat.last.text == "Повторите пароль."
    assert "could not delete a password message" in caplog.text
    assert PASSWORD not in caplog.text


async def test_a_password_reset_logs_every_other_session_out(chat, new_chat, smtp):
    await _registered_then_logged_out(chat, smtp)
    thief = new_chat(600007)  # logged in with the old password
    await thief.send("/start")
    await thief.press("🔑 Вход")
    await thief.send(EMAIL)
    await thief.send(PASSWORD)
    assert thief.last.text.startswith("Светлана, добро пожаловать")

    await chat.press("🔑 Вход")
    await chat.send(EMAIL)
    await chat.press("Забыли пароль?")
    await chat.send(smtp.inbox.code(EMAIL))
    await chat.send("NewSecret456")
    await chat.send("NewSecret456")

    told = [m.text for m in thief.bot_messages() if m.text.startswith("🔒 Вы вышли")]
    assert len(told) == 1
    await thief.send("/profile")
    assert thief.last.text.startswith("Здравствуйте!")


async def forget_conversations(dp) -> None:
    """What a restart with memory storage, or a flushed Redis, does to the dialogs' state."""
    storage = dp.fsm.storage
    if isinstance(storage, MemoryStorage):
        storage.storage.clear()
    else:
        keys = [key async for key in storage.redis.scan_iter(f"{storage.key_builder.prefix}:*")]
        await storage.redis.delete(*keys)


async def test_a_password_sent_after_the_conversation_was_lost_is_deleted(chat, running):
    dp, _, _ = running
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    await chat.share_contact("+7 (913) 825-00-75")
    await chat.send(EMAIL)
    assert chat.last.text.startswith("Придумайте пароль")
    await forget_conversations(dp)

    typed = await chat.send(PASSWORD)

    assert typed.message_id in deleted(chat)
    assert chat.last.text.startswith("🔒 Похоже, это был пароль: сообщение удалено")
    hint = await chat.send("привет")  # an ordinary message is not taken for one
    assert hint.message_id not in deleted(chat)


async def test_a_password_with_a_null_byte_is_deleted_and_the_step_asks_again(chat):
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    await chat.share_contact("+7 (913) 825-00-75")
    await chat.send(EMAIL)

    typed = await chat.send(PASSWORD[:3] + "\x00" + PASSWORD[3:])

    assert typed.message_id in deleted(chat)
    assert chat.last.text.startswith("В сообщении есть невидимый служебный символ")
    await chat.send(PASSWORD)
    assert chat.last.text.startswith("Повторите пароль")


async def test_a_password_as_a_caption_or_after_a_slash_is_deleted_at_the_password_step(chat):
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    await chat.share_contact("+7 (913) 825-00-75")
    await chat.send(EMAIL)

    captioned = await chat.send_photo(caption=PASSWORD)
    slashed = await chat.send("/" + PASSWORD)

    assert {captioned.message_id, slashed.message_id} <= deleted(chat)
    assert chat.last.text.startswith("Такой команды нет.")
