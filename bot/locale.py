"""The resident's language for aiogram-i18n: chosen in the bot, else Telegram's, else the
default."""

from __future__ import annotations

from aiogram.types import User
from aiogram_i18n.managers import BaseManager

from domain.model import TelegramUser
from domain.ports import UnitOfWork
from domain.residents import choose_language, locale_for


class ResidentLocaleManager(BaseManager):
    """The resident's chosen language, else Telegram's, else the default."""

    async def get_locale(
        self, event_from_user: User | None = None, resident: TelegramUser | None = None
    ) -> str:
        assert self.default_locale is not None
        if resident is None:
            return self.default_locale
        language = event_from_user.language_code if event_from_user else None
        return locale_for(resident, language, self.default_locale)

    async def set_locale(self, locale: str, uow: UnitOfWork, resident: TelegramUser) -> None:
        await choose_language(uow, resident, locale)
