"""The account's history (guide section 9): the period, then payment documents with a
printable receipt, readings with a consumption chart, and payments. Long lists page."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from typing import Any

from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Cancel,
    Column,
    SwitchTo,
)
from aiogram_i18n import I18nContext

from dialogs import period
from dialogs.context import Context, chosen_account, ctx, started_with
from dialogs.states import HistorySG
from dialogs.widgets import (
    PAGE_KEY,
    Dialog,
    Notice,
    Pages,
    Tr,
    choices,
    label,
    notify,
    one_page,
    pager,
)
from domain import history, payments
from domain.errors import AccountNotFound, BillNotFound
from domain.model import Profile
from domain.ports import Clock, UnitOfWork
from rendering.texts import format_month, joined, trimmed

LINES_PER_PAGE = 12  # lines of a list on one screen


async def get_tabs(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    dialog_manager.dialog_data[PAGE_KEY] = 0  # every list opened from here starts at its top
    return period.shown(dialog_manager)


# --- Payment documents ----------------------------------------------------------------------


async def get_bills(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    found = await history.bills(
        uow, profile, chosen_account(dialog_manager), period.chosen(dialog_manager)
    )
    return {
        "bills": [
            (b.id, label(i18n, "history-bill-button", month=b.period, total=b.total)) for b in found
        ],
        "none": "yes" if not found else "no",
    }


async def on_bill(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    try:
        await _bill(manager, item_id)
    except (BillNotFound, AccountNotFound):
        notify(manager, "history-bill-not-found")
        return
    manager.dialog_data["bill_id"] = item_id
    await manager.switch_to(HistorySG.bill)


async def _bill(manager: DialogManager, bill_id: int) -> history.BillDetail:
    context = ctx(manager)
    return await history.bill(context.uow, context.profile, chosen_account(manager), bill_id)


async def get_bill(
    dialog_manager: DialogManager, uow: UnitOfWork, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    detail = await _bill(dialog_manager, started_with(dialog_manager, "bill_id"))
    paid, left = await payments.bill_paid(uow, detail.account, detail.bill)
    return {
        "paid": paid.value,
        "left": left,
        "month": format_month(detail.bill.period, i18n.locale, heading=True),
        "number": detail.account.number,
        "lines": joined(
            i18n.get("history-bill-line", supplier=b.supplier.name, total=b.line.to_pay)
            for b in detail.blocks
        ),
        "total": detail.bill.total,
        "suppliers": [
            (b.supplier.id, label(i18n, "history-supplier-button", name=b.supplier.name))
            for b in detail.blocks
        ],
    }


async def on_supplier(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    detail = await _bill(manager, started_with(manager, "bill_id"))
    try:
        block = detail.block(item_id)
    except BillNotFound:
        notify(manager, "history-bill-not-found")
        return
    manager.dialog_data.update(supplier_id=block.supplier.id, page=0)
    await manager.switch_to(HistorySG.bill_supplier)


async def get_bill_supplier(
    dialog_manager: DialogManager, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    detail = await _bill(dialog_manager, started_with(dialog_manager, "bill_id"))
    block = detail.block(dialog_manager.dialog_data["supplier_id"])
    line = block.line
    services = [
        i18n.get(
            "history-service",
            service=s.service,
            debt_start=s.debt_start,
            paid=s.paid,
            unit=s.unit,
            quantity=trimmed(s.quantity, 0),
            tariff=trimmed(s.tariff),
            price=s.price_per_unit,
            charged=s.charged,
            support=s.social_support,
            corrections=s.corrections,
            debt_end=s.debt_end,
        )
        for s in line.services
    ]
    return {
        "supplier": block.supplier.name,
        "debt_start": line.debt_start,
        "paid": line.paid,
        "charged": line.charged,
        "support": line.social_support,
        "corrections": line.corrections,
        "debt_end": line.debt_end,
        "to_pay": line.to_pay,
        "penalties": line.penalties,
        # A service takes ten lines: three to a screen keeps any bill within the limit.
        **one_page(dialog_manager, services, 3, "\n\n"),
    }


async def busy(context: Context, action: ChatAction) -> None:
    """ "Sending a document…" at the top of the chat while a file is made: one action is
    shown for five seconds or until the file comes, longer than a receipt takes. Not worth
    failing the file for."""
    with contextlib.suppress(TelegramAPIError):
        await context.bot.send_chat_action(context.chat_id, action)


async def on_print(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    from rendering.documents import receipt_pdf  # reportlab is loaded when first needed

    context = ctx(manager)
    detail = await _bill(manager, started_with(manager, "bill_id"))
    account, bill = detail.account, detail.bill
    i18n = context.i18n
    month = format_month(bill.period, i18n.locale)
    await busy(context, ChatAction.UPLOAD_DOCUMENT)
    pdf = await asyncio.to_thread(receipt_pdf, i18n.get, i18n.locale, detail, month)
    await context.bot.send_document(
        context.chat_id,
        BufferedInputFile(pdf, filename=f"receipt-{account.number}-{bill.period:%Y-%m}.pdf"),
        caption=i18n.get("history-receipt-caption", month=month, number=account.number),
    )
    manager.show_mode = ShowMode.SEND


# --- Readings ---------------------------------------------------------------------------------


async def _readings(manager: DialogManager) -> list[history.MeterHistory]:
    context = ctx(manager)
    return await history.readings(
        context.uow,
        context.profile,
        chosen_account(manager),
        period.chosen(manager),
        context.clock,
    )


async def get_meters(dialog_manager: DialogManager, i18n: I18nContext, **_: Any) -> dict[str, Any]:
    items = [
        (
            h.meter.id,
            label(
                i18n,
                "history-meter-button",
                number=h.meter.number,
                service=i18n.get(f"meter-service-{h.meter.service}"),
            ),
        )
        for h in await _readings(dialog_manager)
    ]
    return {"meters": items, "none": "yes" if not items else "no"}


async def on_meter(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    if item_id not in {h.meter.id for h in await _readings(manager)}:
        notify(manager, "readings-meter-not-found")
        return
    manager.dialog_data.update(meter_id=item_id, page=0)
    await manager.switch_to(HistorySG.meter)


async def _meter_history(manager: DialogManager) -> history.MeterHistory:
    meter_id = manager.dialog_data["meter_id"]
    return next(h for h in await _readings(manager) if h.meter.id == meter_id)


async def get_meter(
    dialog_manager: DialogManager, clock: Clock, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    found = await _meter_history(dialog_manager)
    lines = [
        i18n.get(
            "history-reading",
            date=clock.local(r.taken_at).date(),
            month=r.billing_month,
            zone=r.zone.value,
            value=found.meter.on_dial(r.value),
            unit=found.meter.unit,
            photo="yes" if r.photo else "no",
            source=r.source.value,
            # Billing's own readings have no journey to tell: their source says it all.
            status=r.status.value if r.source.ours else "none",
            used_in=r.used_in or r.billing_month,
            reason=r.reason or "—",
        )
        for r in found.readings
    ]
    return {
        "service": i18n.get(f"meter-service-{found.meter.service}"),
        "number": found.meter.number,
        "supplier": found.supplier.name if found.supplier else "—",
        "account": found.contract.supplier_account_number if found.contract else "—",
        "has_readings": bool(found.readings),
        **one_page(dialog_manager, lines, LINES_PER_PAGE),
    }


async def on_chart(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    from rendering.documents import consumption_chart  # matplotlib is loaded when first needed

    context = ctx(manager)
    found = await history.consumption(
        context.uow,
        context.clock,
        context.utility.reading_window,
        context.profile,
        chosen_account(manager),
        manager.dialog_data["meter_id"],
        period.chosen(manager),
    )
    if found.empty:
        notify(manager, "history-chart-empty")
        return
    i18n = context.i18n
    title = i18n.get("history-chart-title", number=found.meter.number)
    await busy(context, ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(
        consumption_chart,
        title,
        found.meter.unit,
        i18n.locale,
        [format_month(month, i18n.locale, heading=True) for month in found.months],
        [
            (i18n.get("history-chart-zone", zone=zone.value), values)
            for zone, values in found.by_zone.items()
        ],
        i18n.get("history-chart-no-reading"),
        found.partial,
    )
    caption = title
    if found.partial is not None and found.partial_until is not None:
        caption = i18n.get(
            "history-chart-partial",
            title=title,
            month=format_month(found.months[found.partial], i18n.locale, heading=True),
            day=context.clock.local(found.partial_until).date(),
        )
    await context.bot.send_photo(
        context.chat_id, BufferedInputFile(png, filename="consumption.png"), caption=caption
    )
    manager.show_mode = ShowMode.SEND


# --- Payments ---------------------------------------------------------------------------------


async def get_payments(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    i18n: I18nContext,
    **_: Any,
) -> dict[str, Any]:
    lines: list[str] = []
    heading_of: list[str] = []  # the supplier heading each line stands under
    for item in await history.payments(
        uow, profile, chosen_account(dialog_manager), period.chosen(dialog_manager), clock
    ):
        heading = i18n.get(
            "history-payment-account", supplier=item.supplier.name, account=item.supplier_account
        )
        group = [heading] + (
            [
                i18n.get(
                    "history-payment",
                    date=paid.day,
                    amount=paid.amount,
                    billed="yes" if paid.in_billing else "no",
                )
                for paid in item.payments
            ]
            or [i18n.get("history-no-payments")]
        )
        lines += group
        heading_of += [heading] * len(group)
    screen = one_page(dialog_manager, lines, LINES_PER_PAGE)
    first = screen["shown"].start
    if lines and lines[first] != heading_of[first]:
        # A page that starts within a supplier's payments says whose they are.
        screen["lines"] = joined([heading_of[first], screen["lines"]])
    return screen


# One screen of a list, as one_page() gives it.
PAGE_PREVIEW = {"lines": "…", "page": 1, "pages": 2, "paged": True, "later": True}

back_to_tabs = SwitchTo(Tr("back"), id="to_tabs", state=HistorySG.tabs)

tabs_window = Window(
    Notice(),
    Tr("history-tabs"),
    Column(
        SwitchTo(Tr("history-bills"), id="bills", state=HistorySG.bills),
        SwitchTo(Tr("history-readings"), id="readings", state=HistorySG.readings),
        SwitchTo(Tr("history-payments"), id="payments", state=HistorySG.payments),
        period.change_button(),
    ),
    Cancel(Tr("back")),
    state=HistorySG.tabs,
    getter=get_tabs,
    preview_data={"start": "01.09.2026", "end": "24.11.2026"},
)


bills_window = Window(
    Notice(),
    Tr("history-bills-list"),
    Pages(
        choices("bill", "bills", on_bill),
        id="bill_pages",
        width=1,
        height=8,
        hide_on_single_page=True,
    ),
    back_to_tabs,
    state=HistorySG.bills,
    getter=get_bills,
    preview_data={"bills": [(1, "Октябрь 2026 · 1 628,12 ₽")], "none": "no"},
)


bill_window = Window(
    Notice(),
    Tr("history-bill"),
    Button(Tr("history-print"), id="print", on_click=on_print),
    Column(choices("supplier", "suppliers", on_supplier)),
    SwitchTo(Tr("back"), id="to_bills", state=HistorySG.bills),
    state=HistorySG.bill,
    getter=get_bill,
    preview_data={
        "month": "Октябрь 2026",
        "number": "800100000001",
        "lines": 'ПАО "Томскэнергосбыт": 1 628,12 ₽',
        "total": Decimal("1628.12"),
        "paid": "part",
        "left": Decimal("628.12"),
        "suppliers": [(1, 'ПАО "Томскэнергосбыт"')],
    },
)


bill_supplier_window = Window(
    Notice(),
    Tr("history-bill-supplier"),
    pager(),
    SwitchTo(Tr("back"), id="to_bill", state=HistorySG.bill),
    state=HistorySG.bill_supplier,
    getter=get_bill_supplier,
    preview_data={
        "supplier": 'ПАО "Томскэнергосбыт"',
        **dict.fromkeys(
            (
                "debt_start",
                "paid",
                "charged",
                "support",
                "corrections",
                "debt_end",
                "to_pay",
                "penalties",
            ),
            Decimal("1628.12"),
        ),
        **PAGE_PREVIEW,
    },
)


readings_window = Window(
    Notice(),
    Tr("history-meters"),
    Column(choices("meter", "meters", on_meter)),
    back_to_tabs,
    state=HistorySG.readings,
    getter=get_meters,
    preview_data={"meters": [(1, "Электроэнергия - № ПУ 927210")], "none": "no"},
)


meter_window = Window(
    Notice(),
    Tr("history-meter"),
    Button(Tr("history-chart"), id="chart", on_click=on_chart),
    pager(),
    SwitchTo(Tr("back"), id="to_meters", state=HistorySG.readings),
    state=HistorySG.meter,
    getter=get_meter,
    preview_data={
        "service": "Электроэнергия",
        "number": "927210",
        "supplier": 'ПАО "Томскэнергосбыт"',
        "account": "70010001",
        "has_readings": True,
        **PAGE_PREVIEW,
    },
)


payments_window = Window(
    Notice(),
    Tr("history-payments-list"),
    pager(),
    back_to_tabs,
    state=HistorySG.payments,
    getter=get_payments,
    preview_data=PAGE_PREVIEW,
)


def dialog() -> Dialog:
    return Dialog(
        tabs_window,
        bills_window,
        bill_window,
        bill_supplier_window,
        readings_window,
        meter_window,
        payments_window,
        on_process_result=period.on_result,
    )
