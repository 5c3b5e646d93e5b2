"""Submitting meter readings (guide section 8): the account's meters, then a value per meter
and per tariff zone, checked as it is typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo

from bot.i18n import joined
from dialogs.accounts import account_id, profile_of, short
from dialogs.inputs import question, say
from dialogs.states import ReadingsSG
from dialogs.widgets import Notice, Tr, choices, notify
from domain import readings
from domain.accounts import linked_account
from domain.model import Meter, Zone


async def get_meters(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    account = await linked_account(
        data["uow"], await profile_of(dialog_manager), account_id(dialog_manager)
    )
    assert account.id is not None
    i18n = data["i18n"]
    today = data["clock"].today()
    lines, buttons = [], []
    for state in await readings.meters_of(data["uow"], account.id):
        meter = state.meter
        service = i18n.get(f"meter-service-{meter.service}")
        expired = "yes" if meter.verification_expired(today) else "no"
        lines.append(
            i18n.get(
                "readings-meter",
                number=meter.number,
                service=service,
                until=meter.verified_until,
                expired=expired,
            )
        )
        for zone, last in state.last.items():
            lines.append(
                i18n.get(
                    "readings-last",
                    zone=zone.value,
                    date=last.taken_at.date(),
                    value=meter.on_dial(last.value),
                    unit=meter.unit,
                )
            )
        buttons.append((meter.id, short(f"№ {meter.number} · {service}")))
    return {
        "address": account.address,
        "lines": joined(lines),
        "meters": buttons,
        "none": "yes" if not buttons else "no",
    }


async def _meter(manager: DialogManager, meter_id: int) -> Meter:
    return await readings.owned_meter(
        manager.middleware_data["uow"], await profile_of(manager), meter_id
    )


async def on_meter(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        meter = await _meter(manager, int(item_id))
    except (ValueError, readings.MeterNotFound):
        notify(manager, "readings-meter-not-found")
        return
    today = manager.middleware_data["clock"].today()
    if meter.verification_expired(today):
        notify(
            manager,
            "readings-meter-expired",
            number=meter.number,
            until=meter.verified_until.strftime("%d.%m.%Y"),
        )
        return
    manager.dialog_data.update(meter_id=meter.id, zone_index=0, values={}, pending=None)
    await manager.switch_to(ReadingsSG.value)


async def get_value(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    meter = await _meter(dialog_manager, dialog_manager.dialog_data["meter_id"])
    zone = meter.zones[dialog_manager.dialog_data["zone_index"]]
    assert meter.id is not None
    last = await dialog_manager.middleware_data["uow"].readings.last(meter.id, zone)
    pending = dialog_manager.dialog_data.get("pending")
    return {
        "number": meter.number,
        "zone": zone.value,
        "unit": meter.unit,
        "digits": f"{meter.digits_before}.{meter.digits_after}",
        "has_last": "yes" if last else "no",
        "last": meter.on_dial(last.value) if last else 0,
        "date": last.taken_at.date() if last else "",
        "value": Decimal(pending["value"]) if pending else 0,
        "reason": pending["reason"] if pending else "",
        "average": Decimal(pending.get("average", "0")) if pending else 0,
    }


async def _accept(manager: DialogManager, meter: Meter, value: Decimal) -> None:
    """Keeps the zone's value and asks for the next zone, or submits them all."""
    data = manager.dialog_data
    zone = meter.zones[data["zone_index"]]
    data["values"][zone.value] = str(value)
    data["pending"] = None
    if data["zone_index"] + 1 < len(meter.zones):
        data["zone_index"] += 1
        await manager.switch_to(ReadingsSG.value)
        return
    middleware = manager.middleware_data
    submitted = await readings.submit_reading(
        middleware["uow"],
        middleware["clock"],
        middleware["settings"].reading_days,
        meter,
        {Zone(z): Decimal(v) for z, v in data["values"].items()},
    )
    await say(
        manager,
        "readings-saved" if submitted.in_window else "readings-saved-outside",
        number=meter.number,
        month=submitted.month,
    )
    await manager.switch_to(ReadingsSG.meters, show_mode=ShowMode.SEND)


async def on_value(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        meter = await _meter(manager, manager.dialog_data["meter_id"])
    except readings.MeterNotFound:
        notify(manager, "readings-meter-not-found")
        await manager.switch_to(ReadingsSG.meters)
        return
    zone = meter.zones[manager.dialog_data["zone_index"]]
    try:
        value = readings.parse_reading(message.text or "")
        await readings.check_reading(
            manager.middleware_data["uow"], manager.middleware_data["clock"], meter, zone, value
        )
    except readings.NotANumber:
        notify(manager, "readings-not-a-number")
    except readings.TooManyDigits as error:
        notify(manager, "readings-too-many-digits", before=error.before, after=error.after)
    except readings.MeterExpired as error:
        notify(
            manager,
            "readings-meter-expired",
            number=meter.number,
            until=error.verified_until.strftime("%d.%m.%Y"),
        )
    except readings.BelowLast:
        manager.dialog_data["pending"] = {"value": str(value), "reason": "below"}
        await manager.switch_to(ReadingsSG.confirm)
    except readings.HighConsumption as error:
        manager.dialog_data["pending"] = {
            "value": str(value),
            "reason": "high",
            "average": str(error.average),
        }
        await manager.switch_to(ReadingsSG.confirm)
    else:
        await _accept(manager, meter, value)


async def on_confirm(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    meter = await _meter(manager, manager.dialog_data["meter_id"])
    zone = meter.zones[manager.dialog_data["zone_index"]]
    value = Decimal(manager.dialog_data["pending"]["value"])
    try:
        await readings.check_reading(
            manager.middleware_data["uow"],
            manager.middleware_data["clock"],
            meter,
            zone,
            value,
            confirmed=True,
        )
    except readings.ReadingRejected:
        notify(manager, "readings-not-a-number")
        await manager.switch_to(ReadingsSG.value)
        return
    await _accept(manager, meter, value)


async def on_retype(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    manager.dialog_data["pending"] = None
    await manager.switch_to(ReadingsSG.value)


def dialog() -> Dialog:
    return Dialog(
        Window(
            Notice(),
            Tr("readings-meters"),
            Column(choices("meter", "meters", on_meter)),
            Cancel(Tr("back")),
            state=ReadingsSG.meters,
            getter=get_meters,
        ),
        question(
            ReadingsSG.value,
            Tr("readings-ask-value"),
            on_text=on_value,
            back=False,
            cancel=False,
            keyboard=(SwitchTo(Tr("back"), id="to_meters", state=ReadingsSG.meters),),
            getter=get_value,
        ),
        Window(
            Tr("readings-confirm"),
            Row(
                Button(Tr("readings-confirm-yes"), id="yes", on_click=on_confirm),
                Button(Tr("readings-confirm-no"), id="no", on_click=on_retype),
            ),
            state=ReadingsSG.confirm,
            getter=get_value,
        ),
    )
