"""Widgets shared by the dialogs."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import aiogram_dialog
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.api.entities import Context
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.kbd import Back, Button, Row, ScrollingGroup, Select
from aiogram_dialog.widgets.text import Format, Text
from aiogram_i18n import I18nContext

from dialogs.context import ctx
from domain.validation import is_id
from rendering.texts import joined, shorten, split_pages


class Dialog(aiogram_dialog.Dialog):
    """aiogram-dialog's dialog, where what none of the window's widgets takes is met as a
    resident expects. aiogram-dialog renders the window again (``Dialog._callback_handler``
    and ``_message_handler`` refresh a private chat after an event nothing processed, to make
    sure the dialog is visible); here:

    - a tap on the window on screen (the second tap of a double tap, when the first changed
      the window) leaves it as the first tap left it, the notice of what it did included;
    - a message where the window wants a button is answered with the window again and a hint
      to choose a button, not silently."""

    def _need_refresh(
        self, processed: bool, old_context: Context, dialog_manager: DialogManager
    ) -> bool:
        event = dialog_manager.event
        if not processed and isinstance(event, CallbackQuery):
            if (
                event.message is not None
                and event.message.message_id == dialog_manager.current_stack().last_message_id
            ):
                return False
        elif not processed and isinstance(event, Message) and dialog_manager.has_context():
            command = (event.text or "").startswith("/")
            notify(
                dialog_manager, "input-unknown-command-here" if command else "input-button-expected"
            )
        return super()._need_refresh(processed, old_context, dialog_manager)


class Tr(Text):
    """A text from ``locales/``, in the resident's language, filled from the window's data."""

    def __init__(self, key: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.key = key

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        return ctx(manager).i18n.get(self.key, **data)


BUTTON_LENGTH = 64  # characters a button shows before Telegram cuts it on a phone


def label(i18n: I18nContext, key: str, **args: Any) -> str:
    """A button's label from the locales, cut to what a button shows. Texts are HTML, with
    the values put into them escaped; a button shows plain text, as it is."""
    return shorten(html.unescape(i18n.get(key, **args)), BUTTON_LENGTH)


def own_id(widget: str, state: State) -> str:
    """An id for ``widget`` on the window of ``state`` alone. Back and Skip stand on window
    after window of a dialog: with one id on all, the second tap of a double tap, handled
    once the first has moved on, would go back or skip again on the next window; with the
    window's own, it finds no such button there and does nothing."""
    return f"{widget}_{str(state.state).split(':')[-1]}"


def back_from(state: State) -> Back:
    """Back from ``state``'s window to the dialog's window before it."""
    return Back(Tr("back"), id=own_id("back", state))


NOTICE = "notice"


def notify(manager: DialogManager, key: str, **args: Any) -> None:
    """Shows the text ``key`` above the dialog's window while it answers the current update
    (a window may be rendered more than once for it). Kept with the update, not the dialog's
    stored data: it needs no storage, and its values (dates, amounts) need no JSON. Telegram's
    own callback alerts would clash with aiogram-dialog answering every callback itself."""
    manager.middleware_data[NOTICE] = (manager.current_context().id, key, args)


class Notice(Text):
    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        notice = manager.middleware_data.get(NOTICE)
        if not notice or notice[0] != manager.current_context().id:
            return ""
        _, key, args = notice
        # A blank line sets the notice apart from the question it precedes.
        return ctx(manager).i18n.get(key, **{**data, **args}) + "\n"


def button_id(text: str) -> int:
    """A record's id as a button carries it; ValueError for anything the bot did not issue
    (not a number, or out of the ids' range)."""
    if not is_id(text):
        raise ValueError(text)
    return int(text)


def refuse_forged(manager: DialogManager) -> None:
    """Callback data the bot did not issue: a short notice, and the window as it was."""
    notify(manager, "input-unknown-button")


def choices(
    widget_id: str, items: str, on_click: Any, read_id: Callable[[str], Any] = button_id
) -> Select:
    """One button per ``(id, title)`` pair of the getter's ``items``. ``on_click`` gets the
    id read by ``read_id`` (a record's id by default); an id that does not read is refused
    here. Whoever receives it still checks it belongs to the resident."""

    async def on_chosen(callback: CallbackQuery, widget: Any, manager: DialogManager, item: str):
        try:
            chosen = read_id(item)
        except ValueError:
            refuse_forged(manager)
            return
        await on_click(callback, widget, manager, chosen)

    return Select(
        Format("{item[1]}"),
        id=widget_id,
        item_id_getter=lambda item: item[0],
        items=items,
        on_click=on_chosen,
    )


class Pages(ScrollingGroup):
    """A ScrollingGroup that refuses a forged page number instead of failing on it, and
    pages as the text lists do: earlier, "page of pages", later."""

    async def _render_pager(self, pages: int, manager: DialogManager) -> list:
        if pages == 0 or (pages == 1 and self.hide_on_single_page):
            return []
        i18n = ctx(manager).i18n
        current = min(pages - 1, await self.get_page(manager))
        row = [
            InlineKeyboardButton(
                text=i18n.get("page-of", page=current + 1, pages=pages),
                callback_data=self._item_callback_data(current),
            )
        ]
        if current > 0:
            row.insert(
                0,
                InlineKeyboardButton(
                    text=i18n.get("page-prev"), callback_data=self._item_callback_data(current - 1)
                ),
            )
        if current < pages - 1:
            row.append(
                InlineKeyboardButton(
                    text=i18n.get("page-next"), callback_data=self._item_callback_data(current + 1)
                )
            )
        return [row]

    async def _process_item_callback(
        self, callback: CallbackQuery, data: str, dialog: Any, manager: DialogManager
    ) -> bool:
        if not (data.isascii() and data.isdigit()) or int(data) > MAX_PAGE:
            refuse_forged(manager)
            return True
        return await super()._process_item_callback(callback, data, dialog, manager)


MAX_PAGE = 10_000


PAGE_KEY = "page"


def one_page(
    manager: DialogManager, items: Sequence[str], size: int, separator: str = "\n"
) -> dict[str, Any]:
    """One screen of a long list (``lines``), and where it stands, for ``pager()``; ``shown``
    are the indexes of the items on it, for the buttons that go with them. Items must each fit
    a page (cut long values before they are put into an item)."""
    pages = split_pages(items, size, separator)
    # Kept within the list as it is now (it may have shrunk, or a tap gone past its end), so
    # that the next turn starts from the page on screen.
    page = manager.dialog_data[PAGE_KEY] = min(manager.dialog_data.get(PAGE_KEY, 0), len(pages) - 1)
    first = sum(len(earlier) for earlier in pages[:page])
    return {
        "lines": joined(pages[page], separator) or "—",
        "shown": range(first, first + len(pages[page])),
        "page": page + 1,
        "pages": len(pages),
        "paged": len(pages) > 1,
        "earlier": page > 0,
        "later": page < len(pages) - 1,
    }


def pressed(button: Button) -> str:
    """The id of the button pressed (aiogram-dialog types it optional; ours all have one)."""
    assert button.widget_id is not None
    return button.widget_id


async def on_turn(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    step = 1 if button.widget_id == "next" else -1
    manager.dialog_data[PAGE_KEY] = max(0, manager.dialog_data.get(PAGE_KEY, 0) + step)


def pager() -> Row:
    """Earlier / later, each shown where there is a page that way."""
    return Row(
        Button(Tr("page-prev"), id="prev", on_click=on_turn, when="earlier"),
        Button(Tr("page-next"), id="next", on_click=on_turn, when="later"),
    )
