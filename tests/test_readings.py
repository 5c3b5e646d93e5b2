"""Meter readings (guide section 8) and the account's requisites (section 10), on the demo
data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from bot.transports.local import LocalChat
from rendering.texts import format_value
from storage.billing import import_billing
from storage.tables import appeals, meters, readings, suppliers
from tests.chat import buttons, open_account
from tests.data import billing_file, bind_resident, last_value

EPD = "700100103492"  # Ласточкина ул.: water meters, one with its verification expired
DAY_NIGHT = "800200415527"  # Советская ул.: a day/night electricity meter


async def open_readings(chat: LocalChat, database, number: str) -> None:
    await open_account(chat, database, number, "📟 Передать показания")


async def submitted(database, number: str) -> list[tuple[str, Decimal]]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(readings.c.zone, readings.c.value)
            .join(meters, meters.c.id == readings.c.meter_id)
            .where(
                meters.c.number == number,
                readings.c.source == "resident",
                readings.c.status == "sent",
            )
            .order_by(readings.c.id)
        )
        return [(zone, value) for zone, value in rows]


async def billing_reading(database, number: str, value: Decimal, taken_at: datetime) -> None:
    """A reading of the meter ``number`` that billing sent, received, for November 2026."""
    async with database.engine.begin() as connection:
        meter_id = (
            await connection.execute(select(meters.c.id).where(meters.c.number == number))
        ).scalar_one()
        await connection.execute(
            readings.insert().values(
                meter_id=meter_id,
                zone="single",
                value=value,
                taken_at=taken_at,
                billing_month=date(2026, 11, 1),
                source="billing",
                status="received",
            )
        )


async def test_the_meters_show_number_service_verification_and_last_reading(
    chat, bot_database, demo
):
    await open_readings(chat, bot_database, EPD)
    text = chat.last.text
    assert "Счётчик № 517480 — Горячая вода / поверка до 01.01.2099" in text
    assert "Счётчик № 927213 — Холодная вода / срок поверки истёк 05.07.2023 ⛔" in text
    last = await last_value(bot_database, "517480")
    shown = format_value(last.quantize(Decimal("0.001")), "ru")  # e.g. "96,519"
    assert f"Последние показания 20.10.2026: {shown} м³" in text


async def test_a_reading_is_checked_confirmed_and_saved_once(chat, bot_database, demo):
    await open_readings(chat, bot_database, EPD)
    last = await last_value(bot_database, "517480")
    await chat.press("№ 517480 · Горячая вода")
    assert "Введите текущие показания, м³ (до 6 цифр до запятой и 3 после)" in chat.last.text

    await chat.send("семьдесят")
    assert chat.last.text.startswith("Введите показания числом")
    await chat.send("1234567")
    assert chat.last.text.startswith(
        "Столько цифр счётчик не показывает: до 6 цифр до запятой и до 3 после."
    )
    await chat.send("1,2345")
    assert chat.last.text.startswith("Столько цифр")
    await chat.send(str(last - 1))  # lower, and not the dial going round: refused
    assert chat.last.text.startswith("Показания не могут быть меньше последних (")

    value = last + Decimal("2.5")
    await chat.send(f"{value}".replace(".", ","))
    saved = [m.text for m in chat.bot_messages()][-2]
    assert saved.startswith("✅ Показания по счётчику № 517480 ")
    assert "за декабрь 2026" in saved or "за ноябрь 2026" in saved
    assert await submitted(bot_database, "517480") == [
        ("single", value.quantize(Decimal("0.000001")))
    ]

    await chat.press("№ 517480 · Горячая вода")
    await chat.send(str(value))  # the same value again: kept once, nothing replaced
    assert len(await submitted(bot_database, "517480")) == 1
    assert not any("уже были показания" in (m.text or "") for m in chat.bot_messages())

    # A second value for the month replaces the first, even one lower than it: it is checked
    # against what came before the first.
    corrected = last + Decimal("1.5")
    await chat.press("№ 517480 · Горячая вода")
    await chat.send(str(corrected))
    replaced = chat.bot_messages()[-2].text.replace("\u00a0", " ")
    assert "по счётчику № 517480 уже были показания — учитываются новые" in replaced
    assert f"было {value:.3f}".replace(".", ",") in replaced
    assert f"стало {corrected:.3f} м³".replace(".", ",") in replaced
    assert await submitted(bot_database, "517480") == [
        ("single", corrected.quantize(Decimal("0.000001")))
    ]


async def test_a_roll_over_is_offered_only_near_the_top_of_the_dial(chat, bot_database, demo):
    await open_readings(chat, bot_database, EPD)
    await chat.press("№ 521362 · Горячая вода")
    await chat.send("0,5")  # the last reading is far from the top of a 6-digit dial
    assert chat.last.text.startswith("Показания не могут быть меньше последних (")

    await billing_reading(
        bot_database, "521362", Decimal("999987.250"), datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    )
    await chat.send("0,5")
    assert "похоже, счётчик перешёл через ноль" in chat.last.text
    await chat.press("Да, передать")
    assert [v for _, v in await submitted(bot_database, "521362")] == [Decimal("0.5")]


async def test_a_far_higher_consumption_asks_first(chat, bot_database, demo):
    await open_readings(chat, bot_database, EPD)
    last = await last_value(bot_database, "927210")
    await chat.press("№ 927210 · Холодная вода")
    await chat.send(str(last + 100))
    assert "намного больше обычного" in chat.last.text
    await chat.press("Да, передать")
    assert [v for _, v in await submitted(bot_database, "927210")] == [last + 100]


async def test_an_expired_meter_takes_no_reading_and_says_why(chat, bot_database, demo):
    await open_readings(chat, bot_database, EPD)
    await chat.press("№ 927213 · Холодная вода")
    assert chat.last.text.startswith("Срок поверки счётчика № 927213 истёк 05.07.2023")
    assert "замените" in chat.last.text
    assert await submitted(bot_database, "927213") == []
    # The text sends the resident to the supplier: a button takes them there.
    # To the meter's own supplier, with a text that says what the meter is.
    await chat.press("✉️ Написать поставщику о поверке")
    draft = (
        "Срок поверки счётчика № 927213 (Холодная вода) истёк 05.07.2023. Прошу сообщить, как "
        "поверить или заменить счётчик, чтобы снова передавать показания."
    )
    assert chat.last.text.startswith("Опишите ваше обращение одним сообщением.")
    assert f"<blockquote>{draft}</blockquote>" in chat.last.text
    await chat.press("✅ Взять этот текст")
    await chat.press("📨 Отправить")
    assert "✅ Обращение № 1 от 24.11.2026 зарегистрировано." in [
        m.text.split(" Ответ")[0] for m in chat.bot_messages()
    ]
    async with bot_database.engine.connect() as connection:
        [(text, supplier)] = (
            await connection.execute(
                select(appeals.c.text, suppliers.c.name).join(
                    suppliers, suppliers.c.id == appeals.c.supplier_id
                )
            )
        ).all()
    assert (text, supplier) == (draft, 'МУП ЖКХ "Октябрьское"')


async def test_a_day_night_meter_takes_a_value_per_zone(chat, bot_database, demo):
    await open_readings(chat, bot_database, DAY_NIGHT)
    day = await last_value(bot_database, "201704012803", "day")
    night = await last_value(bot_database, "201704012803", "night")
    await chat.press("№ 201704012803 · Электроэнергия")
    assert "дневная зона" in chat.last.text
    await chat.send(str(day + 100))
    assert "ночная зона" in chat.last.text
    await chat.press("◀️ Назад")  # back from the night is the day, typed again
    assert "дневная зона" in chat.last.text
    await chat.press("◀️ Назад")
    assert "№ 201704012803 · Электроэнергия" in buttons(chat)
    await chat.press("№ 201704012803 · Электроэнергия")
    await chat.send(str(day + 100))
    await chat.send(str(night + 60))
    # Both values together, before anything is sent.
    review = chat.last.text.replace("\u00a0", " ")
    assert review.startswith("Счётчик № 201704012803: проверьте показания перед отправкой.")
    assert f"День: {day + 100:,.1f} кВт·ч".replace(",", " ").replace(".", ",") in review
    assert await submitted(bot_database, "201704012803") == []
    await chat.press("✏️ Ввести заново")
    assert "дневная зона" in chat.last.text
    await chat.send(str(day + 100))
    await chat.send(str(night + 60))
    await chat.press("📨 Отправить")
    assert await submitted(bot_database, "201704012803") == [
        ("day", day + 100),
        ("night", night + 60),
    ]


async def test_a_value_delivered_twice_is_taken_once(chat, bot_database, demo):
    await open_readings(chat, bot_database, DAY_NIGHT)
    day = await last_value(bot_database, "201704012803", "day")
    night = await last_value(bot_database, "201704012803", "night")
    await chat.press("№ 201704012803 · Электроэнергия")
    await chat.send(str(day + 100))
    asked = chat.last.text

    await chat.redeliver()  # Telegram sends the day value again

    assert chat.last.text == asked and "ночная зона" in asked  # still waiting for the night
    await chat.send(str(night + 60))
    await chat.press("📨 Отправить")
    assert await submitted(bot_database, "201704012803") == [
        ("day", day + 100),
        ("night", night + 60),
    ]


async def test_outside_the_window_the_bot_says_which_month(chat, bot_database, demo, clock):
    clock.advance(days=4)  # the 28th of November, after the 15-25 window
    await open_readings(chat, bot_database, EPD)
    last = await last_value(bot_database, "517480")
    await chat.press("№ 517480 · Горячая вода")
    await chat.send(str(last + 1))
    assert [m.text for m in chat.bot_messages()][-2].split("\n\n")[0] == (
        "✅ Показания по счётчику № 517480 переданы вне периода приёма показаний и будут "
        "учтены в счёте за декабрь 2026."
    )


async def test_a_forged_meter_is_refused_and_nothing_written(chat, new_chat, bot_database, demo):
    await open_readings(chat, bot_database, EPD)
    other = new_chat(900009)
    await open_readings(other, bot_database, DAY_NIGHT)
    message, button = other.inline_buttons()[0]
    async with bot_database.engine.connect() as connection:
        foreign = (
            await connection.execute(select(meters.c.id).where(meters.c.number == "517480"))
        ).scalar_one()
    await other.press_data(message, button.callback_data.rsplit(":", 1)[0] + f":{foreign}")

    assert other.last.text.startswith("Этот счётчик не относится к вашим лицевым счетам.")
    assert "517480" not in other.last.text
    await other.send("100")
    assert await submitted(bot_database, "517480") == []


async def test_requisites_contracts_tariff_history_and_meters(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("📋 Реквизиты ЛС")
    text = chat.last.text.replace("\u00a0", " ")
    assert "ФИО собственника: Малашта Светлана Михайловна" in text
    assert "Общая/жилая площадь: 60,60/60,60 м²" in text
    assert "Кол-во зарегистрированных: 1" in text

    await chat.press('ООО "ЗТК" — Отопление (Клов) № 87')
    text = chat.last.text.replace("\u00a0", " ")
    assert "Наименование тарифа: Октябрьское с., Отопление (Клов), 0,028 Гкал. на м2" in text
    assert "Величина тарифа: 1 947,69 ₽/Гкал" in text

    await chat.press("История тарифов")
    lines = chat.last.text.replace("\u00a0", " ").splitlines()
    assert "01.07.2026 · 1 947,69 · Один месяц" in lines
    await chat.press("◀️ Назад")
    await chat.press("Список счётчиков")
    assert "с 01.09.2026 по 24.11.2026" in chat.last.text
    assert (
        "Горячая вода · № 517480 · последние показания 20.10.2026 · "
        "до 6 цифр до запятой и 3 после · поверка до 01.01.2099" in chat.last.text
    )
    await chat.press("🗓 Другой период")
    await chat.press("За последние шесть месяцев")
    assert "<b>Список счётчиков</b> с 01.06.2026 по 24.11.2026" in chat.last.text
    assert "№ 517480" in chat.last.text


async def test_a_forged_contract_is_refused(chat, new_chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(DAY_NIGHT,))
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("📋 Реквизиты ЛС")
    message, button = chat.inline_buttons()[0]
    await chat.press_data(message, button.callback_data.rsplit(":", 1)[0] + ":1")
    assert chat.last.text.startswith("Этот договор не относится к вашим лицевым счетам.")


async def test_an_account_with_two_hundred_meters_pages_them_and_takes_readings(
    chat, bot_database, demo
):
    meters_in = [
        {
            "account": EPD,
            "number": f"9{n:05d}",
            "service": "electricity",
            "unit": "кВт·ч",
            "digits": "6.1",
            "verified_until": "2035-01-01",
            "readings": [
                {
                    "taken_at": "2026-10-20T10:00:00+07:00",
                    "value": "100",
                    "billing_month": "2026-10",
                }
            ],
        }
        for n in range(200)
    ]
    await import_billing(bot_database.engine, billing_file(meters=meters_in))
    await open_readings(chat, bot_database, EPD)
    seen: list[str] = []
    while True:
        # The local Bot API refuses a message over Telegram's limit, as Telegram does.
        meter_buttons = [b for b in buttons(chat) if b.startswith("№ ")]
        assert 0 < len(meter_buttons) <= 10
        seen += meter_buttons
        if "Следующие ⏩" not in buttons(chat):  # the last page
            break
        await chat.press("Следующие ⏩")
    assert len(seen) == len(set(seen)) == 204
    assert "(21 из 21)" in chat.last.text

    await chat.press("№ 900199 · Электроэнергия")
    await chat.send("150")
    assert await submitted(bot_database, "900199") == [("single", Decimal("150.000000"))]
    assert "(21 из 21)" in chat.last.text  # back on the page the meter was on


async def test_reading_dates_are_the_utilitys_days(chat, bot_database, demo):
    """A reading taken at 04:50 in Tomsk is 21:50 of the day before in UTC."""
    last = await last_value(bot_database, "517480")
    await billing_reading(
        bot_database, "517480", last + 1, datetime(2026, 11, 22, 21, 50, tzinfo=UTC)
    )
    await open_readings(chat, bot_database, EPD)
    shown = format_value((last + 1).quantize(Decimal("0.001")), "ru")
    assert f"Последние показания 23.11.2026: {shown} м³" in chat.last.text
    await chat.press("№ 517480 · Горячая вода")
    assert "от 23.11.2026" in chat.last.text

    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("📋 Реквизиты ЛС")
    await chat.press('ООО "ЗТК" — Отопление (Клов) № 87')
    await chat.press("Список счётчиков")
    assert "№ 517480 · последние показания 23.11.2026" in chat.last.text
