"""The reading-deadline reminder job."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from domain.ports import Clock, Store
from domain.reminders import due_reminders
from domain.residents import locale_for
from rendering.texts import TextCore

logger = logging.getLogger(__name__)


async def send_reminders(
    bot: Bot,
    store: Store,
    clock: Clock,
    core: TextCore,
    window: tuple[int, int],
    default_locale: str,
    *,
    any_day: bool = False,
) -> int:
    """Sends today's reminders, if today is the reminder day (``any_day``: the demo's
    /remind, whatever the day); returns how many went."""
    async with store.unit_of_work() as uow:
        reminders = await due_reminders(uow, clock, window, any_day=any_day)
    sent = 0
    for reminder in reminders:
        locale = locale_for(reminder.user, None, default_locale)
        text = core.get(
            "reminder-readings",
            locale,
            number=reminder.account.number,
            address=reminder.account.address,
            meters=reminder.meters_left,
            deadline=reminder.deadline,
        )
        try:
            await bot.send_message(reminder.user.telegram_id, text)
            sent += 1
        except TelegramAPIError as error:  # blocked the bot, deleted the chat
            logger.info("reminder to %s not delivered: %s", reminder.user.telegram_id, error)
    return sent
