"""The demo chat: a person talks to the bot in the terminal, through the same dispatcher as
Telegram's updates, on the demo data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiogram.types import Message

from bot.local_yookassa import LocalYooKassa
from bot.transports.local import LocalChat, label, visible_text
from domain.ports import Letter

DEMO_PHONE = "+79138250075"
TEST_CARD = "1111 1111 1111 1026"

HELP = (
    "Demo chat. Type a message or a command (/start, /help, /faq, /language, /cancel).\n"
    "A number presses the inline button shown with it; a reply button's text sends it;\n"
    "/contact shares the demo phone number; /attach PATH sends a picture or a file;\n"
    "/quit (or Ctrl-D) ends the demo.\n"
    f"Payments: /card NUMBER pays the latest invoice (test card {TEST_CARD});\n"
    "/yookassa pay or /yookassa cancel plays you on YooKassa's payment page.\n"
    "Staff: /staff switches to the staff group (a message there replies to the bot's last),\n"
    "/resident back to your chat; /remind sends the reading reminders now."
)
PICTURES = {".png", ".jpg", ".jpeg", ".webp"}


class Console:
    def __init__(
        self,
        chat: LocalChat,
        write: Callable[[str], None] = print,
        yookassa: LocalYooKassa | None = None,
        files: Path | None = None,
        staff: LocalChat | None = None,
        remind: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        """``files``: where the documents and pictures the bot sends are saved; ``staff``: the
        staff group's chat; ``remind``: the reminder job."""
        self.chat = self.resident = chat
        self.write = write
        self.yookassa = yookassa
        self.files = files
        self.staff = staff
        self.remind = remind
        self._seen: dict[int, str | None] = {}

    def show_letter(self, letter: Letter) -> None:
        self.write(f"\n✉  E-mail to {letter.to}: {letter.subject}\n{letter.body}\n")

    def _saved(self, message: Message, name: str) -> str:
        """Where the file of the message was saved, for the visitor to open."""
        content = self.chat.session.files.get(message.message_id)
        if self.files is None or content is None:
            return name
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / f"{message.message_id}-{name}"
        path.write_bytes(content)
        return str(path)

    def _render(self, message: Message) -> str:
        body = message.text or message.caption or ""
        text = visible_text(body, "HTML")
        if message.document:
            where = self._saved(message, message.document.file_name or "document")
            text = f"[document {where}] {text}".strip()
        if message.photo:
            text = f"[picture {self._saved(message, 'picture.png')}] {text}".strip()
        if message.invoice:
            invoice = message.invoice
            total = Decimal(invoice.total_amount) / 100
            text = (
                f"[invoice] {invoice.title}: {total:.2f} {invoice.currency}. "
                f"Type /card {TEST_CARD} to pay it."
            )
        return text

    def show_new(self) -> None:
        """Prints what the bot sent or edited since the last call, then the buttons."""
        for message in self.chat.bot_messages():
            snapshot = message.text or message.caption
            if self._seen.get(message.message_id, "") == snapshot:
                continue
            edited = message.message_id in self._seen
            self._seen[message.message_id] = snapshot
            self.write(("(edited) " if edited else "") + "🤖 " + self._render(message))
        buttons = self.chat.inline_buttons()
        for number, (_, button) in enumerate(buttons, start=1):
            self.write(f"  [{number}] {button.text}" + (f" → {button.url}" if button.url else ""))
        keyboard = [label(button) for button in self.chat.reply_keyboard()]
        if keyboard:
            self.write("  keyboard: " + " | ".join(keyboard))

    async def handle(self, line: str) -> bool:
        """Acts on one line the person typed; False when the demo should end."""
        line = line.strip()
        if line in ("/quit", "/exit"):
            return False
        buttons = self.chat.inline_buttons()
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            message, button = buttons[int(line) - 1]
            await self.chat.press_data(message, button.callback_data or "")
        elif line == "/contact":
            await self.chat.share_contact(DEMO_PHONE)
        elif line.startswith("/card "):
            invoice = self.chat.latest_invoice()
            charge = self.yookassa.charge if self.yookassa else None
            refused = (
                await self.chat.pay(invoice, line.removeprefix("/card "), charge)
                if invoice is not None
                else "no invoice in this chat yet: send one from the payment form first"
            )
            if refused:
                self.write(f"💳 Telegram: {refused}")
        elif line in ("/yookassa pay", "/yookassa cancel") and self.yookassa:
            pending = self.yookassa.latest_pending()
            if pending is None:
                self.write("💳 YooKassa: no payment waits on its page")
            elif line.endswith("pay"):
                await self.yookassa.pay(pending)
            else:
                await self.yookassa.cancel(pending)
        elif line.startswith("/attach "):
            await self._attach(line.removeprefix("/attach ").strip())
        elif line in ("/staff", "/resident"):
            self._switch(self.staff if line == "/staff" else self.resident)
        elif line == "/remind" and self.remind:
            await self.remind()
        elif line in (label(button) for button in self.chat.reply_keyboard()):
            await self.chat.press_reply(line)
        elif line and self.chat is self.staff:
            # Staff answer by replying to the post or to the bot's prompt: its last message.
            await self.chat.send(line, reply_to=self.chat.last_bot_message())
        elif line:
            await self.chat.send(line)
        # What the line made happen outside the chat (a payment's result from YooKassa, the
        # reminders) is shown with the rest, not a second later.
        await self.chat.deliver_notifications()
        self.show_new()
        return True

    async def _attach(self, text: str) -> None:
        found = attachment(text)
        if found is None:
            self.write(f"📎 no file {text}")
        elif found[1]:
            await self.chat.send_photo(file_id=f"resident-{found[0]}")
        else:
            await self.chat.send_document(found[0])

    def _switch(self, chat: LocalChat | None) -> None:
        if chat is None:
            self.write("No staff group in this demo.")
            return
        self.chat = chat
        self.write("— the staff group —" if chat is self.staff else "— your chat with the bot —")

    async def run(self) -> None:
        self.write(HELP)
        await self.handle("/start")
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            # A terminal cuts a line longer than its buffer (4 KiB on Linux) at a byte, which
            # may split a letter; Python keeps the split bytes as surrogates. The letter is
            # lost either way: drop its pieces rather than send what no chat could.
            line = line.encode("utf-8", "surrogateescape").decode("utf-8", "ignore")
            if not await self.handle(line):
                break


def attachment(text: str) -> tuple[str, bool] | None:
    """The name of the file at the path typed, and whether it is a picture; None when there
    is no such file. (The local Telegram keeps no content of a resident's files, as the bot
    keeps only Telegram's file ids.)"""
    path = Path(text).expanduser()
    return (path.name, path.suffix.lower() in PICTURES) if path.is_file() else None
