"""The demo chat in the terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiogram.types import BufferedInputFile

from bot.console import Console
from domain.ports import Letter
from tests.data import import_faq


async def test_the_console_numbers_buttons_and_presses_them(chat, bot_database):
    await import_faq(bot_database)
    lines: list[str] = []
    console = Console(chat, lines.append)

    await console.handle("/start")
    assert any(line.startswith("🤖 Здравствуйте!") for line in lines)
    assert "  [3] ❓ Вопросы и ответы" in lines

    lines.clear()
    await console.handle("3")
    assert any("Вопросы и ответы" in line for line in lines)
    assert any("4. Какова методика расчёта пени?" in line for line in lines)
    assert "  [4] 4" in lines

    lines.clear()
    await console.handle("4")
    assert any("1/300 ключевой ставки" in line for line in lines)
    assert not await console.handle("/quit")


async def test_the_console_shows_reply_keyboards_and_shares_the_demo_contact(chat):
    lines: list[str] = []
    console = Console(chat, lines.append)
    await console.handle("/start")
    await console.handle("1")  # Регистрация
    assert "  keyboard: 📱 Поделиться номером | Пропустить ⏭ | ✖️ Отмена" in lines

    await console.handle("/contact")
    contacts = [m for m in chat.session.messages[chat.chat.id].values() if m.contact]
    assert contacts and contacts[0].contact.user_id == chat.user.id
    assert any(line.startswith("🤖 Введите e-mail") for line in lines)

    lines.clear()
    await console.handle("/cancel")
    await console.handle("/start")
    await console.handle("1")
    await console.handle("Пропустить ⏭")  # a reply button's label presses it
    assert any(line.startswith("🤖 Введите e-mail") for line in lines)


def test_the_console_shows_letters():
    lines: list[str] = []
    Console(chat=None, write=lines.append).show_letter(
        Letter(to="a@example.org", subject="Код", body="123456")
    )
    assert lines == ["\n✉  E-mail to a@example.org: Код\n123456\n"]


async def test_documents_and_pictures_the_bot_sends_are_saved_for_the_visitor(chat, tmp_path):
    lines: list[str] = []
    console = Console(chat, lines.append, files=tmp_path / "files")
    await chat.bot.send_document(chat.chat.id, BufferedInputFile(b"%PDF-1.7", "receipt.pdf"))
    console.show_new()
    [line] = lines
    path = line.removeprefix("🤖 [document ").removesuffix("]")
    assert path.endswith("-receipt.pdf")
    assert await asyncio.to_thread(Path(path).read_bytes) == b"%PDF-1.7"
