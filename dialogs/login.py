"""Login (guide section 2), the missing fields on first login (Fig. 7), and password
recovery (section 3)."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button

from dialogs.context import Context, ctx
from dialogs.inputs import (
    EXPLAINABLE,
    answer,
    check_password_repeat,
    delete_secret,
    explain,
    gender_buttons,
    hash_password,
    letter_writer,
    parse_email,
    question,
    saves,
    say,
)
from dialogs.phone import PHONE, phone_window
from dialogs.states import CompleteProfileSG, LoginSG, MenuSG, RecoverySG
from dialogs.widgets import Dialog, Tr, notify, pressed
from domain import login, profile
from domain.errors import LoginLocked, ResendTooSoon, WrongCredentials
from domain.model import CodePurpose, Gender
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
    context.signed_in(found.profile)  # the menu that follows greets them
    if found.to_complete:
        ask = found.to_complete
        state = getattr(CompleteProfileSG, ask[0])
        await manager.start(state, data={"ask": ask}, mode=StartMode.RESET_STACK)
    else:
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


# --- The fields the first login asks for (Fig. 7) -------------------------------------------


async def on_complete_start(start_data: Any, manager: DialogManager) -> None:
    manager.dialog_data["ask"] = start_data["ask"]


async def ask_next(manager: DialogManager) -> None:
    """The field on screen is answered (or skipped): the next one, or the menu."""
    ask = manager.dialog_data["ask"][1:]
    manager.dialog_data["ask"] = ask
    if ask:
        await manager.switch_to(getattr(CompleteProfileSG, ask[0]))
    else:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def save_phone(manager: DialogManager) -> None:
    context = ctx(manager)
    await profile.set_phone(context.uow, context.profile, manager.dialog_data[PHONE])
    await ask_next(manager)


async def set_patronymic(context: Context, text: str) -> None:
    await profile.set_patronymic(context.uow, context.profile, text)


async def set_birth_date(context: Context, text: str) -> None:
    await profile.set_birth_date(context.uow, context.clock, context.profile, text)


async def on_gender(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    await profile.set_gender(context.uow, context.profile, Gender(pressed(button)))
    await ask_next(manager)


def optional(state: State, key: str, **answers: Any) -> Window:
    """A field the resident may leave empty: Skip goes on, nothing goes back."""
    return question(state, Tr(key), skip=ask_next, back=False, cancel=False, **answers)


complete_profile_windows = (
    phone_window(CompleteProfileSG.phone, then=save_phone),
    optional(
        CompleteProfileSG.patronymic,
        "identity-ask-patronymic",
        on_text=saves(set_patronymic, then=ask_next),
    ),
    optional(
        CompleteProfileSG.birth_date,
        "identity-ask-birth-date",
        on_text=saves(set_birth_date, then=ask_next),
    ),
    optional(
        CompleteProfileSG.gender, "identity-ask-gender", keyboard=(gender_buttons(on_gender),)
    ),
)


def complete_profile_dialog() -> Dialog:
    return Dialog(*complete_profile_windows, on_start=on_complete_start)


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
