"""The first screens: the welcome for a stranger, the main menu for a bound resident."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start

from dialogs.faq import FaqSG
from dialogs.language import start_language
from dialogs.widgets import Notice, Tr, notify
from domain.model import TelegramUser
from domain.ports import UnitOfWork
from domain.residents import bound_profile, linked_accounts


class WelcomeSG(StatesGroup):
    welcome = State()


class MenuSG(StatesGroup):
    main = State()


async def on_coming_soon(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    notify(manager, "start-coming-soon")


async def get_menu(uow: UnitOfWork, resident: TelegramUser, **_: Any) -> dict[str, Any]:
    profile = await bound_profile(uow, resident)
    assert profile is not None, "the main menu is only started for a bound resident"
    return {"name": profile.name, "accounts": len(await linked_accounts(uow, profile))}


welcome_window = Window(
    Notice(),
    Tr("start-welcome"),
    Row(
        Button(Tr("start-register"), id="register", on_click=on_coming_soon),
        Button(Tr("start-login"), id="login", on_click=on_coming_soon),
    ),
    Start(Tr("menu-faq"), id="faq", state=FaqSG.questions),
    Button(Tr("menu-language"), id="language", on_click=start_language),
    state=WelcomeSG.welcome,
)

main_window = Window(
    Tr("menu-greeting"),
    Start(Tr("menu-faq"), id="faq", state=FaqSG.questions),
    Button(Tr("menu-language"), id="language", on_click=start_language),
    state=MenuSG.main,
    getter=get_menu,
)


def dialogs() -> list[Dialog]:
    return [Dialog(welcome_window), Dialog(main_window)]
