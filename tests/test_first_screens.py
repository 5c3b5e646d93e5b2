"""/start, /help, /cancel, the language, the command menu, and what a resident sees when
something fails."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SetMyCommands, SetMyDescription, SetMyShortDescription
from aiogram.types import BotCommandScopeChat
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import AnyHttpUrl, SecretStr
from sqlalchemy import select

from bot import presence
from bot.app import build_dispatcher, meet_telegram, start_local, telegram_bot
from bot.transports.local import LocalChat, LocalSession
from domain import faq
from storage.tables import telegram_users
from tests.chat import buttons
from tests.data import STAFF, bind_resident, import_faq


async def test_a_stranger_is_greeted_and_offered_register_and_login(chat: LocalChat):
    await chat.send("/start")

    assert 'личный кабинет клиента <b>ПАО "Томскэнергосбыт"</b>' in chat.last.text
    assert buttons(chat) == ["📝 Регистрация", "🔑 Вход", "❓ Вопросы и ответы", "🌐 Язык"]


async def test_a_bound_resident_gets_the_main_menu_with_their_accounts(chat, bot_database):
    await bind_resident(bot_database, chat.user.id, name="Светлана", accounts=2)

    await chat.send("/start")

    assert chat.last.text == (
        "Светлана, добро пожаловать в личный кабинет!\n\nПодключено 2 лицевых счёта."
    )
    assert "📝 Регистрация" not in buttons(chat)


@pytest.mark.parametrize(
    ("accounts", "line"),
    [
        (1, "Подключён 1 лицевой счёт."),
        (5, "Подключено 5 лицевых счетов."),
    ],
)
async def test_the_account_count_is_said_with_the_right_plural(chat, bot_database, accounts, line):
    await bind_resident(bot_database, chat.user.id, accounts=accounts)
    await chat.send("/start")
    assert chat.last.text.endswith(line)


async def test_a_name_with_markup_is_shown_as_typed(chat, bot_database):
    await bind_resident(bot_database, chat.user.id, name="<b>Анна</b> & Co")
    await chat.send("/start")
    assert chat.last.text.startswith("&lt;b&gt;Анна&lt;/b&gt; &amp; Co, добро пожаловать")


async def test_help_lists_the_commands_and_the_contact_centre(chat: LocalChat):
    await chat.send("/help")

    for command in ("/start", "/accounts", "/profile", "/faq", "/language", "/cancel", "/help"):
        assert command in chat.last.text
    assert "+7 (3822) 75-00-75" in chat.last.text


async def test_cancel_leaves_the_dialog_and_its_old_buttons_lead_back(chat, bot_database):
    await import_faq(bot_database)
    await chat.send("/faq")
    faq_message = chat.last

    await chat.send("/cancel")
    assert chat.bot_messages()[-2].text == "Действие отменено."
    assert chat.last.text.startswith("Здравствуйте!")  # the first screen, with its buttons

    # A button of the left dialog: the bot says the menu is old and opens the current one.
    query = await chat.press_data(
        faq_message, faq_message.reply_markup.inline_keyboard[0][0].callback_data
    )
    assert chat.callback_answer(query).text == "Это меню устарело. Открываю актуальное."
    assert "📝 Регистрация" in buttons(chat)


async def test_cancel_with_nothing_to_cancel_says_so(chat: LocalChat):
    await chat.send("/cancel")
    assert chat.bot_messages()[-2].text == "Отменять нечего."
    assert "📝 Регистрация" in buttons(chat)


async def test_back_from_a_dialog_a_command_opened_lands_on_the_menu(chat, bot_database):
    await import_faq(bot_database)
    await bind_resident(bot_database, chat.user.id)
    for command, back in (
        ("/faq", "◀️ Назад"),
        ("/profile", "◀️ Назад"),
        ("/accounts", "◀️ Назад"),
        ("/language", "Русский"),
    ):
        await chat.send(command)
        await chat.press(back)
        assert chat.last.text.startswith("Светлана, добро пожаловать"), command
        assert "💼 Ваши счета" in buttons(chat)


async def test_an_unknown_command_mid_dialog_keeps_the_dialog(chat, bot_database):
    await import_faq(bot_database)
    await chat.send("/faq")
    await chat.send("/nonsense")

    assert chat.last.text.startswith("Такой команды нет. Выберите вариант кнопкой ниже;")
    assert "<b>Вопросы и ответы</b>" in chat.last.text
    await chat.press("4")
    assert "1/300 ключевой ставки" in chat.last.text


async def test_the_language_follows_telegram(new_chat):
    english = new_chat(200002, language_code="en-GB")
    await english.send("/start")
    assert english.last.text.startswith("Hello! This is the customer account")

    unknown = new_chat(200003, language_code="de")
    await unknown.send("/start")
    assert unknown.last.text.startswith("Здравствуйте!")


async def test_a_chosen_language_is_kept(chat: LocalChat, bot_database):
    await chat.send("/language")
    assert chat.last.text == "Выберите язык:"
    await chat.press("🇬🇧 English")

    async with bot_database.engine.connect() as connection:
        locale = (
            await connection.execute(
                select(telegram_users.c.locale).where(telegram_users.c.telegram_id == chat.user.id)
            )
        ).scalar_one()
    assert locale == "en"

    await chat.send("/start")  # Telegram still says Russian
    assert chat.last.text.startswith("Hello!")


async def test_the_command_menu_is_registered_in_both_languages(running):
    _dp, _bot, session = running
    registered = {
        call.language_code: [(c.command, c.description) for c in call.commands]
        for call in session.calls
        if isinstance(call, SetMyCommands)
    }
    assert registered[None][0] == ("start", "Главное меню")
    assert registered["en"][0] == ("start", "Main menu")
    assert [c for c, _ in registered[None]] == [
        "start",
        "accounts",
        "profile",
        "notifications",
        "faq",
        "language",
        "help",
        "cancel",
        "logout",
        "mydata",
    ]


async def test_a_stranger_reads_what_the_bot_does_before_pressing_start(running):
    _dp, _bot, session = running
    described = {
        c.language_code: c.description for c in session.calls if isinstance(c, SetMyDescription)
    }
    short = {
        c.language_code: c.short_description
        for c in session.calls
        if isinstance(c, SetMyShortDescription)
    }
    assert described[None].startswith("Личный кабинет ПАО «Томскэнергосбыт» в Telegram.")
    assert described["en"].startswith("The Tomskenergosbyt customer account in Telegram.")
    assert short[None].startswith("Личный кабинет") and short["en"].startswith("Tomskenergosbyt")


async def test_the_staff_group_has_a_command_menu_of_its_own(settings, bot_database, mailer):
    settings = settings.model_copy(update={"staff_chat_id": STAFF})
    dp, bot, session = await start_local(settings, bot_database, mailer)
    await dp.emit_shutdown(bot=bot, bots=[bot], dispatcher=dp, **dp.workflow_data)
    [staff] = [
        call
        for call in session.calls
        if isinstance(call, SetMyCommands) and isinstance(call.scope, BotCommandScopeChat)
    ]
    assert staff.scope.chat_id == STAFF
    assert [(c.command, c.description) for c in staff.commands] == [
        ("open", "Обращения без ответа"),
        ("broadcasts", "Последние рассылки"),
        ("photo", "Фото показаний по номеру из выгрузки"),
    ]


async def test_telegram_refusing_the_command_menu_does_not_stop_the_bot(
    settings, bot_database, mailer, fsm_storage, caplog
):
    def unreachable(method):
        if isinstance(method, SetMyCommands):
            return TelegramNetworkError(method=method, message="connection refused")
        return None

    dp, bot, session = await start_local(
        settings, bot_database, mailer, fsm_storage, LocalSession(fail=unreachable)
    )
    chat = LocalChat(dp, bot, session)
    await chat.send("/start")

    assert "Здравствуйте!" in chat.last.text
    assert "could not present the bot to Telegram" in caplog.text


async def test_a_failing_handler_apologises_and_logs_the_update(chat, monkeypatch, logged_errors):
    async def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(faq, "questions", broken)
    await chat.send("/faq")

    assert chat.last.text.startswith("😔 Что-то пошло не так.")
    ours = [r for r in logged_errors if r.name == "handlers.errors"]
    assert len(ours) == 1
    message = ours[0].getMessage()
    assert "database went away" in message
    assert message.startswith("update ") and message.split()[1].isdigit()
    assert ours[0].levelno == logging.ERROR


async def test_a_message_outside_any_dialog_gets_a_hint(chat: LocalChat):
    await chat.send("привет")
    assert chat.last.text == "Не понял сообщение. Главное меню — /start, список команд — /help."
    await chat.send_photo()
    assert chat.last.text.startswith("Не понял сообщение.")


async def test_a_bot_api_server_answering_an_error_page_is_waited_for(
    settings, bot_database, mailer, caplog, monkeypatch
):
    monkeypatch.setattr(presence, "FIRST_WAIT", 0.01)
    caplog.set_level(logging.INFO, logger="bot.presence")
    asked = []

    async def bot_api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        asked.append(method)
        if method == "getMe" and asked.count("getMe") > 2:
            me = {"id": 1, "is_bot": True, "first_name": "Бот", "username": "tes_bot"}
            return web.json_response({"ok": True, "result": me})
        return web.Response(status=502, text="<html>Bad Gateway</html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("POST", "/bot{token}/{method}", bot_api)
    async with TestServer(app, host="127.0.0.1") as server:
        settings = settings.model_copy(
            update={
                "bot_token": SecretStr("123:local"),
                "telegram_api_url": AnyHttpUrl(str(server.make_url("/"))),
            }
        )
        bot = telegram_bot(settings)
        dp = build_dispatcher(settings, bot_database, mailer)
        try:
            assert await meet_telegram(dp, bot, settings, asyncio.Event())
        finally:
            await bot.session.close()

    # Asked three times, told once; then presented, which fails without stopping the start.
    assert asked[:4] == ["getMe", "getMe", "getMe", "setMyCommands"]
    assert caplog.text.count("Telegram does not answer (not an answer of the Bot API") == 1
    assert caplog.text.count("Telegram answers again") == 1
    assert "could not present the bot to Telegram" in caplog.text


def test_dialogs_opened_within_one_second_get_names_of_their_own(running):
    """aiogram-dialog's own naming gives 100 names a second: a menu and the screen it opens
    would share one now and then, and closing one would break the other."""
    from aiogram_dialog.api.entities.stack import Stack, new_id

    names = {new_id() for _ in range(10_000)} | {Stack()._id for _ in range(10_000)}
    assert len(names) == 20_000
    assert all(len(name) <= 6 for name in names)  # as short in callback data as before


async def test_text_where_a_button_is_wanted_gets_a_hint_and_the_screen_again(
    chat, bot_database, demo
):
    await chat.send("/start")
    await chat.send("привет")  # the welcome of a stranger
    assert chat.last.text.startswith("Пожалуйста, выберите вариант кнопкой ниже.")
    assert "📝 Регистрация" in buttons(chat)

    await bind_resident(bot_database, chat.user.id, link=("700100103492",))
    await chat.send("/start")
    await chat.send("показания")  # the main menu
    assert chat.last.text.startswith("Пожалуйста, выберите вариант кнопкой ниже.")
    assert "добро пожаловать в личный кабинет!" in chat.last.text
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("📟 Передать показания")
    await chat.send("12345")  # a value typed on the list of meters
    assert chat.last.text.startswith("Пожалуйста, выберите вариант кнопкой ниже.")
    assert "Передача показаний" in chat.last.text
