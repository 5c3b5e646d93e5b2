"""Appeals and questions, answered by staff in the Telegram group (guide sections 11, 12)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramNetworkError
from aiogram.methods import SendMessage
from aiogram.types import Chat
from sqlalchemy import insert, select

from bot.console import Console
from bot.transports.local import LocalChat
from domain.appeals import post_unposted
from storage.tables import appeals, payments
from tests.chat import buttons
from tests.data import STAFF, bind_resident

EPD = "700100103492"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"staff_chat_id": STAFF})


async def rows(database):
    async with database.engine.connect() as connection:
        return (await connection.execute(select(appeals).order_by(appeals.c.id))).all()


async def write_appeal(
    chat: LocalChat,
    database,
    text: str = "Прошу проверить начисление за отопление в ноябре.",
    photo: bool = True,
) -> None:
    await bind_resident(database, chat.user.id, link=(EPD,))
    await open_new_appeal(chat)
    await chat.send(text)
    if photo:
        await chat.send_photo()
    await chat.press("📨 Отправить")


def post(staff: LocalChat):
    return next(m for m in staff.bot_messages() if m.text and "№ 1</b>" in m.text)


async def test_an_appeal_is_stored_then_posted_to_staff(chat, staff, bot_database, demo):
    await write_appeal(chat, bot_database)

    [row] = await rows(bot_database)
    assert row.kind == "appeal" and row.status == "open"
    assert row.text == "Прошу проверить начисление за отопление в ноябре."
    assert row.attachments == ["photo:resident-photo"]
    registered = [m.text for m in chat.bot_messages()]
    assert (
        "✅ Обращение № 1 от 24.11.2026 зарегистрировано. Ответ придёт сюда, в чат." in registered
    )

    posted = post(staff)
    assert "Житель: Малашта Светлана" in posted.text
    assert "ЛС № 700100103492, 634583, Томская обл." in posted.text
    assert 'Поставщик: ООО "ЗТК"' in posted.text
    assert [b.text for row_ in posted.reply_markup.inline_keyboard for b in row_] == [
        "✍️ Ответить",
        "☑️ Закрыть без ответа",
    ]
    assert any(m.photo for m in staff.bot_messages())
    assert row.staff_message_id == posted.message_id


async def test_a_staff_reply_reaches_the_resident_and_the_list(chat, staff, bot_database, demo):
    await write_appeal(chat, bot_database, photo=False)
    await staff.send("Перерасчёт сделан, сумма уменьшена на 312,40 ₽.", reply_to=post(staff))

    assert chat.bot_messages()[-1].text == (
        "💬 Ответ на обращение № 1 от 24.11.2026\n"  # the appeal's number and day, then itself
        "<blockquote>Прошу проверить начисление за отопление в ноябре.</blockquote>\n"
        "Перерасчёт сделан, сумма уменьшена на 312,40 ₽."
    )
    [row] = await rows(bot_database)
    assert row.status == "answered" and row.answered_by == "Ольга Операторова"
    assert post(staff).text.endswith("Перерасчёт сделан, сумма уменьшена на 312,40 ₽.")
    assert post(staff).reply_markup is None
    assert staff.last.text == "✅ Ответ на обращение № 1 отправлен жителю."

    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("✉️ Обращения")
    assert "💬 Ответ от 24.11.2026: Перерасчёт сделан" in chat.last.text


async def test_answering_through_the_button(chat, staff, bot_database, demo):
    await write_appeal(chat, bot_database, photo=False)
    await staff.press("✍️ Ответить")
    prompt = staff.last
    assert prompt.text.startswith("✍️ Ответ на обращение № 1: ответьте (Reply)")
    await staff.send("Проверили, всё верно.", reply_to=prompt)
    assert chat.bot_messages()[-1].text.endswith("Проверили, всё верно.")
    assert (await rows(bot_database))[0].answer == "Проверили, всё верно."


async def test_closing_without_an_answer_asks_why_and_tells_the_resident(
    chat, staff, bot_database, demo
):
    await write_appeal(chat, bot_database, photo=False)
    # The first tap asks why; taken back, nothing changed.
    await staff.press("☑️ Закрыть без ответа")
    assert buttons(staff) == [
        "🔁 Повторяет другое обращение",
        "📞 Решено по телефону или на месте",
        "🏢 Не к поставщику",
        "❔ Нет сведений для ответа",
        "◀️ Не закрывать",
    ]
    await staff.press("◀️ Не закрывать")
    assert buttons(staff) == ["✍️ Ответить", "☑️ Закрыть без ответа"]
    [row] = await rows(bot_database)
    assert row.status == "open"

    await staff.press("☑️ Закрыть без ответа")
    await staff.press("📞 Решено по телефону или на месте")
    [row] = await rows(bot_database)
    assert row.status == "closed" and row.answer is None and row.close_reason == "resolved"
    assert row.answered_by == "Ольга Операторова" and row.answered_at is not None
    assert chat.bot_messages()[-1].text == (
        "Обращение № 1 закрыто без ответа: вопрос решён по телефону или на месте. "
        "Если вопрос остался, напишите новое обращение.\n"
        "<blockquote>Прошу проверить начисление за отопление в ноябре.</blockquote>"
    )
    assert "☑️ Закрыто без ответа" in post(staff).text
    assert post(staff).text.endswith("Ольга Операторова: вопрос решён по телефону или на месте")
    assert post(staff).reply_markup is None


async def test_a_stranger_elsewhere_changes_nothing(
    chat, staff, new_chat, running, bot_database, demo
):
    await write_appeal(chat, bot_database, photo=False)
    dp, bot, session = running
    other_group = Chat(id=-1009999, type="supergroup", title="Чужая группа")
    stranger = LocalChat(dp, bot, session, user_id=777, first_name="Некто", group=other_group)
    forged = post(staff).model_copy(update={"chat": other_group})
    await stranger.send("Ответ от постороннего", reply_to=forged)
    await stranger.send("/open")
    await stranger.press_data(forged, post(staff).reply_markup.inline_keyboard[0][1].callback_data)

    [row] = await rows(bot_database)
    assert row.status == "open" and row.answer is None
    assert not [m for m in stranger.bot_messages()]


async def test_open_lists_unanswered_appeals_oldest_first(chat, staff, bot_database, demo, clock):
    await write_appeal(chat, bot_database, text="Первое обращение", photo=False)
    clock.advance(minutes=5)
    await new_appeal(chat, "Второе обращение")

    await staff.send("/open")
    lines = staff.last.text.splitlines()
    assert lines[0] == "<b>Неотвеченные обращения: 2</b> (сначала старые)"
    assert lines[2].startswith("№ 1 ") and lines[2].endswith("Первое обращение")
    assert lines[3].startswith("№ 2 ") and lines[3].endswith("Второе обращение")


async def test_an_unreachable_group_keeps_the_appeal_and_posts_it_once_later(
    chat, staff, bot_database, demo, running, session
):
    def removed_from_group(method):
        if isinstance(method, SendMessage) and method.chat_id == STAFF:
            return TelegramForbiddenError(method=method, message="bot was kicked")
        return None

    session.fail = removed_from_group
    await write_appeal(chat, bot_database, photo=False)
    [row] = await rows(bot_database)
    assert row.staff_message_id is None
    assert any(m.text.startswith("✅ Обращение № 1") for m in chat.bot_messages())

    dp, _, _ = running
    retry = post_unposted(bot_database, dp["clock"], dp["staff_desk"])
    assert await retry == 0  # still unreachable
    session.fail = lambda _method: None
    assert await post_unposted(bot_database, dp["clock"], dp["staff_desk"]) == 1
    assert await post_unposted(bot_database, dp["clock"], dp["staff_desk"]) == 0
    assert len([m for m in staff.bot_messages() if m.text and "№ 1</b>" in m.text]) == 1


async def test_a_question_from_the_faq_screen(chat, staff, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await chat.send("/faq")
    await chat.press("✍️ Задать вопрос")
    assert chat.last.text.startswith("Кому задать вопрос?")
    # The ЕПД's own issuer, first, though it supplies none of the account's services.
    assert buttons(chat)[:3] == ['ПАО "Томскэнергосбыт"', 'МУП ЖКХ "Октябрьское"', 'ООО "ЗТК"']
    await chat.press('МУП ЖКХ "Октябрьское"')
    await chat.send("Когда будет перерасчёт за горячую воду?")
    await chat.press("📨 Отправить")
    [row] = await rows(bot_database)
    assert row.kind == "question"
    assert post(staff).text.startswith("<b>Вопрос № 1</b>")
    said = [m.text for m in chat.bot_messages()]
    assert "✅ Вопрос № 1 от 24.11.2026 зарегистрирован. Ответ придёт сюда, в чат." in said

    await staff.send("Перерасчёт будет в декабрьской квитанции.", reply_to=post(staff))
    assert chat.bot_messages()[-1].text.startswith(
        "💬 Ответ на вопрос № 1 от 24.11.2026\n"
        "<blockquote>Когда будет перерасчёт за горячую воду?</blockquote>"
    )


async def test_a_too_long_text_is_refused_and_asked_again(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await open_new_appeal(chat)
    await chat.send("а" * 2500)
    assert chat.last.text.replace("\u00a0", " ").startswith(
        "Текст должен быть непустым и не длиннее 2000 знаков, а в нём 2500."
    )
    await chat.send("Короткий текст")
    assert chat.last.text.startswith("Можно приложить фото")
    assert await rows(bot_database) == []


async def test_the_retry_job_is_scheduled_every_minute(running, bot_database, settings):
    from bot.app import scheduler

    dp, bot, _session = running
    job = scheduler(bot, dp, bot_database, settings).get_job("post-appeals")
    assert job.trigger.interval.total_seconds() == 60


async def test_two_staff_members_answering_at_once_settle_it_once(
    chat, staff, running, bot_database, demo
):
    await write_appeal(chat, bot_database, photo=False)
    dp, bot, session = running
    colleague = LocalChat(dp, bot, session, user_id=434343, first_name="Иван", group=staff.chat)
    the_post = post(staff)

    await asyncio.gather(
        staff.send("Ответ Ольги.", reply_to=the_post),
        colleague.send("Ответ Ивана.", reply_to=the_post),
    )

    told = [m.text for m in chat.bot_messages() if m.text.startswith("💬 Ответ на обращение")]
    [row] = await rows(bot_database)
    assert len(told) == 1 and told[0].endswith(row.answer)
    replies = [m.text for m in staff.bot_messages()]
    assert "✅ Ответ на обращение № 1 отправлен жителю." in replies
    assert any(
        text.startswith(f"Обращение № 1 уже получило ответ: {row.answered_by}, 24.11.2026")
        for text in replies
    )


async def test_long_appeals_page_and_post_within_telegrams_limits(chat, staff, bot_database, demo):
    await write_appeal(chat, bot_database, text="Ж" * 2000, photo=False)
    for text in ("A&B " * 400, "🔌" * 1000):  # 3,200 characters escaped; 2,000 UTF-16 units
        await new_appeal(chat, text)

    assert [row.staff_message_id is not None for row in await rows(bot_database)] == [True] * 3
    await staff.send("/open")
    assert staff.last.text.startswith("<b>Неотвеченные обращения: 3</b>")
    assert "A&amp;B A&amp;B" in staff.last.text

    first = chat.last.text
    assert "(1 из 2)" in first or "(1 из 3)" in first
    assert "Ж" * 2000 not in first  # cut in the list…
    await chat.press("📄 № 1 полностью")
    assert chat.bot_messages()[-2].text.endswith("Ж" * 2000)  # …and readable whole
    await chat.press("Следующие ⏩")
    assert chat.last.text != first

    # A long answer to the long appeal: the post still says it was answered.
    the_post = next(m for m in staff.bot_messages() if m.text and "Обращение № 1</b>" in m.text)
    await staff.send("Ответ. " * 280, reply_to=the_post)  # 1,960 characters
    edited = staff.session.messages[STAFF][the_post.message_id]
    assert "✅ Ответ дан" in edited.text and edited.reply_markup is None
    assert len(edited.text) <= 4096 and "Ответ. Ответ." in edited.text


async def new_appeal(chat: LocalChat, text: str) -> None:
    """Another appeal from the appeals list the resident is on."""
    await chat.press("✍️ Новое обращение")
    await chat.press('ООО "ЗТК"')
    await chat.send(text)
    await chat.press("📨 Отправить")


async def test_an_unpostable_appeal_is_reported_once_and_holds_up_no_other(
    chat, staff, bot_database, demo, running, session, logged_errors
):
    def refuses_one(method):
        post = isinstance(method, SendMessage) and method.chat_id == STAFF
        if post and "СБОЙ" in (method.text or ""):
            return TelegramBadRequest(method=method, message="Bad Request: can't parse entities")
        return None

    session.fail = refuses_one
    await write_appeal(chat, bot_database, text="СБОЙ в начислениях", photo=False)
    await new_appeal(chat, "🔌" * 2000)  # 4,000 UTF-16 units: over one message with the header
    await new_appeal(chat, "Обычное обращение")

    assert all(row.staff_message_id is not None for row in await rows(bot_database))
    posts = [m for m in staff.bot_messages() if m.text]
    refused = [m for m in posts if m.text.startswith("⚠️ <b>Обращение № 1</b>")]
    assert len(refused) == 1 and "can't parse entities" in refused[0].text
    assert any("№ 2</b>" in m.text and "🔌…" in m.text for m in posts)
    assert any("№ 3</b>" in m.text and "Обычное обращение" in m.text for m in posts)
    files = {
        m.document.file_name: session.files[m.message_id]
        for m in staff.bot_messages()
        if m.document
    }
    assert files["appeal-1.txt"].decode() == "СБОЙ в начислениях"
    assert files["appeal-2.txt"].decode() == "🔌" * 2000

    await staff.send("Проверим.", reply_to=refused[0])  # the short post can be answered
    assert chat.bot_messages()[-1].text.endswith("Проверим.")
    assert logged_errors == []


async def test_two_retry_jobs_at_once_post_each_appeal_once(
    chat, staff, bot_database, demo, running, session
):
    session.fail = lambda method: (
        TelegramNetworkError(method=method, message="timeout")
        if isinstance(method, SendMessage) and method.chat_id == STAFF
        else None
    )
    await write_appeal(chat, bot_database, photo=False)
    await new_appeal(chat, "Второе обращение")
    session.fail = lambda _method: None
    dp, _, _ = running

    posted = await asyncio.gather(
        post_unposted(bot_database, dp["clock"], dp["staff_desk"]),
        post_unposted(bot_database, dp["clock"], dp["staff_desk"]),
    )

    assert sum(posted) == 2
    for number in (1, 2):
        assert len([m for m in staff.bot_messages() if m.text and f"№ {number}</b>" in m.text]) == 1


async def test_with_five_attachments_the_bot_says_no_more_and_means_it(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await open_appeals_text(chat)
    for _ in range(5):
        await chat.send_photo()
    assert "Вложений: 5. Больше добавить нельзя" in chat.last.text
    await chat.send_photo()
    assert chat.last.text.startswith("Больше 5 вложений приложить нельзя.")
    assert "Можно добавить ещё" not in chat.last.text


async def open_new_appeal(chat: LocalChat) -> None:
    """From the first account of the list to the question of the appeal's text, to ООО "ЗТК"."""
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("✉️ Обращения")
    await chat.press("✍️ Новое обращение")
    await chat.press('ООО "ЗТК"')


async def open_appeals_text(chat: LocalChat) -> None:
    await open_new_appeal(chat)
    await chat.send("Прошу проверить счётчик, фото прилагаю.")


async def test_the_demo_chat_switches_to_the_staff_group_to_answer(
    chat, staff, bot_database, demo, tmp_path
):
    lines: list[str] = []
    console = Console(chat, lines.append, staff=staff)
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await console.handle("/accounts")
    await console.handle("1")
    await chat.press("✉️ Обращения")
    await chat.press("✍️ Новое обращение")
    await chat.press('ООО "ЗТК"')
    await chat.send("Прошу проверить начисление.")
    picture = tmp_path / "meter.jpg"
    picture.write_bytes(b"\xff\xd8\xff")
    await console.handle(f"/attach {picture}")
    await console.handle(f"/attach {tmp_path / 'missing.pdf'}")
    assert f"📎 no file {tmp_path / 'missing.pdf'}" in lines
    await chat.press("📨 Отправить")
    assert (await rows(bot_database))[0].attachments == ["photo:resident-meter.jpg"]

    lines.clear()
    await console.handle("/staff")
    assert lines[0] == "— the staff group —"
    assert any("Прошу проверить начисление." in line for line in lines)
    await console.handle(str(buttons(staff).index("✍️ Ответить") + 1))
    await console.handle("Проверили, всё верно.")  # a reply to the bot's prompt
    await console.handle("/resident")
    assert chat.bot_messages()[-1].text.endswith("Проверили, всё верно.")


UNSTORABLE = "В сообщении есть невидимый служебный символ (нулевой байт)"


async def test_text_with_a_null_byte_is_refused_and_the_appeal_goes_on(
    chat, staff, bot_database, demo
):
    """PostgreSQL text cannot hold U+0000: the appeal, its photo's caption and the staff
    answer are refused with words that say why, and each conversation goes on."""
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await open_new_appeal(chat)
    await chat.send("Прошу\x00 проверить")
    assert chat.last.text.startswith(UNSTORABLE)
    await chat.send("Прошу проверить")
    await chat.send_photo(caption="счётчик\x00")
    assert chat.last.text.startswith(UNSTORABLE)
    await chat.send_photo(caption="счётчик")
    await chat.press("📨 Отправить")
    [row] = await rows(bot_database)
    assert (row.text, len(row.attachments)) == ("Прошу проверить", 1)

    await staff.send("Ответ\x00", reply_to=post(staff))
    assert staff.last.text.startswith(UNSTORABLE)
    await staff.send("Проверили, всё верно.", reply_to=post(staff))
    assert chat.bot_messages()[-1].text.startswith("💬 Ответ на обращение № 1")
    [row] = await rows(bot_database)
    assert row.answer == "Проверили, всё верно."


async def test_deleting_the_profile_takes_its_words_from_appeals_posts_and_payments(
    chat, staff, bot_database, demo
):
    await write_appeal(chat, bot_database)
    async with bot_database.engine.begin() as connection:
        [row] = (await connection.execute(select(appeals))).all()
        account_id, profile_id = row.account_id, row.profile_id
        paid_id = await connection.scalar(
            insert(payments)
            .values(
                account_id=account_id,
                profile_id=profile_id,
                status="succeeded",
                amount=Decimal("100.00"),
                receipt_contact="resident@example.org",
                telegram_id=chat.user.id,
                method="yookassa",
                created_at=datetime(2026, 11, 20, tzinfo=UTC),
                paid_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
            .returning(payments.c.id)
        )
    assert "Житель: Малашта Светлана" in post(staff).text

    await chat.send("/profile")
    await chat.press("🗑 Удалить профиль")
    await chat.press("Да, удалить профиль")

    [row] = await rows(bot_database)
    assert (row.text, row.attachments, row.answer, row.status) == ("", [], None, "closed")
    assert row.forgotten_at is not None and row.profile_id is None
    posted = post(staff)
    assert posted.text == (
        "<b>Обращение № 1</b> от 24.11.2026 10:00, ЛС № 700100103492\n"
        "🗑 Житель удалил профиль 24.11.2026 10:00: имя, контакты, текст и ответ удалены."
    )
    assert posted.reply_markup is None  # nothing left to answer
    async with bot_database.engine.connect() as connection:
        paid = (await connection.execute(select(payments).where(payments.c.id == paid_id))).one()
    assert (paid.amount, paid.status) == (Decimal("100.00"), "succeeded")  # the money stays
    assert (paid.receipt_contact, paid.telegram_id, paid.profile_id) == (None, None, None)


async def test_mydata_hands_the_resident_everything_kept_about_them(
    chat, staff, bot_database, demo
):
    await write_appeal(chat, bot_database)
    await chat.send("/mydata")

    document = chat.last
    assert document.document.file_name == "mydata-2026-11-24.json"
    assert document.caption.startswith("📦 Всё, что бот хранит о вашем профиле")
    assert '<a href="https://lk.tomskenergosbyt.ru/agreement">' in document.caption
    raw = chat.session.files[document.message_id].decode()
    assert "Малашта" in raw and "\\u04" not in raw  # readable as it is, not escaped
    data = json.loads(raw)
    assert data["profile"]["email"] == f"resident{chat.user.id}@example.org"
    assert data["profile"]["surname"] == "Малашта"
    assert "password_hash" not in data["profile"]
    assert data["telegram"] == [{"telegram_id": chat.user.id, "locale": None}]
    assert [a["number"] for a in data["accounts"]] == [EPD]
    [appeal] = data["appeals"]
    assert appeal["text"] == "Прошу проверить начисление за отопление в ноябре."
    assert appeal["account"] == EPD and appeal["created_at"].startswith("2026-11-24T")
    assert set(data) == {
        "profile",
        "telegram",
        "accounts",
        "appeals",
        "payments",
        "devices",
        "mailings",
        "notifications_off",
        "notifications",
    }

    await chat.send("/logout")
    await chat.send("/mydata")
    assert "войдите" in chat.bot_messages()[-2].text.lower()
