"""Telling residents their session ended elsewhere, each Telegram user in their own
language. (Everything else the bot says on its own goes through the notification queue.)"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from domain.model import TelegramUser
from domain.ports import UnitOfWork
from domain.residents import locale_for
from rendering.texts import TextCore

logger = logging.getLogger(__name__)


class ResidentMessenger:
    """Implements the domain's SessionNotifier; the bot is attached at start-up. Told at
    once, not through the notification queue: it answers the resident's own action (a new
    password, a deleted profile) and goes to the few chats of one profile."""

    def __init__(self, core: TextCore, default_locale: str) -> None:
        self.core = core
        self.default_locale = default_locale
        self.bot: Bot | None = None

    async def attach(self, bot: Bot) -> None:
        """For ``dp.startup``: the bot that sends."""
        self.bot = bot

    async def sessions_ended(self, uow: UnitOfWork, telegram_ids: Sequence[int]) -> None:
        """Tells each Telegram user in their language; one who cannot be reached (blocked
        the bot, deleted the chat) is logged, not raised."""
        if self.bot is None:
            return
        for telegram_id in telegram_ids:
            user = await uow.telegram_users.get(telegram_id) or TelegramUser(
                telegram_id=telegram_id
            )
            text = self.core.get("session-ended", locale_for(user, None, self.default_locale))
            try:
                await self.bot.send_message(telegram_id, text)
            except TelegramAPIError as error:
                logger.warning("resident %s not told: %s", telegram_id, error)
