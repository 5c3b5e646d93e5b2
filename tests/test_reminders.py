"""The reading-deadline reminder (DESIGN: a scheduler reminds residents of the deadline)."""

from __future__ import annotations

import pytest

from bot.reminders import send_reminders
from bot.transports.local import LocalChat
from storage.demo import seed_demo
from tests.data import bind_resident

EPD = "700100103492"  # four meters, one of them past its verification


@pytest.fixture
async def demo(bot_database, clock):
    await seed_demo(bot_database, clock.today())


async def remind(running, bot_database, clock, settings) -> int:
    dp, bot, _session = running
    return await send_reminders(
        bot,
        bot_database,
        clock,
        dp["i18n_middleware"].core,
        settings.reading_days,
        settings.default_locale,
    )


async def test_two_days_before_the_window_closes_residents_are_reminded(
    chat: LocalChat, running, bot_database, demo, clock, settings
):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    assert await remind(running, bot_database, clock, settings) == 0  # the 24th: not the day

    # The 23rd of November: billing has read every meter this month, and the readings screen
    # shows those readings as this month's; the reminder agrees.
    clock.advance(days=-1)
    assert await remind(running, bot_database, clock, settings) == 0

    clock.advance(days=30)  # the 23rd of December: nothing read yet
    assert await remind(running, bot_database, clock, settings) == 1
    assert chat.last.text.replace("\u00a0", " ").startswith(
        "📟 Напоминаем: показания принимаются до 25.12.2026. По лицевому счёту "
        "№ 700100103492 (634583, Томская обл., Томский р-н, Октябрьское с., "
        "Ласточкина ул., д.13, кв.11) 3 счётчика ещё без показаний за этот месяц."
    )


async def test_a_resident_who_sent_everything_hears_nothing(
    chat, running, bot_database, demo, clock, settings
):
    await bind_resident(bot_database, chat.user.id, link=("801400622390",))  # one meter
    clock.advance(days=29)  # the 23rd of December
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("📟 Передать показания")
    await chat.press(chat.inline_buttons()[0][1].text)
    last = chat.last.text.split("Последние: ")[1].split(" от ")[0]
    value = int(last.replace("\u00a0", "").split(",")[0]) + 100
    await chat.send(str(value))
    sent_before = len(chat.bot_messages())

    assert await remind(running, bot_database, clock, settings) == 0
    assert len(chat.bot_messages()) == sent_before


async def test_the_reminder_runs_every_morning(running, bot_database, settings):
    from bot.app import scheduler

    dp, bot, _session = running
    job = scheduler(bot, dp, bot_database, settings).get_job("remind-readings")
    assert str(job.trigger.fields[5]) == "10"  # the hour field of the cron trigger
