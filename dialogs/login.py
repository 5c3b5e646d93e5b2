"""Login (guide section 2), the missing fields on first login (Fig. 7), and password
recovery (section 3)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Button, Start

from dialogs.inputs import (
    EXPLAINABLE,
    answer,
    delete_secret,
    explain,
    letter_writer,
    question,
    say,
)
from dialogs.phone import PHONE, phone_window
from dialogs.registration import check_repeat, hash_password
from dialogs.states import CompleteProfileSG, LoginSG, MenuSG, RecoverySG
from dialogs.widgets import Tr, notify
from domain import identity
from domain.identity import CodePurpose
from domain.ports import MailNotSent
from domain.residents import bound_profile


def email(text: str, _manager: DialogManager) -> str:
    return identity.normalize_email(text)


async def on_password(message: Message, _widget: Any, manager: DialogManager) -> None:
    await delete_secret(message)
    data = manager.middleware_data
    try:
        profile = await identity.log_in(
            data["uow"],
            data["hasher"],
            data["clock"],
            data["resident"],
            manager.dialog_data["email"],
            message.text or "",
        )
    except identity.WrongCredentials:
        notify(manager, "login-wrong")
        return
    except identity.LoginLocked as error:
        explain(manager, error)
        return
    await say(manager, "login-welcome", name=profile.name)
    if identity.missing_required(profile):
        await manager.start(CompleteProfileSG.phone, mode=StartMode.RESET_STACK)
    else:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def save_phone(manager: DialogManager) -> None:
    data = manager.middleware_data
    profile = await bound_profile(data["uow"], data["resident"])
    assert profile is not None
    profile.phone = manager.dialog_data[PHONE]
    await identity.save_profile(data["uow"], profile)
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


def login_dialog() -> Dialog:
    return Dialog(
        question(LoginSG.email, Tr("login-ask-email"), on_text=answer(email, "email"), back=False),
        question(
            LoginSG.password,
            Tr("login-ask-password"),
            on_text=on_password,
            keyboard=(Start(Tr("login-forgot"), id="forgot", state=RecoverySG.email),),
        ),
    )


def complete_profile_dialog() -> Dialog:
    return Dialog(phone_window(CompleteProfileSG.phone, then=save_phone, back=False))


# --- Recovery -----------------------------------------------------------------------------


async def _request(manager: DialogManager) -> None:
    data = manager.middleware_data
    address = manager.dialog_data["email"]
    write = await letter_writer(manager, CodePurpose.RECOVER_PASSWORD, address)
    try:
        await identity.request_recovery(data["uow"], data["mailer"], data["clock"], address, write)
    except identity.ResendTooSoon as error:
        explain(manager, error)
        return
    except MailNotSent:
        pass  # said the same way as an unknown address: the answer must not tell them apart
    notify(manager, "recovery-sent", email=address)


async def on_recovery_email(message: Message, widget: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["email"] = identity.normalize_email(message.text or "")
    except identity.InvalidInput as error:
        explain(manager, error)
        return
    await _request(manager)
    await manager.switch_to(RecoverySG.code)


async def on_send_again(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    await _request(manager)


async def check_code(text: str, manager: DialogManager) -> int:
    return await identity.check_recovery_code(
        manager.middleware_data["uow"],
        manager.middleware_data["clock"],
        manager.dialog_data["email"],
        text,
    )


async def on_recovery_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict) and "code_id" in start_data:
        manager.dialog_data["code_id"] = start_data["code_id"]


async def reset(manager: DialogManager) -> None:
    data = manager.middleware_data
    try:
        profile = await identity.reset_password(
            data["uow"],
            data["clock"],
            data["resident"],
            manager.dialog_data["code_id"],
            manager.dialog_data["password_hash"],
        )
    except EXPLAINABLE as error:
        explain(manager, error)
        await manager.switch_to(RecoverySG.email)
        return
    await say(manager, "recovery-done", name=profile.name)
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


def recovery_dialog() -> Dialog:
    return Dialog(
        question(RecoverySG.email, Tr("recovery-ask-email"), on_text=on_recovery_email, back=False),
        question(
            RecoverySG.code,
            Tr("recovery-ask-code"),
            on_text=answer(check_code, "code_id"),
            keyboard=(Button(Tr("identity-send-again"), id="again", on_click=on_send_again),),
        ),
        question(
            RecoverySG.password,
            Tr("identity-ask-new-password"),
            on_text=answer(hash_password, "password_hash", secret=True),
            back=False,
        ),
        question(
            RecoverySG.password_repeat,
            Tr("identity-ask-password-repeat"),
            on_text=answer(check_repeat, "password_repeated", secret=True, then=reset),
        ),
        on_start=on_recovery_start,
    )
