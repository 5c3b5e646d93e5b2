"""Smart readers of an account: the devices that send its readings, each with a token issued
here (shown once, in a message of its own, so that it can be copied), and revoked here."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo

from dialogs.context import chosen_account, ctx
from dialogs.inputs import question, say
from dialogs.states import DevicesSG
from dialogs.widgets import Dialog, Notice, Tr, choices, label, notify
from domain import devices
from domain.errors import DeviceNameInvalid, DeviceNotFound, TooManyDevices
from rendering.texts import joined


async def get_devices(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    context = ctx(dialog_manager)
    account = chosen_account(dialog_manager)
    found = await devices.devices_of(context.uow, context.profile, account)
    i18n, clock = context.i18n, context.clock
    lines = [
        i18n.get(
            "devices-line",
            name=device.name,
            created=clock.local(device.created_at).date(),
            used="yes" if device.last_used_at else "no",
            last=clock.local(device.last_used_at or device.created_at),
        )
        for device in found
    ]
    return {
        "lines": joined(lines, "\n"),
        "none": "yes" if not found else "no",
        "devices": [
            (device.id, label(i18n, "devices-revoke-button", name=device.name)) for device in found
        ],
    }


async def on_name(message: Message, _widget: Any, manager: DialogManager) -> None:
    context = ctx(manager)
    try:
        device, token = await devices.issue_token(
            context.uow, context.clock, context.profile, chosen_account(manager), message.text or ""
        )
    except DeviceNameInvalid as error:
        notify(manager, "devices-name-invalid", limit=error.limit)
        return
    except TooManyDevices as error:
        notify(manager, "devices-too-many", limit=error.limit)
        await manager.switch_to(DevicesSG.devices)
        return
    url = context.utility.device_api_url
    await say(manager, "devices-token", name=device.name, token=token, url=url or "none")
    await manager.switch_to(DevicesSG.devices)


async def on_pick(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, device_id: int
) -> None:
    manager.dialog_data["device_id"] = device_id
    await manager.switch_to(DevicesSG.revoke)


async def get_revoke(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    context = ctx(dialog_manager)
    found = await devices.devices_of(context.uow, context.profile, chosen_account(dialog_manager))
    chosen = next((d for d in found if d.id == dialog_manager.dialog_data["device_id"]), None)
    return {"name": chosen.name if chosen else "—"}


async def on_revoke(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    try:
        await devices.revoke(
            context.uow,
            context.clock,
            context.profile,
            chosen_account(manager),
            manager.dialog_data["device_id"],
        )
    except DeviceNotFound:
        notify(manager, "devices-not-found")
    else:
        notify(manager, "devices-revoked")
    await manager.switch_to(DevicesSG.devices)


devices_window = Window(
    Notice(),
    Tr("devices"),
    Column(choices("device", "devices", on_pick)),
    SwitchTo(Tr("devices-add"), id="add", state=DevicesSG.name),
    Cancel(Tr("back")),
    state=DevicesSG.devices,
    getter=get_devices,
    preview_data={
        "lines": "Waterius, ванная · подключено 01.11.2026 · последний раз 28.11.2026 07:00",
        "none": "no",
        "devices": [(1, "🔌 Отключить: Waterius, ванная")],
    },
)

name_window = question(
    DevicesSG.name,
    Tr("devices-ask-name"),
    on_text=on_name,
    back=False,
    cancel=False,
    keyboard=(SwitchTo(Tr("back"), id="to_devices", state=DevicesSG.devices),),
)

revoke_window = Window(
    Notice(),
    Tr("devices-revoke"),
    Row(
        Button(Tr("devices-revoke-yes"), id="yes", on_click=on_revoke),
        SwitchTo(Tr("devices-revoke-no"), id="no", state=DevicesSG.devices),
    ),
    state=DevicesSG.revoke,
    getter=get_revoke,
    preview_data={"name": "Waterius, ванная"},
)


def dialog() -> Dialog:
    return Dialog(devices_window, name_window, revoke_window)
