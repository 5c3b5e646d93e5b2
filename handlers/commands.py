"""Commands that work anywhere in a private chat, even in the middle of a dialog."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_i18n import I18nContext

from bot.config import Settings
from dialogs.faq import FaqSG
from dialogs.language import LanguageSG
from dialogs.menu import MenuSG, WelcomeSG
from domain.model import TelegramUser


async def show_start(manager: DialogManager, resident: TelegramUser) -> None:
    """The welcome for a stranger, the main menu for a bound resident, on a fresh stack."""
    state = MenuSG.main if resident.profile_id is not None else WelcomeSG.welcome
    await manager.start(state, mode=StartMode.RESET_STACK)


async def on_start(message: Message, dialog_manager: DialogManager, resident: TelegramUser):
    await show_start(dialog_manager, resident)


async def on_help(message: Message, i18n: I18nContext, settings: Settings) -> None:
    await message.answer(i18n.get("help-text", phone=settings.contact_phone))


async def on_cancel(message: Message, dialog_manager: DialogManager, i18n: I18nContext) -> None:
    had_dialog = dialog_manager.has_context()
    await dialog_manager.reset_stack()
    await message.answer(i18n.get("cancel-done" if had_dialog else "cancel-nothing"))


async def on_faq(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(FaqSG.questions, mode=StartMode.RESET_STACK)


async def on_language(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(LanguageSG.choose, mode=StartMode.RESET_STACK)


def router() -> Router:
    """A fresh router each time: a router joins one dispatcher only."""
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_cancel, Command("cancel"))
    router.message.register(on_faq, Command("faq"))
    router.message.register(on_language, Command("language"))
    return router
