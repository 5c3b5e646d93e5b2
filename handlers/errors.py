"""What the resident sees when something fails: an outdated menu is replaced, anything else
gets a short apology while the error is logged with its update id."""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, ReplyKeyboardRemove
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState
from aiogram_i18n import I18nContext

from dialogs.menu import show_start
from dialogs.states import WelcomeSG
from domain.errors import NotSignedIn
from domain.model import TelegramUser

logger = logging.getLogger(__name__)


def _chat_id(event: ErrorEvent) -> int | None:
    update = event.update
    if update.message:
        return update.message.chat.id
    if update.callback_query and update.callback_query.message:
        return update.callback_query.message.chat.id
    return None


async def on_outdated_menu(
    event: ErrorEvent, dialog_manager: DialogManager, i18n: I18nContext, resident: TelegramUser
) -> None:
    """A button of a menu the bot no longer keeps (after /cancel, a restart, an old message)."""
    query = event.update.callback_query
    assert query is not None  # the router takes only buttons' errors here
    if query.message and query.message.message_id == dialog_manager.current_stack().last_message_id:
        # The screen the resident looks at, changed by the tap before this one: a double
        # tap. They see where the first tap took them, and stay there.
        await query.answer()
        return
    await query.answer(i18n.get("menu-outdated"))
    await show_start(dialog_manager, resident)


async def on_outdated_keyboard(
    event: ErrorEvent,
    bot: Bot,
    dialog_manager: DialogManager,
    i18n: I18nContext,
    resident: TelegramUser,
) -> None:
    """A reply keyboard's button of a screen the bot no longer keeps: a keyboard that stayed
    under a menu opened over its screen. It is taken away, and the first screen shown."""
    message = event.update.message
    assert message is not None  # the router takes only messages' errors here
    await bot.send_message(
        message.chat.id, i18n.get("menu-keyboard-outdated"), reply_markup=ReplyKeyboardRemove()
    )
    await show_start(dialog_manager, resident, show_mode=ShowMode.SEND)


async def on_signed_out(
    event: ErrorEvent, dialog_manager: DialogManager, i18n: I18nContext
) -> None:
    """A screen for a logged-in resident reached by someone who is not (a button left from
    before a logout): they are asked to log in."""
    if event.update.callback_query is not None:
        await event.update.callback_query.answer(i18n.get("identity-log-in-first"))
    # A new message: the old menu may be far up the chat, above the news of the logout.
    await dialog_manager.start(
        WelcomeSG.welcome, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


async def on_error(event: ErrorEvent, bot: Bot, i18n: I18nContext | None = None) -> None:
    logger.error(
        "update %s failed: %r", event.update.update_id, event.exception, exc_info=event.exception
    )
    query = event.update.callback_query
    if query is not None:
        # Answered once, or the button keeps spinning in the resident's app; one that was
        # answered before the failure is refused by Telegram, and that is fine.
        with suppress(TelegramAPIError):
            await bot.answer_callback_query(query.id)
    chat_id = _chat_id(event)
    if chat_id is None or i18n is None:
        return
    try:
        await bot.send_message(chat_id, i18n.get("error-apology"))
    except TelegramAPIError:
        logger.warning("could not apologise in chat %s", chat_id)


def router() -> Router:
    router = Router(name="errors")
    router.error.register(
        on_outdated_menu,
        ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState),
        F.update.callback_query,
    )
    router.error.register(
        on_outdated_keyboard,
        ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState),
        F.update.message,
    )
    router.error.register(on_signed_out, ExceptionTypeFilter(NotSignedIn))
    router.error.register(on_error)
    return router
