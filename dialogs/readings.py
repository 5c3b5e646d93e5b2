"""Submitting meter readings (guide section 8): the account's meters, then a value per meter
and per tariff zone, checked as it is typed and submitted in one domain call."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row
from aiogram_i18n import I18nContext

from dialogs.context import chosen_account, ctx
from dialogs.inputs import question, say, tell
from dialogs.states import AppealsSG, DevicesSG, ReadingsSG
from dialogs.widgets import Dialog, Notice, Tr, choices, label, notify, one_page, pager
from domain import appeals, readings
from domain.accounts import linked_account
from domain.errors import (
    AlreadyBilled,
    BelowLast,
    HighConsumption,
    LowerThanLast,
    MeterExpired,
    MeterNotFound,
    ReadingRejected,
    TooManyDigits,
)
from domain.model import AppealKind, Profile, Zone
from domain.ports import Clock, UnitOfWork
from rendering.texts import joined, trimmed

METERS_PER_PAGE = 10  # meters on one screen, with their last readings, if those leave room


def explain(manager: DialogManager, error: ReadingRejected | MeterNotFound) -> None:
    if isinstance(error, MeterNotFound):
        notify(manager, "readings-meter-not-found")
    elif isinstance(error, TooManyDigits):
        notify(manager, "readings-too-many-digits", before=error.before, after=error.after)
    elif isinstance(error, AlreadyBilled):
        notify(manager, "readings-already-billed", month=error.used_in)
    elif isinstance(error, LowerThanLast):
        notify(manager, "readings-lower-than-last", last=error.last)
    elif isinstance(error, MeterExpired):
        notify(manager, "readings-meter-expired", number=error.number, until=error.verified_until)
    else:
        notify(manager, "readings-not-a-number")


async def get_meters(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    i18n: I18nContext,
    **_: Any,
) -> dict[str, Any]:
    account = await linked_account(uow, profile, chosen_account(dialog_manager))
    assert account.id is not None
    blocks, buttons = [], []
    states = await readings.meters_of(uow, account.id)
    for state in states:
        meter = state.meter
        lines = [
            i18n.get(
                "readings-meter",
                number=meter.number,
                service=i18n.get(f"meter-service-{meter.service}"),
                until=meter.verified_until,
                expired="yes" if meter.verification_expired(clock.today()) else "no",
            )
        ]
        lines += [
            i18n.get(
                "readings-last",
                zone=zone.value,
                date=clock.local(last.taken_at).date(),
                value=meter.on_dial(last.value),
                unit=meter.unit,
            )
            for zone, last in state.last.items()
        ]
        blocks.append(joined(lines))
        buttons.append(
            (
                meter.id,
                label(
                    i18n,
                    "readings-meter-button",
                    number=meter.number,
                    service=i18n.get(f"meter-service-{meter.service}"),
                ),
            )
        )
    page = one_page(dialog_manager, blocks, METERS_PER_PAGE)
    return {
        **page,
        "address": account.address,
        "meters": [buttons[index] for index in page["shown"]],
        "none": "yes" if not buttons else "no",
        "any_expired": any(s.meter.verification_expired(clock.today()) for s in states),
    }


async def on_write_appeal(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    """An expired meter is reported by an appeal to its supplier, with a text to start from."""
    context = ctx(manager)
    account_id = chosen_account(manager)
    data: dict[str, Any] = {"account_id": account_id, "kind": AppealKind.APPEAL.value}
    found = await appeals.about_expired_meter(
        context.uow, context.clock, context.profile, account_id
    )
    if found is None:  # its meter no longer expired, or counted for no contract
        await manager.start(AppealsSG.supplier, data=data)
        return
    meter, supplier = found
    draft = context.i18n.get(
        "readings-appeal-draft",
        number=meter.number,
        service=context.i18n.get(f"meter-service-{meter.service}"),
        until=meter.verified_until,
    )
    await manager.start(AppealsSG.text, data={**data, "supplier_id": supplier.id, "draft": draft})


async def on_devices(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    await manager.start(DevicesSG.devices, data={"account_id": chosen_account(manager)})


async def on_meter(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    context = ctx(manager)
    try:
        meter = await readings.meter_to_read(context.uow, context.clock, context.profile, item_id)
    except (MeterNotFound, MeterExpired) as error:
        explain(manager, error)
        return
    manager.dialog_data.update(meter_id=meter.id, values={}, confirmed=[], pending=None, photo=None)
    await manager.switch_to(ReadingsSG.value)


async def get_value(
    dialog_manager: DialogManager, uow: UnitOfWork, clock: Clock, profile: Profile, **_: Any
) -> dict[str, Any]:
    meter = await readings.owned_meter(uow, profile, dialog_manager.dialog_data["meter_id"])
    zone = _zone(dialog_manager, meter.zones)
    last = await readings.last_reading(uow, meter, zone)
    pending = dialog_manager.dialog_data.get("pending")
    return {
        "number": meter.number,
        "zone": zone.value,
        "unit": meter.unit,
        "before": meter.digits_before,
        "after": meter.digits_after,
        "has_last": "yes" if last else "no",
        "last": meter.on_dial(last.value) if last else 0,
        "date": clock.local(last.taken_at).date() if last else "",
        "value": Decimal(pending["value"]) if pending else 0,
        "reason": pending["reason"] if pending else "",
        "average": Decimal(pending.get("average", "0")) if pending else 0,
        "photo": "yes" if dialog_manager.dialog_data.get("photo") else "no",
    }


def _zone(manager: DialogManager, zones: tuple[Zone, ...]) -> Zone:
    """The first zone of the meter that has no value yet."""
    values = manager.dialog_data["values"]
    return next(zone for zone in zones if zone.value not in values)


async def _accept(manager: DialogManager, zone: Zone, value: Decimal) -> None:
    """Keeps the zone's value and asks for the next zone; with every zone's value, shows
    them together (a two-zone meter) or submits it."""
    data = manager.dialog_data
    data["values"][zone.value] = str(value)
    data["pending"] = None
    context = ctx(manager)
    meter = await readings.owned_meter(context.uow, context.profile, data["meter_id"])
    if len(data["values"]) < len(meter.zones):
        await manager.switch_to(ReadingsSG.value)
    elif len(meter.zones) > 1:
        await manager.switch_to(ReadingsSG.review)
    else:
        await _submit(manager)


async def on_send(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _submit(manager)


async def on_value_back(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """Back from a zone's value is the zone before it, its value typed again (the night's
    prompt of a two-zone meter leads to the day's); from the first zone, the meter list."""
    data = manager.dialog_data
    if not data.get("values"):
        await manager.switch_to(ReadingsSG.meters)
        return
    zone, _value = data["values"].popitem()
    data["confirmed"] = [z for z in data.get("confirmed", []) if z != zone]
    data["pending"] = None


async def on_retype_all(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    manager.dialog_data.update(values={}, confirmed=[], pending=None)
    await manager.switch_to(ReadingsSG.value)


async def get_review(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    meter = await readings.owned_meter(uow, profile, data["meter_id"])
    return {
        "number": meter.number,
        "lines": joined(
            [
                i18n.get(
                    "readings-review-line",
                    zone=zone,
                    value=meter.on_dial(Decimal(value)),
                    unit=meter.unit,
                )
                for zone, value in data["values"].items()
            ],
            "\n",
        ),
    }


async def _submit(manager: DialogManager) -> None:
    data = manager.dialog_data
    context = ctx(manager)
    meter = await readings.owned_meter(context.uow, context.profile, data["meter_id"])
    assert meter.id is not None
    try:
        submitted = await readings.submit_reading(
            context.uow,
            context.clock,
            context.utility.reading_window,
            context.profile,
            meter.id,
            {Zone(z): Decimal(v) for z, v in data["values"].items()},
            confirmed=frozenset(Zone(z) for z in data["confirmed"]),
            photo=data.get("photo"),
        )
    except (ReadingRejected, MeterNotFound) as error:
        # Something changed since the values were typed (a newer reading, the meter's
        # verification): the resident types them again.
        data.update(values={}, confirmed=[])
        explain(manager, error)
        await manager.switch_to(ReadingsSG.value)
        return
    i18n = context.i18n
    saved = [
        i18n.get(
            "readings-saved" if submitted.in_window else "readings-saved-outside",
            number=submitted.meter.number,
            month=submitted.month,
        )
    ]
    if submitted.estimate is not None:
        saved.append(i18n.get("readings-estimate", **estimate_args(i18n, submitted)))
    await tell(manager, joined(saved, "\n\n"))
    if submitted.replaced:
        await say(
            manager,
            "readings-replaced",
            number=submitted.meter.number,
            month=submitted.month,
            lines=joined(
                [
                    i18n.get(
                        "readings-replaced-line",
                        zone=zone.value,
                        before=before,
                        after=submitted.meter.on_dial(Decimal(data["values"][zone.value])),
                        unit=submitted.meter.unit,
                    )
                    for zone, before in submitted.replaced.items()
                ],
                "\n",
            ),
        )
    await manager.switch_to(ReadingsSG.meters, show_mode=ShowMode.SEND)


def estimate_args(i18n: I18nContext, submitted: readings.Submitted) -> dict[str, Any]:
    estimate = submitted.estimate
    assert estimate is not None
    meter = submitted.meter
    return {
        "since": estimate.since,
        "consumption": joined(
            [
                i18n.get(
                    "readings-estimate-used",
                    zone=zone.value,
                    used=meter.on_dial(used),
                    unit=meter.unit,
                )
                for zone, used in estimate.consumption.items()
            ],
            ", ",
        ),
        "lines": joined(
            [
                i18n.get(
                    "readings-estimate-line",
                    zone=band.zone.value,
                    band="none" if not estimate.banded else "first" if not band.above else "above",
                    above=trimmed(band.above, 0),
                    quantity=band.quantity,
                    unit=meter.unit,
                    price=trimmed(band.price),
                    amount=band.amount,
                )
                for band in estimate.bands
            ],
            "\n",
        ),
        "total": estimate.total,
    }


async def on_photo(message: Message, _widget: Any, manager: DialogManager) -> None:
    """A photo of the meter, kept with the reading; its caption, if any, is the value."""
    assert message.photo
    manager.dialog_data["photo"] = message.photo[-1].file_id  # the largest size
    if message.caption:
        await _take_value(manager, message.caption)
    else:
        notify(manager, "readings-photo-attached")


async def on_value(message: Message, _widget: Any, manager: DialogManager) -> None:
    await _take_value(manager, message.text or "")


async def _take_value(manager: DialogManager, text: str) -> None:
    context = ctx(manager)
    data = manager.dialog_data
    try:
        meter = await readings.owned_meter(context.uow, context.profile, data["meter_id"])
        zone = _zone(manager, meter.zones)
        value = await readings.check_reading(
            context.uow,
            context.clock,
            context.utility.reading_window,
            context.profile,
            data["meter_id"],
            zone,
            text,
        )
    except MeterNotFound as error:
        explain(manager, error)
        await manager.switch_to(ReadingsSG.meters)
    except BelowLast as error:
        data["pending"] = {"value": str(error.value), "reason": "below"}
        await manager.switch_to(ReadingsSG.confirm)
    except HighConsumption as error:
        data["pending"] = {
            "value": str(error.value),
            "reason": "high",
            "average": str(error.average),
        }
        await manager.switch_to(ReadingsSG.confirm)
    except ReadingRejected as error:
        explain(manager, error)
    else:
        await _accept(manager, zone, value)


async def on_confirm(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    """The resident insists on an unusual value: the submission will not question it again."""
    context = ctx(manager)
    data = manager.dialog_data
    meter = await readings.owned_meter(context.uow, context.profile, data["meter_id"])
    zone = _zone(manager, meter.zones)
    data["confirmed"].append(zone.value)
    await _accept(manager, zone, Decimal(data["pending"]["value"]))


async def on_retype(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    manager.dialog_data["pending"] = None
    await manager.switch_to(ReadingsSG.value)


VALUE_PREVIEW = {
    "number": "927210",
    "zone": "day",
    "unit": "кВт·ч",
    "before": 6,
    "after": 1,
    "has_last": "yes",
    "last": Decimal("12230.1"),
    "date": date(2026, 10, 20),
    "value": Decimal("12000"),
    "reason": "below",
    "average": Decimal("180.5"),
    "photo": "no",
}

meters_window = Window(
    Notice(),
    Tr("readings-meters"),
    Column(choices("meter", "meters", on_meter)),
    pager(),
    Button(Tr("readings-write-appeal"), id="appeal", on_click=on_write_appeal, when="any_expired"),
    Button(Tr("readings-devices"), id="devices", on_click=on_devices),
    Cancel(Tr("back")),
    state=ReadingsSG.meters,
    getter=get_meters,
    preview_data={
        "address": "634000, Томск, ул. Ленина, д. 1, кв. 1",
        "lines": "Счётчик № 927210 — Электроэнергия",
        "meters": [(1, "№ 927210 · Электроэнергия")],
        "none": "no",
        "any_expired": True,
        "page": 1,
        "pages": 2,
        "paged": True,
        "later": True,
    },
)

value_window = question(
    ReadingsSG.value,
    Tr("readings-ask-value"),
    on_text=on_value,
    back=False,
    cancel=False,
    keyboard=(Button(Tr("back"), id="to_meters", on_click=on_value_back),),
    inputs=(MessageInput(on_photo, content_types=[ContentType.PHOTO]),),
    getter=get_value,
    preview_data=VALUE_PREVIEW,
)

review_window = Window(
    Notice(),
    Tr("readings-review"),
    Row(
        Button(Tr("readings-send"), id="send", on_click=on_send),
        Button(Tr("readings-retype"), id="retype", on_click=on_retype_all),
    ),
    state=ReadingsSG.review,
    getter=get_review,
    preview_data={"number": "201704012803", "lines": "день: 10 412,5 кВт·ч"},
)

confirm_window = Window(
    Notice(),
    Tr("readings-confirm"),
    Row(
        Button(Tr("readings-confirm-yes"), id="yes", on_click=on_confirm),
        Button(Tr("readings-confirm-no"), id="no", on_click=on_retype),
    ),
    state=ReadingsSG.confirm,
    getter=get_value,
    preview_data=VALUE_PREVIEW,
)


def dialog() -> Dialog:
    return Dialog(meters_window, value_window, confirm_window, review_window)
