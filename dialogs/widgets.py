"""Widgets shared by the dialogs."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.text import Text


class Tr(Text):
    """A text from ``locales/``, in the resident's language, filled from the window's data."""

    def __init__(self, key: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.key = key

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        return manager.middleware_data["i18n"].get(self.key, **data)


NOTICE = "notice"


def notify(manager: DialogManager, key: str, **args: str | int) -> None:
    """Shows the text ``key`` once, above the window, on its next render. Telegram's own
    callback alerts would clash with aiogram-dialog answering every callback itself."""
    manager.dialog_data[NOTICE] = [key, args]


class Notice(Text):
    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        notice = manager.dialog_data.pop(NOTICE, None)
        if not notice:
            return ""
        key, args = notice
        return manager.middleware_data["i18n"].get(key, **data, **args)
