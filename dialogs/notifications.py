"""The notifications a resident gets: each kind on or off with one press."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Cancel

from dialogs.context import ctx
from dialogs.states import NotificationsSG
from dialogs.widgets import Dialog, Notice, Tr, choices, refuse_forged
from domain import notifications
from domain.errors import UnknownNotificationKind


async def get_kinds(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    context = ctx(dialog_manager)
    muted = await notifications.muted_kinds(context.uow, context.profile)
    i18n = context.i18n
    return {
        "kinds": [
            (
                kind.value,
                i18n.get(
                    "notifications-kind", kind=kind.value, on="no" if kind in muted else "yes"
                ),
            )
            for kind in notifications.RESIDENT_KINDS
        ]
    }


async def on_toggle(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, kind: str
) -> None:
    context = ctx(manager)
    try:
        await notifications.toggle(context.uow, context.profile, kind)
    except UnknownNotificationKind:
        refuse_forged(manager)


kinds_window = Window(
    Notice(),
    Tr("notifications-settings"),
    choices("kind", "kinds", on_toggle, read_id=str),
    Cancel(Tr("back")),
    state=NotificationsSG.kinds,
    getter=get_kinds,
    preview_data={"kinds": [("reading-window", "✅ Напоминание о показаниях")]},
)


def dialog() -> Dialog:
    return Dialog(kinds_window)
