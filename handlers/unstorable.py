"""A message the database could not keep (text with NUL in it): refused before any handler
reads it, with words that say what to change. Whatever conversation was open goes on; the
resident sends the text again without it."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message
from aiogram_i18n import I18nContext

from dialogs.inputs import delete_secret
from domain.passwords import looks_like_password
from domain.validation import UNSTORABLE, storable


def unstorable(message: Message) -> bool:
    return not all(storable(text) for text in (message.text, message.caption) if text)


async def on_unstorable(message: Message, i18n: I18nContext) -> None:
    text = message.text or message.caption or ""
    if looks_like_password(UNSTORABLE.sub("", text)):
        # A password step never sees it, so it is deleted here, as those steps would.
        await delete_secret(message)
        await message.answer(i18n.get("input-unstorable"))
        return
    await message.reply(i18n.get("input-unstorable"))


def router() -> Router:
    """Included first, in every chat: the staff group's answers are kept too."""
    router = Router(name="unstorable")
    router.message.register(on_unstorable, unstorable)
    return router
