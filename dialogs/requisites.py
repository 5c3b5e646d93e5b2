"""The account's requisites (guide section 10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Cancel, Column, Row, SwitchTo
from aiogram_i18n import I18nContext

from dialogs import period
from dialogs.context import chosen_account, ctx
from dialogs.states import RequisitesSG
from dialogs.widgets import PAGE_KEY, Dialog, Notice, Tr, choices, label, notify, one_page, pager
from domain import requisites
from domain.errors import AccountNotFound
from domain.model import Profile
from domain.ports import Clock, UnitOfWork
from rendering.texts import format_day, joined, trimmed

TARIFFS_PER_PAGE = 40  # rows of the tariff history on one screen


async def get_info(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    account, contracts = await requisites.requisites(uow, profile, chosen_account(dialog_manager))
    return {
        "owner": account.owner_name,
        "address": account.address,
        "total_area": account.total_area,
        "living_area": account.living_area,
        "persons": account.registered_persons,
        "contracts": [
            (
                line.contract.id,
                label(
                    i18n,
                    "requisites-contract-button",
                    supplier=line.supplier.name,
                    service=line.contract.service,
                    number=line.contract.supplier_account_number,
                ),
            )
            for line in contracts
        ],
    }


async def on_contract(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    try:
        line = await requisites.contract(ctx(manager).uow, ctx(manager).profile, item_id)
    except AccountNotFound:
        notify(manager, "requisites-not-found")
        return
    manager.dialog_data.update(contract_id=line.contract.id, **{PAGE_KEY: 0})
    await manager.switch_to(RequisitesSG.contract)


async def get_contract(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, **_: Any
) -> dict[str, Any]:
    line = await requisites.contract(uow, profile, dialog_manager.dialog_data["contract_id"])
    contract = line.contract
    return {
        "supplier": line.supplier.name,
        "service": contract.service,
        "supplier_account": contract.supplier_account_number,
        "tariff_name": contract.tariff_name,
        "tariff_value": trimmed(contract.tariff_value),
        "tariff_unit": contract.tariff_unit,
    }


async def get_tariffs(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    history = await requisites.tariff_history(
        uow, profile, dialog_manager.dialog_data["contract_id"]
    )
    lines = [
        i18n.get(
            "requisites-tariff-line", starts=t.starts_on, value=trimmed(t.value), period=t.period
        )
        for t in history
    ]
    return {
        "none": "yes" if not lines else "no",
        **one_page(dialog_manager, lines, TARIFFS_PER_PAGE),
    }


async def get_meter_list(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    i18n: I18nContext,
    **_: Any,
) -> dict[str, Any]:
    rows = await requisites.meter_list(
        uow,
        clock,
        profile,
        dialog_manager.dialog_data["contract_id"],
        period.chosen(dialog_manager),
    )
    lines = [
        i18n.get(
            "requisites-meter-line",
            supplier=row.supplier.name if row.supplier else "—",
            service=row.service or i18n.get(f"meter-service-{row.meter.service}"),
            number=row.meter.number,
            read=format_day(row.read_on, i18n.locale) if row.read_on else "—",
            before=row.meter.digits_before,
            after=row.meter.digits_after,
            until=row.meter.verified_until,
        )
        for row in rows
    ]
    return {
        "lines": joined(lines),
        "none": "yes" if not lines else "no",
        **period.shown(dialog_manager),
    }


info_window = Window(
    Notice(),
    Tr("requisites-info"),
    Column(choices("contract", "contracts", on_contract)),
    Cancel(Tr("back")),
    state=RequisitesSG.info,
    getter=get_info,
    preview_data={
        "owner": "Малашта Светлана",
        "address": "634000, Томск, ул. Ленина, д. 1, кв. 1",
        "total_area": Decimal("54.3"),
        "living_area": Decimal("38.1"),
        "persons": 2,
        "contracts": [(1, 'ПАО "Томскэнергосбыт" – Электроэнергия № 70010001')],
    },
)


contract_window = Window(
    Notice(),
    Tr("requisites-contract"),
    Row(
        SwitchTo(Tr("requisites-tariff-history"), id="tariffs", state=RequisitesSG.tariffs),
        SwitchTo(Tr("requisites-meter-list"), id="meters", state=RequisitesSG.meters),
    ),
    SwitchTo(Tr("back"), id="to_info", state=RequisitesSG.info),
    state=RequisitesSG.contract,
    getter=get_contract,
    preview_data={
        "supplier": 'ПАО "Томскэнергосбыт"',
        "service": "Электроэнергия",
        "supplier_account": "70010001",
        "tariff_name": "Одноставочный",
        "tariff_value": Decimal("3.87"),
        "tariff_unit": "кВт·ч",
    },
)


tariffs_window = Window(
    Notice(),
    Tr("requisites-tariffs"),
    pager(),
    SwitchTo(Tr("back"), id="to_contract", state=RequisitesSG.contract),
    state=RequisitesSG.tariffs,
    getter=get_tariffs,
    preview_data={
        "lines": "с 01.07.2026: 3,87",
        "none": "no",
        "page": 1,
        "pages": 2,
        "paged": True,
        "later": True,
    },
)


meters_window = Window(
    Notice(),
    Tr("requisites-meters"),
    period.change_button(),
    SwitchTo(Tr("back"), id="to_contract", state=RequisitesSG.contract),
    state=RequisitesSG.meters,
    getter=get_meter_list,
    preview_data={"lines": "№ 927210", "none": "no", "start": "01.09.2026", "end": "24.11.2026"},
)


def dialog() -> Dialog:
    return Dialog(
        info_window,
        contract_window,
        tariffs_window,
        meters_window,
        on_process_result=period.on_result,
    )
