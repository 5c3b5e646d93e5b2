"""aiogram-dialog's calendar with month and weekday names in the resident's language (it
shows English ones otherwise)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Calendar
from aiogram_dialog.widgets.kbd.calendar_kbd import (
    CALLBACK_PREFIX_MONTH,
    CALLBACK_PREFIX_YEAR,
    CalendarDaysView,
    CalendarMonthView,
    CalendarScope,
    CalendarScopeView,
    CalendarUserConfig,
    CalendarYearsView,
)
from aiogram_dialog.widgets.text import Format, Text
from babel.dates import format_date

from dialogs.context import ctx
from dialogs.widgets import Tr, refuse_forged


class LocalDate(Text):
    """``data["date"]`` in a Babel pattern and the resident's language."""

    def __init__(self, pattern: str, template: str = "{}") -> None:
        super().__init__()
        self.pattern = pattern
        self.template = template

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        text = format_date(data["date"], self.pattern, locale=ctx(manager).i18n.locale)
        return self.template.format(text[:1].upper() + text[1:])


# The latest day a calendar button can carry (as a timestamp): 1 January 2100.
LAST_DAY = 4_102_444_800


class LocalCalendar(Calendar):
    async def _process_item_callback(
        self, callback: CallbackQuery, data: str, dialog: Any, manager: DialogManager
    ) -> bool:
        """A day, a month or a year the calendar showed; forged data is refused with a
        notice rather than failing in the date arithmetic."""
        number = data.removeprefix(CALLBACK_PREFIX_MONTH).removeprefix(CALLBACK_PREFIX_YEAR)
        if data not in self._handlers and not (
            number.isascii() and number.isdigit() and int(number) <= LAST_DAY
        ):
            refuse_forged(manager)
            return True
        return await super()._process_item_callback(callback, data, dialog, manager)

    def _init_views(self) -> dict[CalendarScope, CalendarScopeView]:
        callback = self._item_callback_data
        return {
            CalendarScope.DAYS: CalendarDaysView(
                callback,
                weekday_text=LocalDate("EEEEEE"),
                header_text=LocalDate("LLLL yyyy", "🗓 {}"),
                # aiogram-dialog's own "🔍" says nothing of what it does.
                zoom_out_text=Tr("calendar-months"),
                next_month_text=LocalDate("LLLL yyyy", "{} >>"),
                prev_month_text=LocalDate("LLLL yyyy", "<< {}"),
            ),
            CalendarScope.MONTHS: CalendarMonthView(
                callback,
                month_text=LocalDate("LLLL"),
                this_month_text=LocalDate("LLLL", "[ {} ]"),
            ),
            CalendarScope.YEARS: CalendarYearsView(callback, year_text=Format("{date:%Y}")),
        }

    async def _get_user_config(self, data: dict, manager: DialogManager) -> CalendarUserConfig:
        # Weeks start on Monday in Russia; the bot's time zone decides what "today" is.
        clock = ctx(manager).clock
        return CalendarUserConfig(
            firstweekday=0,
            # Typed datetime.timezone there; it is only given to datetime.now(), as any tzinfo.
            timezone=clock.local(clock.now()).tzinfo,  # type: ignore[arg-type]
            max_date=clock.today(),
        )
