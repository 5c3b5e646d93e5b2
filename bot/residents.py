"""Telling residents something outside their conversation (their session ended elsewhere,
their appeal was answered): each Telegram user in their own language."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from domain.model import TelegramUser
from domain.ports import UnitOfWork
from domain.residents import locale_for
from rendering.texts import TextCore

logger = logging.getLogger(__name__)


class ResidentMessenger:
    """Implements the domain's SessionNotifier; the bot is attached at start-up."""

    def __init__(self, core: TextCore, default_locale: str) -> None:
        self.core = core
        self.default_locale = default_locale
        self.bot: Bot | None = None

    async def attach(self, bot: Bot) -> None:
        """For ``dp.startup``: the bot that sends."""
        self.bot = bot

    async def locale_of(self, uow: UnitOfWork, telegram_id: int) -> str:
        user = await uow.telegram_users.get(telegram_id) or TelegramUser(telegram_id=telegram_id)
        return locale_for(user, None, self.default_locale)

    async def send(
        self, telegram_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Sends a text; a resident who cannot be reached (blocked the bot, deleted the chat)
        is logged, not raised."""
        if self.bot is None:
            return
        try:
            await self.bot.send_message(telegram_id, text, reply_markup=reply_markup)
        except TelegramAPIError as error:
            logger.warning("resident %s not told: %s", telegram_id, error)

    async def tell(
        self, uow: UnitOfWork, telegram_ids: Sequence[int], key: str, **args: Any
    ) -> None:
        """Sends the text ``key`` to each Telegram user in their language."""
        for telegram_id in telegram_ids:
            locale = await self.locale_of(uow, telegram_id)
            await self.send(telegram_id, self.core.get(key, locale, **args))

    async def sessions_ended(self, uow: UnitOfWork, telegram_ids: Sequence[int]) -> None:
        await self.tell(uow, telegram_ids, "session-ended")
