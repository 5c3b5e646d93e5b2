"""A message the database could not keep (text with NUL in it): refused before any handler
reads it, with words that say what to change. Whatever conversation was open goes on; the
resident sends the text again without it."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message
from aiogram_i18n import I18nContext

from domain.validation import storable


def unstorable(message: Message) -> bool:
    return not all(storable(text) for text in (message.text, message.caption) if text)


async def on_unstorable(message: Message, i18n: I18nContext) -> None:
    await message.reply(i18n.get("input-unstorable"))


def router() -> Router:
    """Included first, in every chat: the staff group's answers are kept too."""
    router = Router(name="unstorable")
    router.message.register(on_unstorable, unstorable)
    return router
