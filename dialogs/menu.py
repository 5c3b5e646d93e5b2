"""The first screens: the welcome for a stranger, the main menu for a bound resident."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram import F
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start, SwitchTo

from dialogs.context import ctx
from dialogs.inputs import say
from dialogs.language import start_language
from dialogs.states import (
    AccountsSG,
    ConfirmSG,
    FaqSG,
    LinkSG,
    LoginSG,
    MenuSG,
    PaymentSG,
    ProfileSG,
    ReadingsSG,
    RegistrationSG,
    WelcomeSG,
)
from dialogs.widgets import Dialog, Notice, Tr
from domain.login import log_out
from domain.model import CodePurpose, PaymentMethod, Profile, TelegramUser
from domain.payments import total_due
from domain.ports import UnitOfWork
from domain.residents import linked_accounts


async def show_start(
    manager: DialogManager, resident: TelegramUser, show_mode: ShowMode | None = None
) -> None:
    """The welcome for a stranger, the main menu for a bound resident, on a fresh stack."""
    state = MenuSG.main if resident.profile_id is not None else WelcomeSG.welcome
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=show_mode)


async def open_from_start(
    manager: DialogManager, resident: TelegramUser, state: State, data: dict | None = None
) -> None:
    """A dialog a command, a notification's button or a new link opens, as a new message on
    top of the first screen: its "Back" and its end lead there, never to an empty chat."""
    await show_start(manager, resident, show_mode=ShowMode.NO_UPDATE)
    await manager.start(state, data=data, show_mode=ShowMode.SEND)


async def get_welcome(payment_methods: tuple[PaymentMethod, ...], **_: Any) -> dict[str, Any]:
    return {"pay": "yes" if payment_methods else "no"}


async def get_menu(uow: UnitOfWork, profile: Profile, **_: Any) -> dict[str, Any]:
    accounts = await linked_accounts(uow, profile)
    due = await total_due(uow, accounts)
    return {
        "name": profile.name,
        "accounts": len(accounts),
        "due": due,
        "owes": "yes" if due > 0 else "no",
        "unconfirmed": not profile.email_confirmed,
        "email": profile.email,
    }


async def on_confirm_email(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    email = ctx(manager).profile.email
    await manager.start(
        ConfirmSG.code, data={"purpose": CodePurpose.CONFIRM_EMAIL, "email": email, "send": False}
    )


def for_one_account(state: State, purpose: str):
    """A main menu button about one account: the one linked, or the resident chooses which
    (the accounts list, opened for ``purpose``)."""

    async def on_click(_callback: CallbackQuery, _button: Button, manager: DialogManager):
        context = ctx(manager)
        linked = await linked_accounts(context.uow, context.profile)
        if len(linked) == 1:
            await manager.start(state, data={"account_id": linked[0].id})
        else:
            await manager.start(AccountsSG.list, data={"for": purpose})

    return on_click


async def on_logout(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    await log_out(context.uow, context.clock, context.resident)
    context.signed_in(None)
    await say(manager, "logout-done")
    await manager.start(WelcomeSG.welcome, mode=StartMode.RESET_STACK)


welcome_window = Window(
    Notice(),
    Tr("start-welcome"),
    Row(
        Start(Tr("start-register"), id="register", state=RegistrationSG.phone),
        Start(Tr("start-login"), id="login", state=LoginSG.email),
    ),
    Start(Tr("menu-faq"), id="faq", state=FaqSG.questions),
    Button(Tr("menu-language"), id="language", on_click=start_language),
    state=WelcomeSG.welcome,
    getter=get_welcome,
    preview_data={"pay": "yes"},
)

main_window = Window(
    Notice(),
    Tr("menu-greeting"),
    Tr("menu-unconfirmed", when="unconfirmed"),
    Button(Tr("menu-confirm-email"), id="confirm", on_click=on_confirm_email, when="unconfirmed"),
    Row(
        Start(Tr("menu-accounts"), id="accounts", state=AccountsSG.list),
        Start(Tr("menu-add-account"), id="link", state=LinkSG.number),
    ),
    Button(
        Tr("menu-pay"),
        id="pay",
        on_click=for_one_account(PaymentSG.form, "pay"),
        when=F["owes"] == "yes",
    ),
    Button(
        Tr("menu-readings"), id="readings", on_click=for_one_account(ReadingsSG.meters, "readings")
    ),
    Row(
        Start(Tr("menu-profile"), id="profile", state=ProfileSG.view),
        Start(Tr("menu-faq"), id="faq", state=FaqSG.questions),
    ),
    Row(
        Button(Tr("menu-language"), id="language", on_click=start_language),
        SwitchTo(Tr("menu-logout"), id="logout", state=MenuSG.logout),
    ),
    state=MenuSG.main,
    getter=get_menu,
    preview_data={
        "name": "Светлана",
        "accounts": 2,
        "due": Decimal("1628.12"),
        "owes": "yes",
        "unconfirmed": True,
        "email": "resident@example.org",
    },
)

logout_window = Window(
    Notice(),
    Tr("logout-confirm"),
    Button(Tr("logout-yes"), id="yes", on_click=on_logout),
    SwitchTo(Tr("back"), id="back", state=MenuSG.main),
    state=MenuSG.logout,
)


def welcome_dialog() -> Dialog:
    return Dialog(welcome_window)


def main_dialog() -> Dialog:
    return Dialog(main_window, logout_window)
