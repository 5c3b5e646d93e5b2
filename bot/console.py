"""The demo chat: a person talks to the bot in the terminal, through the same dispatcher as
Telegram's updates, on the demo data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal

from aiogram.types import Message

from bot.local_yookassa import LocalYooKassa
from bot.transports.local import LocalChat, label, visible_text
from domain.ports import Letter

DEMO_PHONE = "+79138250075"
TEST_CARD = "1111 1111 1111 1026"

HELP = (
    "Demo chat. Type a message or a command (/start, /help, /faq, /language, /cancel).\n"
    "A number presses the inline button shown with it; a reply button's text sends it;\n"
    "/contact shares the demo phone number; /quit (or Ctrl-D) ends the demo.\n"
    f"Payments: /card NUMBER pays the latest invoice (test card {TEST_CARD});\n"
    "/yookassa pay or /yookassa cancel plays you on YooKassa's payment page."
)


class Console:
    def __init__(
        self,
        chat: LocalChat,
        write: Callable[[str], None] = print,
        yookassa: LocalYooKassa | None = None,
    ) -> None:
        self.chat = chat
        self.write = write
        self.yookassa = yookassa
        self._seen: dict[int, str | None] = {}

    def show_letter(self, letter: Letter) -> None:
        self.write(f"\n✉  E-mail to {letter.to}: {letter.subject}\n{letter.body}\n")

    def _render(self, message: Message) -> str:
        body = message.text or message.caption or ""
        text = visible_text(body, "HTML")
        if message.document:
            text = f"[document {message.document.file_name}] {text}".strip()
        if message.photo:
            text = f"[picture] {text}".strip()
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
            charge = self.yookassa.charge if self.yookassa else None
            refused = await self.chat.pay(self.chat.invoice(), line.removeprefix("/card "), charge)
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
        elif line in (label(button) for button in self.chat.reply_keyboard()):
            await self.chat.press_reply(line)
        elif line:
            await self.chat.send(line)
        self.show_new()
        return True

    async def run(self) -> None:
        self.write(HELP)
        await self.handle("/start")
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            if not await self.handle(line):
                break
