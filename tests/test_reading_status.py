"""Readings residents can trust: the estimated charge right after a reading, a photo kept with
it, what billing did with it (status and source in the history), and a notice when billing
replaced it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from aiogram.types import Chat
from sqlalchemy import select

from bot.transports.local import LocalChat
from domain.charges import price
from domain.model import Rate, Tariff, Zone
from storage.billing import import_billing
from storage.tables import meters, notifications, readings
from tests.chat import open_account
from tests.data import STAFF, billing_file
from tests.test_history import open_history, text
from tests.test_readings import last_value

ELECTRICITY = "830300527718"  # meter 39874512: 3.25 ₽ up to 150 kWh a month, 4.39 ₽ above
TWO_ZONE = "800200415527"  # meter 201704012803: day 3.87 ₽ and night 2.21 ₽, each banded


def test_bands_split_by_the_zones_share_of_the_consumption():
    tariff = Tariff(
        contract_id=1,
        starts_on=date(2026, 7, 1),
        value=Decimal("3.87"),
        period="Один месяц",
        rates=[
            Rate(zone=Zone.DAY, value=Decimal("3.87")),
            Rate(zone=Zone.DAY, above=Decimal(150), value=Decimal("5.22")),
            Rate(zone=Zone.NIGHT, value=Decimal("2.21")),
            Rate(zone=Zone.NIGHT, above=Decimal(150), value=Decimal("2.98")),
        ],
    )
    # 240 kWh in all, 150 of them by day: the norm of 150 is split 93.75 / 56.25.
    bands, banded = price(tariff, {Zone.DAY: Decimal(150), Zone.NIGHT: Decimal(90)}, 3)
    assert banded
    assert [(b.zone, b.above, b.quantity, b.amount) for b in bands] == [
        (Zone.DAY, 0, Decimal("93.750"), Decimal("362.81")),
        (Zone.DAY, 150, Decimal("56.250"), Decimal("293.63")),
        (Zone.NIGHT, 0, Decimal("56.250"), Decimal("124.31")),
        (Zone.NIGHT, 150, Decimal("33.750"), Decimal("100.58")),
    ]
    # Below the norm only the first band is priced; a tariff without rates is its value.
    bands, _ = price(tariff, {Zone.DAY: Decimal(60), Zone.NIGHT: Decimal(40)}, 3)
    assert [b.quantity for b in bands] == [Decimal(60), Decimal(40)]
    plain = Tariff(contract_id=1, starts_on=date(2026, 7, 1), value=Decimal("198.6"), period="")
    bands, banded = price(plain, {Zone.SINGLE: Decimal("2.5")}, 3)
    assert not banded and [b.amount for b in bands] == [Decimal("496.50")]


async def test_an_accepted_reading_tells_its_estimated_charge_by_band(chat, bot_database, demo):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    last = await last_value(bot_database, "39874512")
    await chat.press("№ 39874512 · Электроэнергия")
    await chat.send(str(last + 200).replace(".", ","))

    saved = [m.text for m in chat.bot_messages()][-2].replace("\u00a0", " ")
    assert saved.startswith("✅ Показания по счётчику № 39874512")
    assert "🧮 <b>Предварительный расчёт</b> (оценка: точная сумма — в счёте)" in saved
    assert "Расход с 20.10.2026: 200,0 кВт·ч" in saved
    assert "Расход в пределах социальной нормы: 150,0 кВт·ч × 3,25 ₽ = 487,50 ₽" in saved
    assert "Расход сверх 150 кВт·ч в месяц: 50,0 кВт·ч × 4,39 ₽ = 219,50 ₽" in saved
    assert "Итого ≈ 707,00 ₽" in saved


async def test_a_photo_is_kept_with_the_reading_and_staff_see_it(
    chat, new_chat, bot_database, demo, settings
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    last = await last_value(bot_database, "39874512")
    await chat.press("№ 39874512 · Электроэнергия")
    assert "Можно приложить фото счётчика" in chat.last.text
    await chat.send_photo(file_id="meter-39874512-photo")
    assert chat.last.text.startswith("📷 Фото приложено")
    assert "📷 Фото счётчика приложено." in chat.last.text
    await chat.send(str(last + 90))
    assert [m.text for m in chat.bot_messages()][-2].startswith("✅ Показания по счётчику")

    # A photo captioned with the value is both at once.
    await chat.press("№ 114509 · Горячая вода")
    water = await last_value(bot_database, "114509")
    await chat.send_photo(caption=str(water + 3), file_id="meter-114509-photo")
    assert [m.text for m in chat.bot_messages()][-2].startswith("✅ Показания по счётчику № 114509")

    async with bot_database.engine.connect() as connection:
        kept = (
            await connection.execute(
                select(meters.c.number, readings.c.id, readings.c.photo)
                .join(meters, meters.c.id == readings.c.meter_id)
                .where(readings.c.status == "sent")
                .order_by(readings.c.id)
            )
        ).all()
    assert [(number, photo) for number, _, photo in kept] == [
        ("39874512", "meter-39874512-photo"),
        ("114509", "meter-114509-photo"),
    ]

    dp, bot, session = chat.dispatcher, chat.bot, chat.session
    staff = LocalChat(
        dp, bot, session, user_id=424242, group=Chat(id=STAFF, type="supergroup", title="ЛКК")
    )
    await staff.send(f"/photo {kept[0][1]}")
    assert staff.last.photo[-1].file_id == "meter-39874512-photo"
    assert staff.last.caption.startswith(f"Показания № {kept[0][1]}: счётчик № 39874512")
    await staff.send("/photo 999999")
    assert staff.last.text == "У показаний № 999999 нет фото."
    await staff.send("/photo abc")
    assert staff.last.text.startswith("Напишите номер показаний из выгрузки")


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"staff_chat_id": STAFF})


async def test_billing_carries_the_status_back_and_a_replaced_reading_is_told(
    chat, bot_database, demo, clock
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    last = await last_value(bot_database, "39874512")
    value = last + 100
    await chat.press("№ 39874512 · Электроэнергия")
    await chat.send(str(value))
    month = clock.today().replace(day=1).strftime("%Y-%m")
    ours = {"value": str(value), "taken_at": "2026-11-24T10:00:00+07:00", "billing_month": month}
    await import_billing(
        bot_database.engine, billing_file(meters=[meter({**ours, "source": "resident"})])
    )
    await chat.send("/history")
    assert await status_of(bot_database, value) == ("received", None, None)

    inspector = {
        "value": str(value - 40),
        "taken_at": "2026-11-26T12:00:00+07:00",
        "billing_month": month,
        "source": "inspector",
        "used_in": month,
    }
    replaced = {**ours, "source": "resident", "status": "replaced", "reason": "контрольное снятие"}
    for _ in range(2):  # the same file twice tells the resident once
        await import_billing(
            bot_database.engine,
            billing_file(meters=[meter(replaced, inspector)]),
            now=clock.now(),
        )
    assert await status_of(bot_database, value) == ("replaced", None, "контрольное снятие")
    async with bot_database.engine.connect() as connection:
        queued = (await connection.execute(select(notifications.c.kind))).scalars().all()
    assert queued == ["reading-replaced"]

    await chat.deliver_notifications()
    told = next(m.text for m in reversed(chat.bot_messages()) if m.text.startswith("♻️ Расчётный"))
    assert told.startswith("♻️ Расчётный центр заменил показания счётчика № 39874512 за ноябрь 2026")
    assert f"было {format_ru(value)} кВт·ч, учтено {format_ru(value - 40)} кВт·ч" in told
    assert "👷 сняты контролёром" in told and "Причина: контрольное снятие" in told


async def test_a_reading_replaced_with_no_value_of_billings_says_where_to_look(
    chat, bot_database, demo, clock
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    value = await last_value(bot_database, "39874512") + 100
    await chat.press("№ 39874512 · Электроэнергия")
    await chat.send(str(value))
    month = clock.today().replace(day=1).strftime("%Y-%m")
    replaced = {
        "value": str(value),
        "taken_at": "2026-11-24T10:00:00+07:00",
        "billing_month": month,
        "source": "resident",
        "status": "replaced",
        "reason": "счётчик неисправен",
    }
    await import_billing(
        bot_database.engine, billing_file(meters=[meter(replaced)]), now=clock.now()
    )

    await chat.deliver_notifications()
    told = next(m.text for m in reversed(chat.bot_messages()) if m.text.startswith("♻️ Расчётный"))
    assert (
        f"было {format_ru(value)} кВт·ч; своих показаний расчётный центр не прислал: сколько "
        "учтено, покажет счёт за ноябрь 2026."
    ) in told
    assert "Причина: счётчик неисправен" in told


def meter(*readings_in: dict) -> dict:
    """The electricity meter of the account as billing's file gives it, with readings."""
    return {
        "account": ELECTRICITY,
        "number": "39874512",
        "service": "electricity",
        "contract": {"supplier": "tes", "service": "Электроэнергия"},
        "unit": "кВт·ч",
        "digits": "6.1",
        "verified_until": "2030-09-01",
        "readings": list(readings_in),
    }


async def status_of(database, value: Decimal) -> tuple:
    async with database.engine.connect() as connection:
        return tuple(
            (
                await connection.execute(
                    select(readings.c.status, readings.c.used_in, readings.c.reason).where(
                        readings.c.value == value, readings.c.source == "resident"
                    )
                )
            ).one()
        )


def format_ru(value: Decimal) -> str:
    whole, _, tenths = f"{value:.1f}".partition(".")
    return f"{int(whole):,}".replace(",", "\u00a0") + "," + tenths


async def test_the_history_shows_each_value_s_source_and_status(chat, bot_database, demo):
    """The demo has a reading of the resident's that an inspector's replaced."""
    await open_history(chat, bot_database)
    await chat.press("🗓 Другой период")
    await chat.press("За год")
    await chat.press("📟 Показания")
    await chat.press("Горячая вода — № ПУ 517480")
    shown = text(chat)
    assert (
        "💬 переданы в боте · ♻️ заменены расчётным центром: контрольное снятие показаний" in shown
    )
    assert "👷 сняты контролёром" in shown
    assert "🏢 данные расчётного центра" in shown


async def test_a_reading_billing_used_stands_and_another_is_refused_with_why(
    chat, bot_database, demo, clock
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    value = await last_value(bot_database, "39874512") + 100
    await chat.press("№ 39874512 · Электроэнергия")
    await chat.send(str(value))
    month = clock.today().replace(day=1).strftime("%Y-%m")
    used = {
        "value": str(value),
        "taken_at": "2026-11-24T10:00:00+07:00",
        "billing_month": month,
        "source": "resident",
        "status": "used",
        "used_in": month,
    }
    await import_billing(bot_database.engine, billing_file(meters=[meter(used)]), now=clock.now())

    await chat.press("№ 39874512 · Электроэнергия")
    await chat.send(str(value + 5))
    assert chat.last.text.startswith(
        "Показания за этот месяц уже учтены в счёте за ноябрь 2026 — изменить их нельзя."
    )
    assert await status_of(bot_database, value) == ("used", date(2026, 11, 1), None)
