"""How the bot meets Telegram at start: it waits for Telegram to answer, then presents itself
(the command menus, what a stranger reads before pressing Start)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from aiogram_i18n.cores import BaseCore

logger = logging.getLogger(__name__)

COMMANDS = (
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
)
STAFF_COMMANDS = ("open", "broadcasts", "photo")

FIRST_WAIT = 1.0  # seconds before asking again; doubled up to LONGEST_WAIT
LONGEST_WAIT = 60.0
REPORT_EVERY = 60.0  # seconds between two log lines about the same outage

T = TypeVar("T")


class TelegramRefused(Exception):
    """Telegram refuses the bot's token: no retry can help; the operator must fix BOT_TOKEN."""


async def once_reachable(call: Callable[[], Awaitable[T]], stopping: asyncio.Event) -> T | None:
    """``call``'s result once Telegram answers it; None when ``stopping`` is set first.
    Telegram away or failing is asked again with backoff and logged once a minute, not a
    traceback per try."""
    clock = asyncio.get_running_loop().time
    wait, reported = FIRST_WAIT, None  # when the outage was last logged
    while not stopping.is_set():
        try:
            result = await call()
        except TelegramUnauthorizedError as error:
            raise TelegramRefused(error.message) from None
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as error:
            failure = error.message
        except ClientDecodeError as error:  # a proxy's error page in front of it
            failure = f"not an answer of the Bot API: {error.message}"
        else:
            if reported is not None:
                logger.info("Telegram answers again")
            return result
        if reported is None or clock() - reported >= REPORT_EVERY:
            logger.warning("Telegram does not answer (%s); trying again", failure)
            reported = clock()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), wait)
        wait = min(wait * 2, LONGEST_WAIT)
    return None


async def present(bot: Bot, core: BaseCore, staff_chat_id: int | None) -> None:
    """The command menus (residents' in every language, the staff group's in its own scope)
    and the descriptions a stranger sees before pressing Start. None of it is needed to
    serve, so a failure is logged and the bot goes on."""
    try:
        for locale in core.available_locales:
            language = None if locale == core.default_locale else locale
            await bot.set_my_commands(
                _commands(core, COMMANDS, locale),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=language,
            )
            await bot.set_my_description(core.get("bot-description", locale), language)
            await bot.set_my_short_description(core.get("bot-short-description", locale), language)
        if staff_chat_id is not None:
            await bot.set_my_commands(
                _commands(core, STAFF_COMMANDS, core.default_locale),
                scope=BotCommandScopeChat(chat_id=staff_chat_id),
            )
    except Exception as error:  # a proxy's error page, an emulator's own format: any
        logger.warning("could not present the bot to Telegram: %r", error)


def _commands(core: BaseCore, names: tuple[str, ...], locale: str | None) -> list[BotCommand]:
    return [BotCommand(command=c, description=core.get(f"command-{c}", locale)) for c in names]
