"""Appeals (guide section 11) and "Ask a question" (section 12): writing one, and the list
of an account's appeals with their answers."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, Start, SwitchTo
from aiogram_i18n import I18nContext

from dialogs import period
from dialogs.context import chosen_account, ctx, started_with
from dialogs.inputs import question, say
from dialogs.states import AppealsSG, LinkSG
from dialogs.widgets import (
    Dialog,
    Notice,
    Tr,
    choices,
    label,
    notify,
    one_page,
    pager,
    refuse_forged,
)
from domain import appeals
from domain.errors import (
    AccountNotFound,
    AppealNotFound,
    AppealTextInvalid,
    AttachmentsFull,
    SupplierNotFound,
)
from domain.model import AppealKind, Attachment, AttachmentKind, Profile, Utility
from domain.ports import Clock, UnitOfWork
from domain.residents import linked_accounts
from rendering.texts import short_address, shorten, utf16_length

APPEALS_PER_PAGE = 5  # appeals on one screen, if their texts leave room
WHOLE_BUTTONS = 10  # "read the whole text" buttons under the list, newest first
LIST_TEXT = 1000  # UTF-16 units of an appeal's text, and of its answer, in the list


def _kind(manager: DialogManager) -> AppealKind:
    return AppealKind(started_with(manager, "kind", AppealKind.APPEAL.value))


async def get_list(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    i18n: I18nContext,
    **_: Any,
) -> dict[str, Any]:
    found = await appeals.appeals_of(
        uow, profile, chosen_account(dialog_manager), period.chosen(dialog_manager), clock
    )
    cut = [
        a
        for a in found
        if utf16_length(a.text) > LIST_TEXT or utf16_length(a.answer or "") > LIST_TEXT
    ]
    items = [
        i18n.get(
            "appeals-item",
            number=a.id,
            kind=a.kind.value,
            date=clock.local(a.created_at).date(),
            text=shorten(a.text, LIST_TEXT),
            status=a.status.value,
            reason=a.closed_for,
            answer=shorten(a.answer or "", LIST_TEXT),
            answered=clock.local(a.answered_at).date() if a.answered_at else "",
        )
        for a in found
    ]
    return {
        "none": "yes" if not items else "no",
        # The texts the list had to cut can be read whole, each in a message of its own.
        "whole": [
            (a.id, label(i18n, "appeals-read-whole", number=a.id)) for a in cut[:WHOLE_BUTTONS]
        ],
        **period.shown(dialog_manager),
        **one_page(dialog_manager, items, APPEALS_PER_PAGE, "\n\n"),
    }


async def on_read_whole(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, appeal_id: int
) -> None:
    context = ctx(manager)
    try:
        appeal = await appeals.appeal_of(
            context.uow, context.profile, chosen_account(manager), appeal_id
        )
    except (AppealNotFound, AccountNotFound):
        refuse_forged(manager)
        return
    await say(
        manager, "appeals-whole-text", number=appeal.id, kind=appeal.kind.value, text=appeal.text
    )
    if appeal.answer:
        await say(manager, "appeals-whole-answer", number=appeal.id, answer=appeal.answer)


async def on_new(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.update(kind=AppealKind.APPEAL.value, attachments=[])
    await manager.switch_to(AppealsSG.supplier)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """Started on an account's list, or (a question from the FAQ) straight to writing, or
    (an expired meter) to its supplier with a text to start from."""
    manager.dialog_data.setdefault("attachments", [])
    for key in ("supplier_id", "draft"):
        if isinstance(start_data, dict) and key in start_data:
            manager.dialog_data[key] = start_data[key]
    if manager.current_context().state == AppealsSG.account:
        context = ctx(manager)
        accounts = await linked_accounts(context.uow, context.profile)
        if len(accounts) == 1:
            manager.dialog_data["account_id"] = accounts[0].id
            await manager.switch_to(AppealsSG.supplier)


async def get_accounts(
    uow: UnitOfWork, profile: Profile, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    found = await linked_accounts(uow, profile)
    return {
        "accounts": [
            (a.id, label(i18n, "appeals-account-button", address=short_address(a.address)))
            for a in found
        ],
        "none": "yes" if not found else "no",
    }


async def on_account(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    context = ctx(manager)
    try:
        await appeals.suppliers_of(
            context.uow, context.profile, item_id, context.utility.retailer_code
        )
    except AccountNotFound:
        notify(manager, "accounts-not-found")
        return
    manager.dialog_data["account_id"] = item_id
    await manager.switch_to(AppealsSG.supplier)


async def get_suppliers(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    profile: Profile,
    i18n: I18nContext,
    utility: Utility,
    **_: Any,
) -> dict[str, Any]:
    found = await appeals.suppliers_of(
        uow, profile, chosen_account(dialog_manager), utility.retailer_code
    )
    return {
        "suppliers": [(s.id, label(i18n, "appeals-supplier-button", name=s.name)) for s in found],
        "kind": _kind(dialog_manager).value,
    }


async def on_supplier(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    context = ctx(manager)
    try:
        supplier = await appeals.supplier_of(
            context.uow,
            context.profile,
            chosen_account(manager),
            item_id,
            context.utility.retailer_code,
        )
    except SupplierNotFound:
        notify(manager, "appeals-supplier-not-found")
        return
    manager.dialog_data["supplier_id"] = supplier.id
    await manager.switch_to(AppealsSG.text)


async def get_text(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    start = dialog_manager.start_data
    return {
        "kind": _kind(dialog_manager).value,
        "draft": dialog_manager.dialog_data.get("draft"),
        # Started here, to a supplier chosen for the resident: back is where they came from.
        "addressed": isinstance(start := dialog_manager.start_data, dict)
        and "supplier_id" in start,
    }


async def on_draft(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data["text"] = manager.dialog_data["draft"]
    await manager.switch_to(AppealsSG.attachments)


async def on_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["text"] = appeals.check_text(message.text or "")
    except AppealTextInvalid as error:
        notify(manager, "appeals-text-invalid", limit=error.limit, length=len(message.text or ""))
        return
    await manager.switch_to(AppealsSG.attachments)


async def on_attachment(message: Message, _widget: Any, manager: DialogManager) -> None:
    if message.photo:
        new = Attachment(AttachmentKind.PHOTO, message.photo[-1].file_id)
    else:
        assert message.document is not None
        new = Attachment(AttachmentKind.DOCUMENT, message.document.file_id)
    try:
        files = appeals.attach(_attachments(manager), new)
    except AttachmentsFull as error:
        notify(manager, "appeals-attachments-full", limit=error.limit)
        return
    manager.dialog_data["attachments"] = [file.ref for file in files]
    notify(manager, "appeals-attachment-added", count=len(files))


def _attachments(manager: DialogManager) -> list[Attachment]:
    return [Attachment.from_ref(ref) for ref in manager.dialog_data.get("attachments", [])]


async def get_attachments(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "count": len(dialog_manager.dialog_data.get("attachments", [])),
        "left": appeals.ATTACHMENT_LIMIT - len(dialog_manager.dialog_data.get("attachments", [])),
        "kind": _kind(dialog_manager).value,
    }


async def on_send(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    appeal = await appeals.submit(
        context.uow,
        context.clock,
        context.appeal_notifier,
        context.profile,
        chosen_account(manager),
        manager.dialog_data["supplier_id"],
        _kind(manager),
        manager.dialog_data["text"],
        _attachments(manager),
        retailer=context.utility.retailer_code,
    )
    await say(
        manager,
        "appeals-registered",
        number=appeal.id,
        kind=appeal.kind.value,
        date=context.clock.local(appeal.created_at).date(),
    )
    manager.dialog_data.update(text=None, draft=None, attachments=[], page=0)
    if appeal.kind is AppealKind.QUESTION:
        await manager.done(show_mode=ShowMode.SEND)  # back to the questions and answers
    else:
        await manager.switch_to(AppealsSG.list, show_mode=ShowMode.SEND)


async def on_not_attachment(_message: Message, _widget: Any, manager: DialogManager) -> None:
    notify(manager, "appeals-attachments-expected")


SUPPLIERS_PREVIEW = {"suppliers": [(1, 'ПАО "Томскэнергосбыт"')], "kind": "appeal"}

list_window = Window(
    Notice(),
    Tr("appeals-list"),
    Button(Tr("appeals-new"), id="new", on_click=on_new),
    Column(choices("whole", "whole", on_read_whole)),
    period.change_button(),
    pager(),
    Cancel(Tr("back")),
    state=AppealsSG.list,
    getter=get_list,
    preview_data={
        "none": "no",
        "whole": [(1, "📄 № 1 полностью")],
        "lines": "№ 1 · 24.11.2026",
        "page": 1,
        "pages": 1,
        "paged": False,
        "start": "01.09.2026",
        "end": "24.11.2026",
    },
)


account_window = Window(
    Notice(),
    Tr("appeals-choose-account"),
    Column(choices("account", "accounts", on_account)),
    Start(Tr("accounts-add"), id="add", state=LinkSG.number, when=F["none"] == "yes"),
    Cancel(Tr("back")),
    state=AppealsSG.account,
    getter=get_accounts,
    preview_data={"accounts": [(1, "Томск, ул. Ленина, д. 1, кв. 1")], "none": "no"},
)


supplier_window = Window(
    Notice(),
    Tr("appeals-choose-supplier"),
    Column(choices("supplier", "suppliers", on_supplier)),
    Cancel(Tr("cancel")),
    state=AppealsSG.supplier,
    getter=get_suppliers,
    preview_data=SUPPLIERS_PREVIEW,
)


text_window = question(
    AppealsSG.text,
    Tr("appeals-ask-text"),
    Tr("appeals-draft", when="draft"),
    on_text=on_text,
    back=False,
    keyboard=(
        Button(Tr("appeals-use-draft"), id="draft", on_click=on_draft, when="draft"),
        SwitchTo(Tr("back"), id="to_supplier", state=AppealsSG.supplier, when=~F["addressed"]),
        Cancel(Tr("back"), id="back_addressed", when="addressed"),
    ),
    getter=get_text,
    preview_data={
        "kind": "appeal",
        "draft": "Срок поверки счётчика № 927213 истёк.",
        "addressed": True,
    },
)


attachments_window = Window(
    Notice(),
    Tr("appeals-ask-attachments"),
    MessageInput(on_attachment, content_types=[ContentType.PHOTO, ContentType.DOCUMENT]),
    MessageInput(on_not_attachment),
    Button(Tr("appeals-send"), id="send", on_click=on_send),
    Row(SwitchTo(Tr("back"), id="to_text", state=AppealsSG.text), Cancel(Tr("cancel"))),
    state=AppealsSG.attachments,
    getter=get_attachments,
    preview_data={"count": 1, "left": 4, "kind": "appeal"},
)


def dialog() -> Dialog:
    return Dialog(
        list_window,
        account_window,
        supplier_window,
        text_window,
        attachments_window,
        on_start=on_start,
        on_process_result=period.on_result,
    )
