"""The reading-deadline reminder (DESIGN: a scheduler reminds residents of the deadline)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.reminders import send_reminders
from bot.transports.local import LocalChat
from storage.demo import seed_demo
from storage.tables import meters, readings
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

    clock.advance(days=-1)  # the 23rd of November
    assert await remind(running, bot_database, clock, settings) == 1
    assert chat.last.text.replace("\u00a0", " ").startswith(
        "📟 Напоминаем: показания принимаются до 25.11.2026. По лицевому счёту "
        "№ 700100103492 (634583, Томская обл., Томский р-н, Октябрьское с., "
        "Ласточкина ул., д.13, кв.11) 3 счётчика ещё без показаний за этот месяц."
    )

    # An inspector's reading, from billing: the readings screen shows it as this month's,
    # and the reminder agrees.
    async with bot_database.engine.begin() as connection:
        meter_id = (
            await connection.execute(select(meters.c.id).where(meters.c.number == "517480"))
        ).scalar_one()
        await connection.execute(
            readings.insert().values(
                meter_id=meter_id,
                zone="single",
                value=Decimal("99.5"),
                taken_at=datetime(2026, 11, 22, 3, tzinfo=UTC),
                billing_month=date(2026, 11, 1),
                source="billing",
            )
        )
    assert await remind(running, bot_database, clock, settings) == 1
    assert "2 счётчика ещё без показаний" in chat.last.text
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("📟 Передать показания")
    assert "Последние показания 22.11.2026: 99,500 м³" in chat.last.text.replace("\u00a0", " ")


async def test_a_resident_who_sent_everything_hears_nothing(
    chat, running, bot_database, demo, clock, settings
):
    await bind_resident(bot_database, chat.user.id, link=("801400622390",))  # one meter
    clock.advance(days=-1)
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
