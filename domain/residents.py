"""Who is writing to the bot: a Telegram user, possibly bound to a profile."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import UnsupportedLocale
from domain.model import Account, Profile, TelegramUser
from domain.ports import UnitOfWork

SUPPORTED_LOCALES = ("ru", "en")


async def resident(uow: UnitOfWork, telegram_id: int) -> tuple[TelegramUser, Profile | None]:
    """The Telegram user as the bot knows them (a stranger is a user with no profile), and
    the profile they are logged in to."""
    user, profile = await uow.telegram_users.with_profile(telegram_id)
    return user or TelegramUser(telegram_id=telegram_id), profile


def locale_for(user: TelegramUser, telegram_language: str | None, default: str) -> str:
    """The language to speak: the one the resident chose, else Telegram's, else the default."""
    if user.locale in SUPPORTED_LOCALES:
        return user.locale
    language = (telegram_language or "").split("-")[0].lower()
    return language if language in SUPPORTED_LOCALES else default


async def choose_language(uow: UnitOfWork, user: TelegramUser, locale: str) -> TelegramUser:
    if locale not in SUPPORTED_LOCALES:
        raise UnsupportedLocale(locale)
    user.locale = locale
    await uow.telegram_users.save(user)
    await uow.commit()
    return user


async def linked_accounts(uow: UnitOfWork, profile: Profile) -> Sequence[Account]:
    assert profile.id is not None
    return await uow.links.accounts_of(profile.id)
