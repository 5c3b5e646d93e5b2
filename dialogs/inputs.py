"""The building blocks of the identity conversations: a question that takes a typed answer,
checks it with a domain rule and either moves on or says what is wrong and asks again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Keyboard, Row
from aiogram_dialog.widgets.text import Text

from dialogs.context import Context, ctx
from dialogs.widgets import Notice, Tr, back_from, notify, own_id
from domain import codes, errors, passwords, registration, validation
from domain.codes import IssuedCode, LetterWriter
from domain.model import CodePurpose, Gender
from domain.ports import Letter, MailNotSent

logger = logging.getLogger(__name__)

Parse = Callable[[str, DialogManager], Any | Awaitable[Any]]
Done = Callable[[DialogManager], Awaitable[None]]

# Domain errors and the texts that explain them; InvalidInput is told by its reason.
EXPLAINED: dict[type[Exception], str] = {
    errors.EmailTaken: "identity-email-taken",
    errors.PasswordsDiffer: "identity-passwords-differ",
    errors.WrongPassword: "identity-wrong-password",
    errors.CodeExpired: "identity-code-expired",
    errors.CodeVoided: "identity-code-voided",
    errors.CodeNotFound: "identity-code-not-found",
}


def explain(manager: DialogManager, error: Exception) -> None:
    if isinstance(error, errors.InvalidInput):
        notify(manager, f"identity-invalid-{error.reason}")
    elif isinstance(error, errors.WrongCode):
        notify(manager, "identity-code-wrong", left=error.attempts_left)
    elif isinstance(error, errors.ResendTooSoon):
        notify(manager, "identity-resend-too-soon", seconds=error.seconds)
    elif isinstance(error, errors.LoginLocked):
        notify(manager, "login-locked", until=ctx(manager).clock.local(error.until))
    else:
        notify(manager, EXPLAINED[type(error)])


EXPLAINABLE: tuple[type[Exception], ...] = (
    errors.InvalidInput,
    errors.WrongCode,
    errors.ResendTooSoon,
    errors.LoginLocked,
    *EXPLAINED,
)


# --- Parsers for answer(): what was typed to what the dialog keeps -------------------------


def parse_email(text: str, _manager: DialogManager) -> str:
    return validation.parse_email(text)


async def parse_free_email(text: str, manager: DialogManager) -> str:
    """An address nobody registered yet."""
    return await registration.ensure_email_free(ctx(manager).uow, validation.parse_email(text))


def parse_phone(text: str, _manager: DialogManager) -> str:
    return validation.parse_phone(text)


def parse_name(text: str, _manager: DialogManager) -> str:
    return validation.parse_name(text)


def parse_surname(text: str, _manager: DialogManager) -> str:
    return validation.parse_name(text, "surname")


def parse_patronymic(text: str, _manager: DialogManager) -> str:
    return validation.parse_name(text, "patronymic")


def parse_birth_date(text: str, manager: DialogManager) -> str:
    return validation.parse_birth_date(text, ctx(manager).clock.today()).isoformat()


def hash_password(text: str, manager: DialogManager) -> str:
    """A new password, kept only as its hash while the conversation waits for the repeat."""
    return passwords.hash_new_password(ctx(manager).hasher, text)


def check_password_repeat(text: str, manager: DialogManager) -> bool:
    passwords.check_repeat(ctx(manager).hasher, manager.dialog_data["password_hash"], text)
    return True


async def delete_secret(message: Message) -> None:
    """Deletes a message that holds a password. Should Telegram refuse (a message older than
    48 hours), the conversation goes on; the password itself is never logged."""
    try:
        await message.delete()
    except TelegramAPIError as error:
        logger.warning("could not delete a password message: %s", type(error).__name__)


def answer(
    parse: Parse, key: str, *, secret: bool = False, then: Done | None = None
) -> Callable[..., Awaitable[None]]:
    """Reads a typed answer with ``parse``, keeps it as ``dialog_data[key]`` (in a form the
    FSM storage can keep as JSON) and goes on with ``then`` (the next question by default).
    A message that holds a password is deleted as soon as it is read."""

    async def on_answer(message: Message, _widget: Any, manager: DialogManager) -> None:
        if secret:
            await delete_secret(message)
        try:
            value = parse(message.text or "", manager)
            if isinstance(value, Awaitable):
                value = await value
        except EXPLAINABLE as error:
            explain(manager, error)
            return
        manager.dialog_data[key] = value
        await (then(manager) if then else manager.next())

    return on_answer


def saves(
    change: Callable[[Context, str], Awaitable[Any]], then: Done
) -> Callable[..., Awaitable[None]]:
    """A typed answer that one domain edit takes as it is, saved at once, then ``then``; its
    refusal is explained and the question asked again."""

    async def on_text(message: Message, _widget: Any, manager: DialogManager) -> None:
        try:
            await change(ctx(manager), message.text or "")
        except EXPLAINABLE as error:
            explain(manager, error)
            return
        await then(manager)

    return on_text


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    """A photo, a sticker or an unknown command where a typed answer is awaited."""
    command = (message.text or "").startswith("/")
    notify(manager, "input-unknown-command" if command else "input-text-expected")


NOT_COMMAND = ~F.text.startswith("/")


async def on_not_secret(message: Message, widget: Any, manager: DialogManager) -> None:
    if message.text or message.caption:
        await delete_secret(message)
    await on_not_text(message, widget, manager)


async def on_text_not_button(message: Message, _widget: Any, manager: DialogManager) -> None:
    notify(manager, "input-button-expected")


def question(
    state: State,
    *texts: Text,
    on_text: Callable[..., Awaitable[None]] | None = None,
    keyboard: tuple[Keyboard, ...] = (),
    back: bool = True,
    skip: Done | None = None,
    cancel: bool = True,
    secret: bool = False,
    inputs: tuple[MessageInput, ...] = (),
    **window: Any,
) -> Window:
    """A window that asks one thing: the notice of the last wrong answer, the question, its
    buttons, and Back / Skip / Cancel. A ``secret`` question (a password) deletes whatever
    is sent to it, also what it cannot take (a photo captioned with the password, text that
    starts with "/"). ``inputs`` take other messages (a photo) before they are refused."""

    async def on_skip(_callback: Any, _button: Any, manager: DialogManager) -> None:
        assert skip is not None
        await skip(manager)

    navigation: list[Keyboard] = [back_from(state)] if back else []
    if skip is not None:
        navigation.append(Button(Tr("skip"), id=own_id("skip", state), on_click=on_skip))
    if cancel:
        navigation.append(Cancel(Tr("cancel")))
    return Window(
        Notice(),
        *texts,
        MessageInput(
            on_text or on_text_not_button, content_types=[ContentType.TEXT], filter=NOT_COMMAND
        ),
        *inputs,
        MessageInput(on_not_secret if secret else on_not_text),
        *keyboard,
        Row(*navigation),
        state=state,
        **window,
    )


def gender_buttons(on_click: Callable[..., Awaitable[None]]) -> Row:
    """The two genders; the chosen button's id is the ``Gender`` value."""
    return Row(
        Button(Tr("identity-gender-male"), id=Gender.MALE, on_click=on_click),
        Button(Tr("identity-gender-female"), id=Gender.FEMALE, on_click=on_click),
    )


async def next_step(manager: DialogManager) -> None:
    await manager.next()


async def letter_writer(manager: DialogManager, purpose: CodePurpose, email: str) -> LetterWriter:
    """Writes the letter with the code and the deep link, in the resident's language."""
    i18n = ctx(manager).i18n
    me = await ctx(manager).bot.me()

    def write(issued: IssuedCode) -> Letter:
        link = f"https://t.me/{me.username}?start={issued.token}"
        return Letter(
            to=email,
            subject=i18n.get(f"mail-{purpose}-subject"),
            body=i18n.get(
                f"mail-{purpose}-body", code=issued.code, link=link, minutes=issued.lifetime_minutes
            ),
        )

    return write


async def say(manager: DialogManager, key: str, **args: Any) -> None:
    """A message of its own, above the next window: a result worth keeping in the chat."""
    await tell(manager, ctx(manager).i18n.get(key, **args))


async def tell(manager: DialogManager, text: str) -> None:
    """``say`` for a text put together from several."""
    context = ctx(manager)
    await context.bot.send_message(context.chat_id, text)
    manager.show_mode = ShowMode.SEND  # the window goes below the message, not above it


async def send_code(
    manager: DialogManager, purpose: CodePurpose, email: str, profile_id: int | None
) -> bool:
    """Sends a letter with a code and a deep link, and says what happened. True when the
    letter went."""
    context = ctx(manager)
    try:
        await codes.send_code(
            context.uow,
            context.mailer,
            context.clock,
            purpose=purpose,
            email=email,
            profile_id=profile_id,
            write=await letter_writer(manager, purpose, email),
        )
    except errors.ResendTooSoon as error:
        explain(manager, error)
        return False
    except MailNotSent:
        notify(manager, "identity-mail-failed")
        return False
    notify(manager, "identity-code-sent")
    return True
