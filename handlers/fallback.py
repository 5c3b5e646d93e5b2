"""Whatever no command and no open dialog took: the resident is told where to go. A message
that looks like a password (the conversation that asked for it was lost: a restart, a
flushed Redis) is deleted first: a password must not stay in the chat."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message
from aiogram_i18n import I18nContext

from dialogs.inputs import delete_secret
from domain.passwords import looks_like_password


async def on_anything(message: Message, i18n: I18nContext) -> None:
    if looks_like_password(message.text or message.caption or ""):
        await delete_secret(message)
        await message.answer(i18n.get("fallback-password-deleted"))
        return
    await message.answer(i18n.get("fallback-not-understood"))


def router() -> Router:
    """Included after the dialogs, so that it sees only what they left."""
    router = Router(name="fallback")
    router.message.register(on_anything, F.chat.type == "private")
    return router
