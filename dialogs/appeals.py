"""Appeals (guide section 11) and "Ask a question" (section 12): writing one, and the list
of an account's appeals with their answers."""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo

from dialogs import period
from dialogs.accounts import profile_of, short
from dialogs.inputs import question, say
from dialogs.states import AppealsSG
from dialogs.widgets import Notice, Tr, choices, notify, one_page, pager
from domain import appeals
from domain.accounts import AccountNotFound
from domain.model import AppealKind
from domain.residents import linked_accounts

APPEALS_PER_PAGE = 5  # appeals on one screen: each may carry a long text and an answer


def _start(manager: DialogManager, key: str, default: Any = None) -> Any:
    data = manager.start_data if isinstance(manager.start_data, dict) else {}
    return manager.dialog_data.get(key, data.get(key, default))


async def get_list(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    found = await appeals.appeals_of(
        data["uow"],
        await profile_of(dialog_manager),
        _start(dialog_manager, "account_id"),
        period.chosen(dialog_manager),
        data["settings"].zone,
    )
    zone = data["settings"].zone
    i18n = data["i18n"]
    items = [
        i18n.get(
            "appeals-item",
            number=a.id,
            kind=a.kind.value,
            date=a.created_at.astimezone(zone).date(),
            text=a.text,
            status=a.status.value,
            answer=a.answer or "",
            answered=a.answered_at.astimezone(zone).date() if a.answered_at else "",
        )
        for a in found
    ]
    return {
        "none": "yes" if not items else "no",
        **period.shown(dialog_manager),
        **one_page(dialog_manager, items, APPEALS_PER_PAGE, "\n\n"),
    }


async def on_new(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.update(kind=AppealKind.APPEAL.value, attachments=[])
    await manager.switch_to(AppealsSG.supplier)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """Started on an account's list, or (a question from the FAQ) straight to writing."""
    manager.dialog_data.setdefault("attachments", [])
    if manager.current_context().state == AppealsSG.account:
        accounts = await linked_accounts(manager.middleware_data["uow"], await profile_of(manager))
        if len(accounts) == 1:
            manager.dialog_data["account_id"] = accounts[0].id
            await manager.switch_to(AppealsSG.supplier)


async def get_accounts(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    found = await linked_accounts(
        dialog_manager.middleware_data["uow"], await profile_of(dialog_manager)
    )
    return {
        "accounts": [(a.id, short(a.address)) for a in found],
        "none": "yes" if not found else "no",
    }


async def on_account(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        await appeals.suppliers_of(
            manager.middleware_data["uow"], await profile_of(manager), int(item_id)
        )
    except (ValueError, AccountNotFound):
        notify(manager, "accounts-not-found")
        return
    manager.dialog_data["account_id"] = int(item_id)
    await manager.switch_to(AppealsSG.supplier)


async def get_suppliers(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    found = await appeals.suppliers_of(
        dialog_manager.middleware_data["uow"],
        await profile_of(dialog_manager),
        _start(dialog_manager, "account_id"),
    )
    return {
        "suppliers": [(s.id, short(s.name)) for s in found],
        "kind": _start(dialog_manager, "kind", AppealKind.APPEAL.value),
    }


async def on_supplier(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    found = await appeals.suppliers_of(
        manager.middleware_data["uow"], await profile_of(manager), _start(manager, "account_id")
    )
    if not item_id.isdigit() or int(item_id) not in {s.id for s in found}:
        notify(manager, "appeals-supplier-not-found")
        return
    manager.dialog_data["supplier_id"] = int(item_id)
    await manager.switch_to(AppealsSG.text)


async def on_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["text"] = appeals.check_text(message.text or "")
    except appeals.AppealTextInvalid as error:
        notify(manager, "appeals-text-invalid", limit=error.limit, length=len(message.text or ""))
        return
    await manager.switch_to(AppealsSG.attachments)


async def on_attachment(message: Message, _widget: Any, manager: DialogManager) -> None:
    files = manager.dialog_data.setdefault("attachments", [])
    if len(files) >= appeals.ATTACHMENT_LIMIT:
        notify(manager, "appeals-attachments-full", limit=appeals.ATTACHMENT_LIMIT)
        return
    if message.photo:
        files.append(f"photo:{message.photo[-1].file_id}")
    elif message.document:
        files.append(f"document:{message.document.file_id}")
    notify(manager, "appeals-attachment-added", count=len(files))


async def get_attachments(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "count": len(dialog_manager.dialog_data.get("attachments", [])),
        "kind": _start(dialog_manager, "kind", AppealKind.APPEAL.value),
    }


async def on_send(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    chosen = manager.dialog_data
    appeal = await appeals.submit(
        data["uow"],
        data["clock"],
        await profile_of(manager),
        _start(manager, "account_id"),
        chosen["supplier_id"],
        AppealKind(_start(manager, "kind", AppealKind.APPEAL.value)),
        chosen["text"],
        chosen.get("attachments", []),
    )
    await say(
        manager,
        "appeals-registered",
        number=appeal.id,
        kind=appeal.kind.value,
        date=appeal.created_at.astimezone(data["settings"].zone).date(),
    )
    await data["staff_desk"].post(data["bot"], data["uow"], appeal)
    manager.dialog_data.update(text=None, attachments=[], page=0)
    if _start(manager, "kind") == AppealKind.QUESTION:
        await manager.done(show_mode=ShowMode.SEND)  # back to the questions and answers
    else:
        await manager.switch_to(AppealsSG.list, show_mode=ShowMode.SEND)


async def on_not_attachment(_message: Message, _widget: Any, manager: DialogManager) -> None:
    notify(manager, "appeals-attachments-expected")


def dialog() -> Dialog:
    return Dialog(
        Window(
            Notice(),
            Tr("appeals-list"),
            Button(Tr("appeals-new"), id="new", on_click=on_new),
            period.change_button(),
            pager(),
            Cancel(Tr("back")),
            state=AppealsSG.list,
            getter=get_list,
        ),
        Window(
            Notice(),
            Tr("appeals-choose-account"),
            Column(choices("account", "accounts", on_account)),
            Cancel(Tr("back")),
            state=AppealsSG.account,
            getter=get_accounts,
        ),
        Window(
            Notice(),
            Tr("appeals-choose-supplier"),
            Column(choices("supplier", "suppliers", on_supplier)),
            Cancel(Tr("cancel")),
            state=AppealsSG.supplier,
            getter=get_suppliers,
        ),
        question(
            AppealsSG.text,
            Tr("appeals-ask-text"),
            on_text=on_text,
            back=False,
            keyboard=(SwitchTo(Tr("back"), id="to_supplier", state=AppealsSG.supplier),),
            getter=get_suppliers,
        ),
        Window(
            Notice(),
            Tr("appeals-ask-attachments"),
            MessageInput(on_attachment, content_types=[ContentType.PHOTO, ContentType.DOCUMENT]),
            MessageInput(on_not_attachment),
            Button(Tr("appeals-send"), id="send", on_click=on_send),
            Row(SwitchTo(Tr("back"), id="to_text", state=AppealsSG.text), Cancel(Tr("cancel"))),
            state=AppealsSG.attachments,
            getter=get_attachments,
        ),
        on_start=on_start,
        on_process_result=period.on_result,
    )
