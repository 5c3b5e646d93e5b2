"""Telegram in-process: a Bot API session that keeps the chats in memory and refuses what
Telegram refuses, and a driver that talks to the Dispatcher as a person in a private chat
would. The demo chat and the tests both run on it."""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import time
import unicodedata
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerPreCheckoutQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendChatAction,
    SendDocument,
    SendInvoice,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetMyDescription,
    SetMyShortDescription,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    Contact,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Invoice,
    Message,
    MessageEntity,
    PhotoSize,
    PreCheckoutQuery,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    SuccessfulPayment,
    Update,
    User,
)

from rendering.texts import utf16_length

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
# The tags Telegram's HTML parse mode knows.
HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
    "tg-emoji",
}

BOT_USER = User(
    id=7000000001, is_bot=True, first_name="Томскэнергосбыт", username="tes_cabinet_bot"
)


class _TelegramHtml(HTMLParser):
    """Checks text as Telegram parses HTML: known tags, properly closed; returns the plain
    text whose length Telegram limits."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.plain: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in HTML_TAGS:
            self.problem = f'unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problem = f'unexpected end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.problem = 'unsupported start tag: an unescaped "<"'
        self.plain.append(data)

    def handle_entityref(self, name: str) -> None:
        self.plain.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.plain.append(html.unescape(f"&#{name};"))


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text as the reader sees it, or :class:`ValueError` where Telegram cannot parse it."""
    if parse_mode is None:
        return text
    if parse_mode.upper() != "HTML":
        raise ValueError(f"the local session speaks HTML only, not {parse_mode}")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.problem or parser.open:
        raise ValueError(parser.problem or f'tag "{parser.open[-1]}" is not closed')
    return "".join(parser.plain)


@dataclass
class LocalSession(BaseSession):
    """Answers Bot API calls from memory. Every call is kept in ``calls``."""

    calls: list[TelegramMethod[Any]] = field(default_factory=list)
    messages: dict[int, dict[int, Message]] = field(default_factory=dict)
    # The reply keyboard a chat shows and the message that brought it: Telegram clients drop
    # the keyboard when that message is deleted.
    reply_keyboards: dict[int, tuple[int, ReplyKeyboardMarkup] | None] = field(default_factory=dict)
    answered_callbacks: dict[str, AnswerCallbackQuery] = field(default_factory=dict)
    # The bytes of documents and photos sent, by message id.
    files: dict[int, bytes] = field(default_factory=dict)
    # Invoices sent, by message id, and the bot's answers to pre-checkout queries, by id.
    invoices: dict[int, SendInvoice] = field(default_factory=dict)
    checkouts: dict[str, AnswerPreCheckoutQuery] = field(default_factory=dict)
    fail: Callable[[TelegramMethod[Any]], Exception | None] = lambda _method: None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        super().__init__()

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    def next_message_id(self) -> int:
        return next(self._ids)

    def remember(self, message: Message) -> None:
        self.messages.setdefault(message.chat.id, {})[message.message_id] = message

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        self.calls.append(method)
        error = self.fail(method)
        if error is not None:
            raise error
        handler = getattr(self, f"_{type(method).__name__}", None)
        if handler is None:
            raise NotImplementedError(f"the local session does not answer {type(method).__name__}")
        return handler(bot, method)

    # Each method below answers as Telegram does, and refuses what Telegram refuses.

    def _refuse(self, method: TelegramMethod[Any], reason: str) -> TelegramBadRequest:
        return TelegramBadRequest(method=method, message=f"Bad Request: {reason}")

    def _check_text(
        self, bot: Bot, method: Any, text: str | None, limit: int, *, required: bool = True
    ) -> None:
        if text is None or text == "":
            if required:
                raise self._refuse(method, "message text is empty")
            return
        parse_mode = method.parse_mode
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        try:
            plain = visible_text(text, parse_mode)
        except ValueError as error:
            raise self._refuse(method, f"can't parse entities: {error}") from None
        if not plain.strip() and required:
            raise self._refuse(method, "message text is empty")
        if utf16_length(plain) > limit:
            raise self._refuse(method, "message is too long")

    def _check_markup(self, method: TelegramMethod[Any], markup: Any) -> None:
        if not isinstance(markup, InlineKeyboardMarkup):
            return
        for button in itertools.chain.from_iterable(markup.inline_keyboard):
            if not button.text:
                raise self._refuse(method, "text buttons are unallowed in the inline keyboard")
            data = button.callback_data
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise self._refuse(method, "BUTTON_DATA_INVALID")

    def _message(self, chat_id: int, method: TelegramMethod[Any], **content: Any) -> Message:
        markup = getattr(method, "reply_markup", None)
        self._check_markup(method, markup)
        message_id = self.next_message_id()
        if isinstance(markup, ReplyKeyboardMarkup):
            self.reply_keyboards[chat_id] = (message_id, markup)
        elif isinstance(markup, ReplyKeyboardRemove):
            self.reply_keyboards[chat_id] = None
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type="private"),
            from_user=BOT_USER,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            **content,
        )
        self.remember(message)
        return message

    def _existing(self, method: Any) -> Message:
        message = self.messages.get(method.chat_id, {}).get(method.message_id)
        if message is None:
            raise self._refuse(method, "message to edit not found")
        return message

    def _GetMe(self, bot: Bot, method: GetMe) -> User:
        return BOT_USER

    def _SetMyCommands(self, bot: Bot, method: SetMyCommands) -> bool:
        return True

    def _SetMyDescription(self, bot: Bot, method: SetMyDescription) -> bool:
        if len(method.description or "") > MAX_DESCRIPTION:
            raise self._refuse(method, "description is too long")
        return True

    def _SetMyShortDescription(self, bot: Bot, method: SetMyShortDescription) -> bool:
        if len(method.short_description or "") > MAX_SHORT_DESCRIPTION:
            raise self._refuse(method, "short description is too long")
        return True

    def _SendChatAction(self, bot: Bot, method: SendChatAction) -> bool:
        if method.action not in set(ChatAction):
            raise self._refuse(method, "wrong parameter action in request")
        return True

    def _SendMessage(self, bot: Bot, method: SendMessage) -> Message:
        self._check_text(bot, method, method.text, MAX_TEXT)
        return self._message(int(method.chat_id), method, text=method.text)

    def _SendDocument(self, bot: Bot, method: SendDocument) -> Message:
        self._check_text(bot, method, method.caption, MAX_CAPTION, required=False)
        name = getattr(method.document, "filename", None) or "document"
        document = Document(file_id=f"doc-{name}", file_unique_id=name, file_name=name)
        message = self._message(
            int(method.chat_id), method, document=document, caption=method.caption
        )
        self._keep(message, method.document)
        return message

    def _SendPhoto(self, bot: Bot, method: SendPhoto) -> Message:
        self._check_text(bot, method, method.caption, MAX_CAPTION, required=False)
        # A photo sent again by its file id keeps it, as Telegram's does.
        file_id = method.photo if isinstance(method.photo, str) else "photo"
        photo = [PhotoSize(file_id=file_id, file_unique_id=file_id, width=800, height=600)]
        message = self._message(int(method.chat_id), method, photo=photo, caption=method.caption)
        self._keep(message, method.photo)
        return message

    def _keep(self, message: Message, file: Any) -> None:
        if isinstance(file, BufferedInputFile):
            self.files[message.message_id] = file.data

    def _EditMessageText(self, bot: Bot, method: EditMessageText) -> Message:
        message = self._existing(method)
        self._check_text(bot, method, method.text, MAX_TEXT)
        self._check_markup(method, method.reply_markup)
        if message.text == method.text and message.reply_markup == method.reply_markup:
            raise self._refuse(
                method,
                "message is not modified: specified new message content "
                "and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        edited = message.model_copy(
            update={
                "text": method.text,
                "reply_markup": method.reply_markup,
                "edit_date": int(datetime.now(UTC).timestamp()),
            }
        )
        self.remember(edited)
        return edited

    def _EditMessageReplyMarkup(self, bot: Bot, method: EditMessageReplyMarkup) -> Message:
        message = self._existing(method)
        self._check_markup(method, method.reply_markup)
        if message.reply_markup == method.reply_markup:
            raise self._refuse(method, "message is not modified")
        edited = message.model_copy(update={"reply_markup": method.reply_markup})
        self.remember(edited)
        return edited

    def _DeleteMessage(self, bot: Bot, method: DeleteMessage) -> bool:
        chat_id = int(method.chat_id)
        if self.messages.get(chat_id, {}).pop(method.message_id, None) is None:
            raise self._refuse(method, "message to delete not found")
        keyboard = self.reply_keyboards.get(chat_id)
        if keyboard is not None and keyboard[0] == method.message_id:
            self.reply_keyboards[chat_id] = None
        return True

    def _SendInvoice(self, bot: Bot, method: SendInvoice) -> Message:
        payload = method.payload.encode()
        problem = None
        if not 1 <= len(method.title) <= 32:
            problem = "INVOICE_TITLE_INVALID" if method.title else "INVOICE_TITLE_EMPTY"
        elif not 1 <= len(method.description) <= 255:
            problem = "INVOICE_DESCRIPTION_EMPTY"
        elif not 1 <= len(payload) <= 128:
            problem = "INVOICE_PAYLOAD_INVALID"
        elif not method.provider_token:
            problem = "PAYMENT_PROVIDER_INVALID"
        elif not method.prices or any(price.amount <= 0 for price in method.prices):
            problem = "CURRENCY_TOTAL_AMOUNT_INVALID"
        elif method.provider_data is not None:
            try:
                json.loads(method.provider_data)
            except ValueError:
                problem = "DATA_JSON_INVALID"
        if problem:
            raise self._refuse(method, problem)
        invoice = Invoice(
            title=method.title,
            description=method.description,
            start_parameter=method.start_parameter or "",
            currency=method.currency,
            total_amount=sum(price.amount for price in method.prices),
        )
        message = self._message(int(method.chat_id), method, invoice=invoice)
        self.invoices[message.message_id] = method
        return message

    def _AnswerPreCheckoutQuery(self, bot: Bot, method: AnswerPreCheckoutQuery) -> bool:
        if method.pre_checkout_query_id in self.checkouts:
            raise self._refuse(method, "QUERY_ID_INVALID")
        if not method.ok and not method.error_message:
            raise self._refuse(method, "error_message is required")
        self.checkouts[method.pre_checkout_query_id] = method
        return True

    def _AnswerCallbackQuery(self, bot: Bot, method: AnswerCallbackQuery) -> bool:
        if method.callback_query_id in self.answered_callbacks:
            raise self._refuse(
                method, "query is too old and response timeout expired or query ID is invalid"
            )
        if method.text is not None and utf16_length(method.text) > 200:
            raise self._refuse(method, "MESSAGE_TOO_LONG")
        self.answered_callbacks[method.callback_query_id] = method
        return True


class ButtonNotFound(LookupError):
    pass


class LocalChat:
    """A private chat between one person and the bot, driven update by update."""

    # Update ids as Telegram's: rising, and not used again by a later run on the same
    # database (the bot takes each update id once).
    _update_ids = itertools.count(time.time_ns() // 1000)

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        session: LocalSession,
        *,
        user_id: int = 100001,
        first_name: str = "Светлана",
        last_name: str | None = "Малашта",
        language_code: str | None = "ru",
        group: Chat | None = None,
    ) -> None:
        """A private chat with the bot, or the person's messages in ``group``."""
        self.dispatcher = dispatcher
        self.bot = bot
        self.session = session
        self.user = User(
            id=user_id,
            is_bot=False,
            first_name=first_name,
            last_name=last_name,
            language_code=language_code,
        )
        self.chat = group or Chat(id=user_id, type="private", first_name=first_name)

    async def feed(self, **event: Any) -> None:
        self.last_update = Update(update_id=next(self._update_ids), **event)
        await self.dispatcher.feed_update(self.bot, self.last_update)
        await self.deliver_notifications()

    async def deliver_notifications(self) -> None:
        """Sends what the update queued, as the running bot's sender would within a second."""
        sender = self.dispatcher.workflow_data.get("notification_sender")
        if sender is not None:
            await sender.send_due()

    async def redeliver(self) -> None:
        """Delivers the last update again, as Telegram does after a webhook answered late or
        the bot restarted."""
        await self.dispatcher.feed_update(self.bot, self.last_update)

    def _incoming(self, **content: Any) -> Message:
        message = Message(
            message_id=self.session.next_message_id(),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            **content,
        )
        self.session.remember(message)
        return message

    async def send(self, text: str, *, reply_to: Message | None = None) -> Message:
        """Types a message (a command is a message that starts with a slash), as a reply to
        ``reply_to`` if given."""
        message = self._incoming(
            text=text, entities=_command_entities(text), reply_to_message=reply_to
        )
        await self.feed(message=message)
        return message

    async def share_contact(self, phone: str, *, user_id: int | None = None) -> Message:
        """Shares a contact: one's own by default, someone else's with another ``user_id``."""
        contact = Contact(
            phone_number=phone,
            first_name=self.user.first_name,
            user_id=self.user.id if user_id is None else user_id,
        )
        message = self._incoming(contact=contact)
        await self.feed(message=message)
        return message

    async def send_photo(
        self, caption: str | None = None, file_id: str = "resident-photo"
    ) -> Message:
        photo = [PhotoSize(file_id=file_id, file_unique_id=file_id, width=1280, height=960)]
        message = self._incoming(photo=photo, caption=caption)
        await self.feed(message=message)
        return message

    async def send_document(self, name: str, caption: str | None = None) -> Message:
        document = Document(file_id=f"resident-{name}", file_unique_id=name, file_name=name)
        message = self._incoming(document=document, caption=caption)
        await self.feed(message=message)
        return message

    def last_bot_message(self) -> Message | None:
        messages = self.bot_messages()
        return messages[-1] if messages else None

    def invoice(self) -> Message:
        """The latest invoice the bot sent in this chat."""
        latest = self.latest_invoice()
        assert latest is not None, "the bot has sent no invoice in this chat"
        return latest

    def latest_invoice(self) -> Message | None:
        return next((m for m in reversed(self.bot_messages()) if m.invoice is not None), None)

    async def pay(self, invoice: Message, card: str, charge: Charge | None = None) -> str | None:
        """Pays an invoice as Telegram does: the card is checked, the bot is asked (the
        pre-checkout query) and, when it agrees, the provider charges the card (``charge``
        gives its payment id) and the bot is told (a message with the successful payment).
        The error the resident sees, or None when it was paid."""
        sent = self.session.invoices[invoice.message_id]
        if not luhn_valid(card):
            return "card number is invalid"
        total = sum(price.amount for price in sent.prices)
        query_id = f"pc{next(self._update_ids)}"
        await self.feed(
            pre_checkout_query=PreCheckoutQuery(
                id=query_id,
                from_user=self.user,
                currency=sent.currency,
                total_amount=total,
                invoice_payload=sent.payload,
            )
        )
        answer = self.session.checkouts.get(query_id)
        if answer is None:
            return "the bot did not answer"
        if not answer.ok:
            return answer.error_message
        provider_id = await charge(sent, total) if charge else str(uuid.uuid4())
        await self.succeed(sent, total, provider_id)
        return None

    async def succeed(self, sent: SendInvoice, total: int, provider_id: str) -> None:
        """Telegram's message that the invoice was paid (sent again, it is a duplicate)."""
        paid = SuccessfulPayment(
            currency=sent.currency,
            total_amount=total,
            invoice_payload=sent.payload,
            telegram_payment_charge_id=f"tg-{provider_id}",
            provider_payment_charge_id=provider_id,
        )
        await self.feed(message=self._incoming(successful_payment=paid))

    def bot_messages(self) -> list[Message]:
        return list(reversed(list(self._from_bot_newest_first())))

    def _from_bot_newest_first(self) -> Iterator[Message]:
        """Read from the end, as far as asked: the latest message costs the same in a chat of
        ten messages as in one of thousands. Messages are kept in the order of their ids (an
        edit keeps its place)."""
        chat = self.session.messages.get(self.chat.id, {})
        for message in reversed(chat.values()):
            if message.from_user is not None and message.from_user.id == BOT_USER.id:
                yield message

    @property
    def last(self) -> Message:
        message = next(self._from_bot_newest_first(), None)
        if message is None:
            raise AssertionError("the bot has sent nothing in this chat")
        return message

    def inline_buttons(self) -> list[tuple[Message, InlineKeyboardButton]]:
        """The buttons of the latest message that has any."""
        for message in self._from_bot_newest_first():
            if message.reply_markup and message.reply_markup.inline_keyboard:
                return [
                    (message, button)
                    for row in message.reply_markup.inline_keyboard
                    for button in row
                ]
        return []

    def reply_keyboard(self) -> list[str]:
        shown = self.session.reply_keyboards.get(self.chat.id)
        return [b.text for row in shown[1].keyboard for b in row] if shown else []

    async def press_reply(self, text: str) -> Message:
        """Presses the reply-keyboard button labelled ``text``: Telegram sends the button's
        whole text (aiogram-dialog hides its own marks in it) as a message."""
        matches = [b for b in self.reply_keyboard() if label(b) == label(text)]
        if len(matches) != 1:
            raise ButtonNotFound(
                f"no reply button {text!r}; there are {[label(b) for b in self.reply_keyboard()]}"
            )
        return await self.send(matches[0])

    async def press(self, text: str) -> None:
        """Presses the inline button whose visible text is ``text`` (or the only one that
        contains it)."""
        message, button = self._button(text)
        await self.press_data(message, button.callback_data or "")

    async def press_at_once(self, text: str, times: int = 2) -> None:
        """A fast double (or triple) tap: the button's updates arrive together, and the
        dispatcher handles them at the same time, as aiogram does."""
        message, button = self._button(text)
        await asyncio.gather(
            *(self.press_data(message, button.callback_data or "") for _ in range(times))
        )

    def _button(self, text: str) -> tuple[Message, InlineKeyboardButton]:
        buttons = self.inline_buttons()
        matches = [(m, b) for m, b in buttons if b.text == text] or [
            (m, b) for m, b in buttons if text in b.text
        ]
        if len(matches) != 1:
            raise ButtonNotFound(
                f"{len(matches)} buttons match {text!r}; there are {[b.text for _, b in buttons]}"
            )
        return matches[0]

    async def press_data(self, message: Message, data: str) -> str:
        """Presses a button with any callback data, as a forged button would. Returns the
        callback query id, to read the bot's answer from the session."""
        query_id = f"cq{next(self._update_ids)}"
        await self.feed(
            callback_query=CallbackQuery(
                id=query_id,
                from_user=self.user,
                chat_instance=str(self.chat.id),
                message=message,
                data=data,
            )
        )
        return query_id

    def callback_answer(self, query_id: str) -> AnswerCallbackQuery | None:
        return self.session.answered_callbacks.get(query_id)


# The provider charging a card for an invoice: its payment id.
Charge = Callable[[SendInvoice, int], Awaitable[str]]


def luhn_valid(card: str) -> bool:
    if any(c not in "0123456789 " for c in card):
        return False
    digits = [int(c) for c in card if c != " "]
    if len(digits) < 12:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def label(text: str) -> str:
    """A button's text as a person reads it, without invisible format characters."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _command_entities(text: str) -> list[MessageEntity] | None:
    if not text.startswith("/"):
        return None
    command = text.split()[0]
    return [MessageEntity(type="bot_command", offset=0, length=len(command))]
