"""Confirming an e-mail address with the code from the letter (the deep link in the same
letter is handled with /start). Started with ``{"purpose", "email", "send"}``."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Button, Row

from dialogs.context import ctx, started_with
from dialogs.inputs import EXPLAINABLE, explain, question, say, send_code
from dialogs.menu import open_from_start
from dialogs.states import ConfirmSG, MenuSG, ProfileSG
from dialogs.widgets import Dialog, Tr
from domain import codes
from domain.model import CodePurpose


async def _resend(manager: DialogManager) -> None:
    purpose, email = CodePurpose(started_with(manager, "purpose")), started_with(manager, "email")
    await send_code(manager, purpose, email, ctx(manager).profile.id)


async def on_start(_data: Any, manager: DialogManager) -> None:
    if started_with(manager, "send"):
        await _resend(manager)


async def on_send_again(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _resend(manager)


async def on_code(message: Message, _widget: Any, manager: DialogManager) -> None:
    context = ctx(manager)
    purpose = CodePurpose(started_with(manager, "purpose"))
    try:
        confirmed = await codes.confirm_email(
            context.uow,
            context.sessions,
            context.clock,
            context.resident,
            context.profile,
            message.text or "",
            purpose,
            started_with(manager, "email"),
        )
    except EXPLAINABLE as error:
        explain(manager, error)
        return
    context.signed_in(confirmed)
    await say(manager, "identity-email-confirmed", email=started_with(manager, "email"))
    await _leave(manager)


async def _leave(manager: DialogManager) -> None:
    """Back where the resident came from: the profile for a new address, else the menu."""
    if started_with(manager, "purpose") == CodePurpose.CHANGE_EMAIL:
        # On top of the menu, as /profile opens it: its "Back" leads there.
        await open_from_start(manager, ctx(manager).resident, ProfileSG.view)
    else:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def on_later(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _leave(manager)


async def get_email(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"email": started_with(dialog_manager, "email")}


code_window = question(
    ConfirmSG.code,
    Tr("identity-ask-code"),
    on_text=on_code,
    keyboard=(
        Row(
            Button(Tr("identity-send-again"), id="again", on_click=on_send_again),
            Button(Tr("identity-later"), id="later", on_click=on_later),
        ),
    ),
    back=False,
    cancel=False,
    getter=get_email,
    preview_data={"email": "resident@example.org"},
)


def dialog() -> Dialog:
    return Dialog(code_window, on_start=on_start)
