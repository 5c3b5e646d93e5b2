"""Questions and answers (guide section 12)."""

from __future__ import annotations

from sqlalchemy import delete

from bot.transports.local import LocalChat
from storage.tables import faq_entries
from tests.data import import_faq


async def test_the_questions_open_their_answers_and_show_the_phone(chat, bot_database):
    await import_faq(bot_database)
    await chat.send("/start")
    await chat.press("❓ Вопросы и ответы")

    assert "Контактный центр: +7 (3822) 75-00-75" in chat.last.text
    # Each question whole in the text, however long; a button per number.
    assert "<b>4.</b> Какова методика расчёта пени?" in chat.last.text
    assert (
        "<b>1.</b> По какому принципу происходит перерасчёт электроэнергии? Может ли перерасчёт "
        "быть неверным и кому сообщить об ошибке?"
    ) in chat.last.text
    questions = [b.text for _, b in chat.inline_buttons()][:-2]  # less "ask", "back"
    assert questions == [str(n) for n in range(1, 10)]

    await chat.press("4")
    assert chat.last.text.startswith("<b>Какова методика расчёта пени?</b>")
    assert "1/130 ставки" in chat.last.text
    assert chat.last.text.endswith("Не нашли ответ? Контактный центр: +7 (3822) 75-00-75")

    await chat.press("◀️ Назад")
    await chat.press("◀️ Назад")
    assert chat.last.text.startswith("Здравствуйте!")


async def test_english_residents_read_the_english_questions(new_chat, bot_database):
    await import_faq(bot_database)
    chat: LocalChat = new_chat(300003, language_code="en")
    await chat.send("/faq")
    assert "<b>4.</b> How are penalties calculated?" in chat.last.text
    await chat.press("4")
    assert "1/300 of the Bank of Russia key rate" in chat.last.text


async def test_a_question_removed_meanwhile_is_said_to_be_gone(chat, bot_database):
    await import_faq(bot_database)
    await chat.send("/faq")
    async with bot_database.engine.begin() as connection:
        await connection.execute(delete(faq_entries).where(faq_entries.c.position == 4))

    await chat.press("4")

    assert chat.last.text.startswith("Этого вопроса больше нет в списке.")
    assert "Какова методика расчёта пени?" not in chat.last.text
    assert len(chat.inline_buttons()) == 8 + 2  # the list as it is now


async def test_a_forged_question_id_is_refused(chat, bot_database):
    await import_faq(bot_database)
    await chat.send("/faq")
    message, button = chat.inline_buttons()[0]
    prefix = button.callback_data.rsplit(":", 1)[0]

    await chat.press_data(message, f"{prefix}:999999")
    assert chat.last.text.startswith("Этого вопроса больше нет в списке.")
    for forged in ("abc", "-1", str(2**31), "١٢"):
        await chat.press_data(message, f"{prefix}:{forged}")
        assert chat.last.text.startswith("Эта кнопка больше не действует.")
        assert "Нажмите номер вопроса" in chat.last.text  # the window still works


async def test_with_no_questions_the_screen_says_so(chat):
    await chat.send("/faq")
    assert "Список вопросов пока пуст." in chat.last.text
    assert "Контактный центр" in chat.last.text
