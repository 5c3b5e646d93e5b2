"""Limits hold when many guesses arrive at the same moment, and a resident's double tap does
what one tap does: real concurrent updates through the dispatcher (asyncio.gather), on SQLite
and on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.security import Argon2Hasher
from bot.transports.local import LocalChat
from storage.tables import account_links, email_codes, meters, readings, telegram_users
from tests.data import bind_resident

PASSWORD = "Secret123"
CROWD = 20


@pytest.fixture
def mailer(smtp_mailer):
    return smtp_mailer


def crowd(new_chat) -> list[LocalChat]:
    return [new_chat(700_000 + i) for i in range(CROWD)]


async def test_at_most_five_recovery_codes_are_checked_however_many_arrive_at_once(
    new_chat, bot_database, smtp
):
    await bind_resident(bot_database, 699_999, password_hash=Argon2Hasher().hash(PASSWORD))
    email = "resident699999@example.org"
    chats = crowd(new_chat)
    for chat in chats:
        await chat.send("/start")
        await chat.press("🔑 Вход")
        await chat.send(email)
        await chat.press("Забыли пароль?")
    right = smtp.inbox.code(email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    guesses = [wrong] * (CROWD - 1) + [right]

    await asyncio.gather(*(chat.send(guess) for chat, guess in zip(chats, guesses, strict=True)))

    async with bot_database.engine.connect() as connection:
        code = (await connection.execute(select(email_codes))).one()
    assert code.attempts == 5  # five guesses were checked, whatever arrived
    answers = [chat.last.text for chat in chats]
    wrong_told = sum(a.startswith("Код неверный") for a in answers)
    accepted = sum(a.startswith("Придумайте новый пароль") for a in answers)
    # Of five checked guesses, four wrong ones say how many are left, or the right one was
    # among the five; the fifth wrong one voids the code, and everyone else is refused.
    assert wrong_told + accepted in (4, 5)
    assert accepted <= 1
    refused = sum(
        a.startswith(("Код введён неверно 5 раз", "Действующего кода нет")) for a in answers
    )
    assert wrong_told + accepted + refused == CROWD


async def test_at_most_five_passwords_are_checked_for_one_address_at_once(new_chat, bot_database):
    await bind_resident(bot_database, 699_998, password_hash=Argon2Hasher().hash(PASSWORD))
    email = "resident699998@example.org"
    chats = crowd(new_chat)
    for chat in chats:
        await chat.send("/start")
        await chat.press("🔑 Вход")
        await chat.send(email)

    await asyncio.gather(*(chat.send(f"Wrong{i}234") for i, chat in enumerate(chats)))

    answers = [chat.last.text for chat in chats]
    assert sum(a.startswith("Неверный e-mail или пароль.") for a in answers) == 5
    assert sum(a.startswith("Слишком много неудачных попыток входа.") for a in answers) == 15


async def test_at_most_five_control_answers_are_checked_for_one_account_at_once(
    new_chat, bot_database, demo
):
    profile_id = await bind_resident(bot_database, 699_997)
    chats = crowd(new_chat)
    async with bot_database.engine.begin() as connection:
        await connection.execute(
            telegram_users.insert(),
            [{"telegram_id": chat.user.id, "profile_id": profile_id} for chat in chats],
        )
    for chat in chats:
        await chat.send("/accounts")
        await chat.press("➕ Подключить лицевой счёт")
        await chat.send("800200415527")
        await chat.press("Собственник")
        await chat.press("Сумма «ИТОГО / ВСЕГО К ОПЛАТЕ»")

    await asyncio.gather(*(chat.send(f"{i}.01") for i, chat in enumerate(chats)))

    # The refused are told above the list of accounts the step ended on.
    answers = [chat.bot_messages()[-2:] for chat in chats]
    assert sum(last.text.startswith("Ответ неверный.") for _, last in answers) == 4
    assert sum(said.text.startswith("Слишком много неверных ответов") for said, _ in answers) == 16
    async with bot_database.engine.connect() as connection:
        assert (await connection.execute(select(account_links))).all() == []


async def test_the_same_reading_from_two_chats_at_once_is_kept_once(new_chat, bot_database, demo):
    profile_id = await bind_resident(bot_database, 699_996, link=("700100103492",))
    chats = [new_chat(699_996), new_chat(699_995)]
    async with bot_database.engine.begin() as connection:
        await connection.execute(
            telegram_users.insert().values(telegram_id=699_995, profile_id=profile_id)
        )
    for chat in chats:
        await chat.send("/accounts")
        await chat.press(chat.inline_buttons()[0][1].text)
        await chat.press("📟 Передать показания")
        await chat.press("№ 517480 · Горячая вода")
    async with bot_database.engine.connect() as connection:
        last = (
            await connection.execute(
                select(readings.c.value)
                .join(meters, meters.c.id == readings.c.meter_id)
                .where(meters.c.number == "517480")
                .order_by(readings.c.taken_at.desc())
                .limit(1)
            )
        ).scalar_one()

    await asyncio.gather(*(chat.send(str(last + 1)) for chat in chats))

    assert all("успешно переданы" in chat.bot_messages()[-2].text for chat in chats)
    async with bot_database.engine.connect() as connection:
        kept = (
            await connection.execute(
                select(readings.c.value)
                .join(meters, meters.c.id == readings.c.meter_id)
                .where(
                    meters.c.number == "517480",
                    readings.c.source == "resident",
                    readings.c.status == "sent",
                )
            )
        ).all()
    assert kept == [(last + 1,)]


async def test_one_letter_goes_however_many_ask_for_it_at_once(new_chat, bot_database, smtp):
    await bind_resident(bot_database, 699_994, password_hash=Argon2Hasher().hash(PASSWORD))
    email = "resident699994@example.org"
    chats = crowd(new_chat)[:10]
    for chat in chats:
        await chat.send("/start")
        await chat.press("🔑 Вход")
        await chat.send(email)

    await asyncio.gather(*(chat.press("Забыли пароль?") for chat in chats))

    assert len([letter for letter in smtp.inbox.letters if letter["To"] == email]) == 1


async def test_a_double_tap_takes_the_resident_where_one_tap_would(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("700100103492",))
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    card = chat.last
    ((_, button),) = [(m, b) for m, b in chat.inline_buttons() if b.text == "📟 Передать показания"]

    # Both taps arrive before the screen changes for the resident.
    taps = await asyncio.gather(
        *(chat.press_data(card, button.callback_data or "") for _ in range(2))
    )

    # Both taps answered (no button left spinning), neither with a word of an outdated menu;
    # the readings where the card was.
    answers = [chat.callback_answer(tap) for tap in taps]
    assert all(answer is not None and answer.text is None for answer in answers)
    assert chat.last.message_id == card.message_id
    assert chat.last.text.startswith("<b>Передача показаний</b>")
    assert not any("устарело" in (m.text or "") for m in chat.bot_messages())
    # And the conversation goes on from there.
    await chat.press("№ 517480 · Горячая вода")
    assert "Введите текущие показания, м³" in chat.last.text


async def test_a_double_tap_on_back_goes_back_one_step(chat):
    await chat.send("/start")
    await chat.press("📝 Регистрация")
    await chat.press_reply("Пропустить ⏭")
    await chat.send("s.malashta@example.org")
    assert chat.last.text.startswith("Придумайте пароль")
    ((question, button),) = [(m, b) for m, b in chat.inline_buttons() if b.text == "◀️ Назад"]

    taps = await asyncio.gather(
        *(chat.press_data(question, button.callback_data or "") for _ in range(2))
    )

    # Back to the e-mail, not past it to the phone; both taps answered.
    assert all(chat.callback_answer(tap) is not None for tap in taps)
    assert chat.last.text == "Введите e-mail — он будет логином в личном кабинете."
    await chat.send("s.malashta@example.org")
    assert chat.last.text.startswith("Придумайте пароль")
