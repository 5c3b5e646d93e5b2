"""The first screens: the welcome for a stranger, the main menu for a bound resident."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start

from dialogs.inputs import say
from dialogs.language import start_language
from dialogs.states import (
    AccountsSG,
    ConfirmSG,
    FaqSG,
    LinkSG,
    LoginSG,
    MenuSG,
    ProfileSG,
    ReadingsSG,
    RegistrationSG,
    WelcomeSG,
)
from dialogs.widgets import Tr
from domain.identity import CodePurpose, log_out
from domain.model import TelegramUser
from domain.ports import UnitOfWork
from domain.residents import bound_profile, linked_accounts


async def get_menu(uow: UnitOfWork, resident: TelegramUser, **_: Any) -> dict[str, Any]:
    profile = await bound_profile(uow, resident)
    assert profile is not None, "the main menu is only started for a bound resident"
    return {
        "name": profile.name,
        "accounts": len(await linked_accounts(uow, profile)),
        "unconfirmed": not profile.email_confirmed,
        "email": profile.email,
    }


async def on_confirm_email(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    data = manager.middleware_data
    profile = await bound_profile(data["uow"], data["resident"])
    assert profile is not None
    await manager.start(
        ConfirmSG.code,
        data={"purpose": CodePurpose.CONFIRM_EMAIL, "email": profile.email, "send": False},
    )


async def on_readings(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    """Readings of the account used last; with none remembered, the choice of accounts."""
    last = manager.middleware_data["resident"].last_account_id
    if last is None:
        await manager.start(AccountsSG.list)
    else:
        await manager.start(ReadingsSG.meters, data={"account_id": last})


async def on_logout(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await log_out(manager.middleware_data["uow"], manager.middleware_data["resident"])
    await say(manager, "logout-done")
    await manager.start(WelcomeSG.welcome, mode=StartMode.RESET_STACK)


welcome_window = Window(
    Tr("start-welcome"),
    Row(
        Start(Tr("start-register"), id="register", state=RegistrationSG.phone),
        Start(Tr("start-login"), id="login", state=LoginSG.email),
    ),
    Start(Tr("menu-faq"), id="faq", state=FaqSG.questions),
    Button(Tr("menu-language"), id="language", on_click=start_language),
    state=WelcomeSG.welcome,
)

main_window = Window(
    Tr("menu-greeting"),
    Tr("menu-unconfirmed", when="unconfirmed"),
    Button(Tr("menu-confirm-email"), id="confirm", on_click=on_confirm_email, when="unconfirmed"),
    Row(
        Start(Tr("menu-accounts"), id="accounts", state=AccountsSG.list),
        Start(Tr("menu-add-account"), id="link", state=LinkSG.number),
    ),
    Button(Tr("menu-readings"), id="readings", on_click=on_readings),
    Row(
        Start(Tr("menu-profile"), id="profile", state=ProfileSG.view),
        Start(Tr("menu-faq"), id="faq", state=FaqSG.questions),
    ),
    Row(
        Button(Tr("menu-language"), id="language", on_click=start_language),
        Button(Tr("menu-logout"), id="logout", on_click=on_logout),
    ),
    state=MenuSG.main,
    getter=get_menu,
)


def dialogs() -> list[Dialog]:
    return [Dialog(welcome_window), Dialog(main_window)]
