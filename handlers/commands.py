"""Commands that work anywhere in a private chat, even in the middle of a dialog."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_i18n import I18nContext

from dialogs.menu import open_from_start, show_start
from dialogs.states import (
    AccountsSG,
    FaqSG,
    LanguageSG,
    NotificationsSG,
    ProfileSG,
    RecoverySG,
)
from domain import codes
from domain.errors import CodeExpired, CodeNotFound, EmailTaken
from domain.login import log_out
from domain.model import CodePurpose, TelegramUser, Utility
from domain.ports import Clock, SessionNotifier, UnitOfWork


async def on_start(message: Message, dialog_manager: DialogManager, resident: TelegramUser):
    await show_start(dialog_manager, resident)


async def on_deep_link(
    message: Message,
    command: CommandObject,
    dialog_manager: DialogManager,
    resident: TelegramUser,
    uow: UnitOfWork,
    clock: Clock,
    sessions: SessionNotifier,
    i18n: I18nContext,
) -> None:
    """A link from a letter: it confirms the address, or opens the new-password step."""
    try:
        code = await codes.open_link(uow, sessions, clock, resident, command.args or "")
    except (CodeNotFound, CodeExpired, EmailTaken):
        await message.answer(i18n.get("identity-link-invalid"))
        await show_start(dialog_manager, resident)
        return
    if code.purpose is CodePurpose.RECOVER_PASSWORD:
        await dialog_manager.start(
            RecoverySG.password,
            data={"code_id": code.id, "email": code.email},
            mode=StartMode.RESET_STACK,
        )
        return
    await message.answer(i18n.get("identity-email-confirmed", email=code.email))
    await show_start(dialog_manager, resident)


async def on_help(message: Message, i18n: I18nContext, utility: Utility) -> None:
    await message.answer(i18n.get("help-text", phone=utility.contact_phone))


async def on_cancel(
    message: Message, dialog_manager: DialogManager, resident: TelegramUser, i18n: I18nContext
) -> None:
    had_dialog = dialog_manager.has_context()
    await message.answer(i18n.get("cancel-done" if had_dialog else "cancel-nothing"))
    await show_start(dialog_manager, resident)


def for_anyone(state: State) -> Callable[..., Awaitable[None]]:
    async def handler(
        message: Message, dialog_manager: DialogManager, resident: TelegramUser
    ) -> None:
        await open_from_start(dialog_manager, resident, state)

    return handler


async def signed_in(
    message: Message, dialog_manager: DialogManager, resident: TelegramUser, i18n: I18nContext
) -> bool:
    """Whether the resident is logged in; a stranger is asked to log in first."""
    if resident.profile_id is not None:
        return True
    await message.answer(i18n.get("identity-log-in-first"))
    await show_start(dialog_manager, resident)
    return False


def for_residents(state: State) -> Callable[..., Awaitable[None]]:
    """A command for a bound resident; a stranger is asked to log in first."""

    async def handler(
        message: Message, dialog_manager: DialogManager, resident: TelegramUser, i18n: I18nContext
    ) -> None:
        if await signed_in(message, dialog_manager, resident, i18n):
            await open_from_start(dialog_manager, resident, state)

    return handler


async def on_logout(
    message: Message,
    dialog_manager: DialogManager,
    resident: TelegramUser,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18nContext,
) -> None:
    if resident.profile_id is not None:
        await log_out(uow, clock, resident)
    await message.answer(i18n.get("logout-done"))
    await show_start(dialog_manager, resident)


async def on_mydata(
    message: Message,
    dialog_manager: DialogManager,
    resident: TelegramUser,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18nContext,
    utility: Utility,
) -> None:
    """Everything kept about the resident's profile, as a file (152-ФЗ, art. 14)."""
    if not await signed_in(message, dialog_manager, resident, i18n):
        return
    assert resident.profile_id is not None
    data = await uow.personal_data(resident.profile_id)
    content = json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode()
    today = clock.today()
    await message.answer_document(
        BufferedInputFile(content, filename=f"mydata-{today:%Y-%m-%d}.json"),
        caption=i18n.get("mydata-caption", policy=utility.user_agreement_url),
    )


def _plain(value: object) -> str:
    """Dates, moments and money as JSON has no type for: ISO 8601 and exact decimals."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def router() -> Router:
    """A fresh router each time: a router joins one dispatcher only."""
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")
    router.message.register(on_deep_link, CommandStart(deep_link=True))
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_cancel, Command("cancel"))
    router.message.register(for_anyone(FaqSG.questions), Command("faq"))
    router.message.register(for_anyone(LanguageSG.choose), Command("language"))
    router.message.register(for_residents(ProfileSG.view), Command("profile"))
    router.message.register(for_residents(AccountsSG.list), Command("accounts"))
    router.message.register(for_residents(NotificationsSG.kinds), Command("notifications"))
    router.message.register(on_logout, Command("logout"))
    router.message.register(on_mydata, Command("mydata"))
    return router
