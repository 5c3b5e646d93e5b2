"""Whatever no command and no open dialog took: the resident is told where to go."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message
from aiogram_i18n import I18nContext


async def on_anything(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("fallback-not-understood"))


def router() -> Router:
    """Included after the dialogs, so that it sees only what they left."""
    router = Router(name="fallback")
    router.message.register(on_anything, F.chat.type == "private")
    return router
