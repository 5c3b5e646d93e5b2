"""The guide's period choice, for every list that has one: the last three months, six
months, a year, or a range picked on the calendar. A dialog of its own that returns the
period to the one that started it."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, ManagedCalendar, Start, SwitchTo

from dialogs.calendar import LocalCalendar
from dialogs.context import ctx
from dialogs.states import PeriodSG
from dialogs.widgets import PAGE_KEY, Dialog, Notice, Tr, notify, pressed
from domain import history
from domain.errors import InvalidPeriod
from domain.history import PRESET_MONTHS, Period
from rendering.texts import format_day

DEFAULT_MONTHS = 3  # what a list shows before a period is chosen, as the web cabinet does


def chosen(manager: DialogManager) -> Period:
    """The period the resident chose in this dialog, or the default one."""
    stored = manager.dialog_data.get("period")
    if stored is None:
        return history.last_months(ctx(manager).clock.today(), DEFAULT_MONTHS)
    return Period(date.fromisoformat(stored[0]), date.fromisoformat(stored[1]))


def shown(manager: DialogManager) -> dict[str, str]:
    """The chosen period for a text: ``start`` and ``end``."""
    period = chosen(manager)
    locale = ctx(manager).i18n.locale
    return {"start": format_day(period.start, locale), "end": format_day(period.end, locale)}


async def on_result(_start_data: Any, result: Any, manager: DialogManager) -> None:
    """For ``Dialog(on_process_result=...)`` of a dialog that offers the choice."""
    if isinstance(result, dict) and "period" in result:
        manager.dialog_data["period"] = result["period"]
        manager.dialog_data[PAGE_KEY] = 0


def change_button() -> Start:
    return Start(Tr("period-change"), id="period", state=PeriodSG.choose)


async def _done(manager: DialogManager, period: Period) -> None:
    await manager.done({"period": [period.start.isoformat(), period.end.isoformat()]})


async def on_preset(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    months = int(pressed(button).removeprefix("m"))
    await _done(manager, history.last_months(ctx(manager).clock.today(), months))


async def on_pick(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.switch_to(PeriodSG.start)
    calendar = cast(ManagedCalendar, manager.find("start"))
    calendar.set_offset(ctx(manager).clock.today())


async def on_start_date(_event: Any, _widget: Any, manager: DialogManager, day: date) -> None:
    manager.dialog_data["start"] = day.isoformat()
    await manager.switch_to(PeriodSG.end)
    calendar = cast(ManagedCalendar, manager.find("end"))
    calendar.set_offset(day)


async def on_end_date(_event: Any, _widget: Any, manager: DialogManager, day: date) -> None:
    try:
        period = history.chosen_period(
            date.fromisoformat(manager.dialog_data["start"]),
            day,
            ctx(manager).clock.today(),
        )
    except InvalidPeriod as error:
        notify(manager, f"period-{error.reason}")
        return
    await _done(manager, period)


async def get_start(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    start = dialog_manager.dialog_data.get("start")
    locale = ctx(dialog_manager).i18n.locale
    return {"start": format_day(date.fromisoformat(start), locale) if start else ""}


choose_window = Window(
    Notice(),
    Tr("period-choose"),
    Column(
        *(Button(Tr(f"period-last-{m}"), id=f"m{m}", on_click=on_preset) for m in PRESET_MONTHS),
        Button(Tr("period-calendar"), id="pick", on_click=on_pick),
    ),
    Cancel(Tr("back")),
    state=PeriodSG.choose,
)


start_window = Window(
    Notice(),
    Tr("period-pick-start"),
    LocalCalendar(id="start", on_click=on_start_date),
    SwitchTo(Tr("back"), id="to_choose", state=PeriodSG.choose),
    state=PeriodSG.start,
)


end_window = Window(
    Notice(),
    Tr("period-pick-end"),
    LocalCalendar(id="end", on_click=on_end_date),
    SwitchTo(Tr("back"), id="to_start", state=PeriodSG.start),
    state=PeriodSG.end,
    getter=get_start,
    preview_data={"start": "01.09.2026"},
)


def dialog() -> Dialog:
    return Dialog(choose_window, start_window, end_window)
