"""The local Bot API session refuses what Telegram refuses, so such bugs fail tests."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import BOT_DEFAULTS, LOCAL_TOKEN
from bot.transports.local import LocalSession


@pytest.fixture
async def bot():
    session = LocalSession()
    bot = Bot(LOCAL_TOKEN, session=session, default=BOT_DEFAULTS)
    yield bot
    await bot.session.close()


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]]
    )


async def test_callback_data_over_64_bytes_is_refused(bot: Bot):
    await bot.send_message(1, "ok", reply_markup=keyboard("я" * 32))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "too much", reply_markup=keyboard("я" * 32 + "!"))


async def test_text_over_4096_characters_is_refused(bot: Bot):
    await bot.send_message(1, "<b>" + "a" * 4096 + "</b>")  # markup does not count
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "😀" * 2049)  # Telegram counts UTF-16 units


async def test_empty_text_is_refused(bot: Bot):
    for text in ("", "<b></b>", "  "):
        with pytest.raises(TelegramBadRequest, match="text is empty"):
            await bot.send_message(1, text)


async def test_html_telegram_cannot_parse_is_refused(bot: Bot):
    for text in ("<Иван>", "a <b>bold", "<div>x</div>", "x</b>"):
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1, text)
    await bot.send_message(1, "&lt;Иван&gt; &amp; <i>ok</i>")


async def test_editing_a_missing_or_unchanged_message_is_refused(bot: Bot):
    sent = await bot.send_message(1, "first", reply_markup=keyboard("a"))
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=1, message_id=sent.message_id + 100)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "first", chat_id=1, message_id=sent.message_id, reply_markup=keyboard("a")
        )
    edited = await bot.edit_message_text(
        "second", chat_id=1, message_id=sent.message_id, reply_markup=keyboard("a")
    )
    assert edited.text == "second"


async def test_a_callback_query_is_answered_once(bot: Bot):
    assert await bot.answer_callback_query("q1", text="done")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("q1")


async def test_deleting_twice_is_refused(bot: Bot):
    sent = await bot.send_message(1, "secret")
    assert await bot.delete_message(1, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(1, sent.message_id)


async def test_every_call_is_recorded(bot: Bot):
    await bot.send_message(1, "hello")
    session: LocalSession = bot.session
    assert [type(call).__name__ for call in session.calls] == ["SendMessage"]
    assert session.messages[1][1].text == "hello"
