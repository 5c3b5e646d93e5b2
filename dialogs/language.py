"""The resident's language: Russian or English, kept across sessions."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Row

from dialogs.context import ctx
from dialogs.states import LanguageSG
from dialogs.widgets import Dialog, Notice, Tr, pressed


async def on_language_chosen(callback: CallbackQuery, button: Button, manager: DialogManager):
    await ctx(manager).i18n.set_locale(pressed(button))
    await manager.done()


choose_window = Window(
    Notice(),
    Tr("language-choose"),
    Row(
        Button(Tr("language-ru"), id="ru", on_click=on_language_chosen),
        Button(Tr("language-en"), id="en", on_click=on_language_chosen),
    ),
    Cancel(Tr("back")),
    state=LanguageSG.choose,
)


def dialog() -> Dialog:
    return Dialog(choose_window)


async def start_language(_event: Any, _widget: Any, manager: DialogManager) -> None:
    await manager.start(LanguageSG.choose)
