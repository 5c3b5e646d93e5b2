"""Steps many conversation tests share: what the buttons say, and opening an account's card
as a resident who has it linked."""

from __future__ import annotations

from bot.transports.local import LocalChat
from storage.database import Database
from tests.data import bind_resident


def buttons(chat: LocalChat) -> list[str]:
    """The labels of the latest inline keyboard."""
    return [button.text for _, button in chat.inline_buttons()]


async def open_account(chat: LocalChat, database: Database, number: str, section: str) -> None:
    """Binds the chat's user to a profile with the account ``number`` linked, opens its card
    and presses ``section`` there."""
    await bind_resident(database, chat.user.id, link=(number,))
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press(section)
