"""Reminding residents of the reading deadline: a few days before the reading window closes,
each bound resident hears of the accounts whose meters still lack this month's reading, from
whatever source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.model import Account, TelegramUser
from domain.ports import Clock, UnitOfWork
from domain.readings import billing_month

DAYS_BEFORE_DEADLINE = 2  # with a 15-25 window, the reminder goes on the 23rd


@dataclass(frozen=True, slots=True)
class Reminder:
    user: TelegramUser
    account: Account
    meters_left: int
    deadline: date


def reminder_day(today: date, window: tuple[int, int]) -> bool:
    return today.day == max(window[0], window[1] - DAYS_BEFORE_DEADLINE)


async def due_reminders(
    uow: UnitOfWork, clock: Clock, window: tuple[int, int], *, any_day: bool = False
) -> list[Reminder]:
    """Today's reminders, if today is the reminder day (``any_day``: whatever the day)."""
    today = clock.today()
    if not (any_day or reminder_day(today, window)):
        return []
    month, _ = billing_month(today, window)
    deadline = month.replace(day=window[1])
    reminders = []
    for user in await uow.telegram_users.bound():
        assert user.profile_id is not None
        for account in await uow.links.accounts_of(user.profile_id):
            assert account.id is not None
            left = 0
            for meter in await uow.meters.of_account(account.id):
                assert meter.id is not None
                if meter.verification_expired(today):
                    continue  # it takes no reading; the readings screen says why
                # What the readings screen shows as this month's, from any source.
                if not await uow.readings.read_for(meter.id, month):
                    left += 1
            if left:
                reminders.append(Reminder(user, account, left, deadline))
    return reminders
