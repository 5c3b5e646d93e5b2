"""Login (guide section 2), the missing fields on first login (Fig. 7), and password
recovery (section 3)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Button

from dialogs.context import ctx
from dialogs.inputs import (
    EXPLAINABLE,
    answer,
    check_password_repeat,
    delete_secret,
    explain,
    hash_password,
    letter_writer,
    parse_email,
    question,
    say,
)
from dialogs.phone import PHONE, phone_window
from dialogs.states import CompleteProfileSG, LoginSG, MenuSG, RecoverySG
from dialogs.widgets import Dialog, Tr, notify
from domain import login, profile
from domain.errors import LoginLocked, ResendTooSoon, WrongCredentials
from domain.model import CodePurpose
from domain.ports import MailNotSent


async def on_forgot(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    # The code goes to the address just typed: it is not asked again.
    await manager.start(RecoverySG.code, data={"email": manager.dialog_data["email"]})


async def on_password(message: Message, _widget: Any, manager: DialogManager) -> None:
    await delete_secret(message)
    context = ctx(manager)
    try:
        found = await login.log_in(
            context.uow,
            context.hasher,
            context.clock,
            context.resident,
            manager.dialog_data["email"],
            message.text or "",
        )
    except WrongCredentials:
        notify(manager, "login-wrong")
        return
    except LoginLocked as error:
        explain(manager, error)
        return
    context.signed_in(found)  # the menu that follows greets them
    if profile.missing_required(found):
        await manager.start(CompleteProfileSG.phone, mode=StartMode.RESET_STACK)
    else:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def save_phone(manager: DialogManager) -> None:
    context = ctx(manager)
    await profile.set_phone(context.uow, context.profile, manager.dialog_data[PHONE])
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


email_window = question(
    LoginSG.email, Tr("login-ask-email"), on_text=answer(parse_email, "email"), back=False
)


password_window = question(
    LoginSG.password,
    Tr("login-ask-password"),
    on_text=on_password,
    secret=True,
    keyboard=(Button(Tr("login-forgot"), id="forgot", on_click=on_forgot),),
)


def login_dialog() -> Dialog:
    return Dialog(email_window, password_window)


complete_phone_window = phone_window(CompleteProfileSG.phone, then=save_phone)


def complete_profile_dialog() -> Dialog:
    return Dialog(complete_phone_window)


# --- Recovery -----------------------------------------------------------------------------


async def _request(manager: DialogManager) -> None:
    context = ctx(manager)
    address = manager.dialog_data["email"]
    write = await letter_writer(manager, CodePurpose.RECOVER_PASSWORD, address)
    try:
        await login.request_recovery(context.uow, context.mailer, context.clock, address, write)
    except ResendTooSoon as error:
        explain(manager, error)
        return
    except MailNotSent:
        pass  # said the same way as an unknown address: the answer must not tell them apart
    notify(manager, "recovery-sent", email=address)


async def on_send_again(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    await _request(manager)


async def check_code(text: str, manager: DialogManager) -> int:
    context = ctx(manager)
    return await login.check_recovery_code(
        context.uow, context.clock, manager.dialog_data["email"], text
    )


async def on_recovery_start(start_data: Any, manager: DialogManager) -> None:
    """From the login: the code is sent at once. From the letter's link: the code is
    checked already, and the new password is asked."""
    manager.dialog_data["email"] = start_data["email"]
    if "code_id" in start_data:
        manager.dialog_data["code_id"] = start_data["code_id"]
    else:
        await _request(manager)


async def reset(manager: DialogManager) -> None:
    context = ctx(manager)
    try:
        found = await login.reset_password(
            context.uow,
            context.sessions,
            context.clock,
            context.resident,
            manager.dialog_data["code_id"],
            manager.dialog_data["password_hash"],
        )
    except EXPLAINABLE as error:
        explain(manager, error)
        await manager.switch_to(RecoverySG.code)  # where a new code can be sent
        return
    context.signed_in(found)
    await say(manager, "recovery-done")
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


recovery_code_window = question(
    RecoverySG.code,
    Tr("recovery-ask-code"),
    on_text=answer(check_code, "code_id"),
    keyboard=(Button(Tr("identity-send-again"), id="again", on_click=on_send_again),),
    back=False,
)


recovery_password_window = question(
    RecoverySG.password,
    Tr("identity-ask-new-password"),
    on_text=answer(hash_password, "password_hash", secret=True),
    secret=True,
    back=False,
)


recovery_password_repeat_window = question(
    RecoverySG.password_repeat,
    Tr("identity-ask-password-repeat"),
    on_text=answer(check_password_repeat, "password_repeated", secret=True, then=reset),
    secret=True,
)


def recovery_dialog() -> Dialog:
    return Dialog(
        recovery_code_window,
        recovery_password_window,
        recovery_password_repeat_window,
        on_start=on_recovery_start,
    )
