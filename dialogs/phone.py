"""The phone question: a "share my contact" button, or a typed number."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.enums import ContentType
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, RequestContact, Row, SwitchTo
from aiogram_dialog.widgets.markup.reply_keyboard import ReplyKeyboardFactory

from dialogs.inputs import NOT_COMMAND, answer, explain, on_not_text, parse_phone
from dialogs.widgets import Notice, Tr, notify, own_id
from domain import validation
from domain.errors import InvalidInput

PHONE = "phone"
Done = Callable[[DialogManager], Awaitable[None]]


def phone_window(
    state: State, then: Done, *, skip: Done | None = None, back_to: State | None = None
) -> Window:
    """The question at ``state``; with ``back_to``, a way back there instead of Cancel (a
    field of the profile goes back to the profile, not to the window before it)."""

    async def on_contact(message: Message, _widget: Any, manager: DialogManager) -> None:
        contact = message.contact
        assert contact is not None and message.from_user is not None
        if contact.user_id != message.from_user.id:
            notify(manager, "identity-contact-not-yours")
            return
        try:
            manager.dialog_data[PHONE] = validation.parse_phone(contact.phone_number)
        except InvalidInput as error:
            explain(manager, error)
            return
        await then(manager)

    async def on_skip(_callback: Any, _button: Any, manager: DialogManager) -> None:
        assert skip is not None
        manager.dialog_data[PHONE] = None
        await skip(manager)

    buttons: list[Any] = []
    if back_to is not None:
        buttons.append(SwitchTo(Tr("back"), id=own_id("back", state), state=back_to))
    if skip is not None:
        buttons.append(Button(Tr("skip"), id=own_id("skip", state), on_click=on_skip))
    if back_to is None:
        buttons.append(Cancel(Tr("cancel")))
    return Window(
        Notice(),
        Tr("identity-ask-phone"),
        RequestContact(Tr("identity-share-contact")),
        Row(*buttons),
        MessageInput(on_contact, content_types=[ContentType.CONTACT]),
        MessageInput(
            answer(parse_phone, PHONE, then=then),
            content_types=[ContentType.TEXT],
            filter=NOT_COMMAND,
        ),
        MessageInput(on_not_text),
        markup_factory=ReplyKeyboardFactory(
            resize_keyboard=True,
            one_time_keyboard=True,
            input_field_placeholder=Tr("identity-phone-hint"),
        ),
        state=state,
    )
