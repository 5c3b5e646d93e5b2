"""The account's history (guide section 9): the period, payment documents with a printable
receipt, readings with a chart, payments; and five years of it."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdfium2
import zxingcpp
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendChatAction, SendDocument
from pypdf import PdfReader

from bot.transports.local import LocalChat
from storage.billing import import_billing
from storage.demo import SUPPLIERS
from tests.chat import open_account
from tests.data import account, billing_file, bind_resident, last_value

EPD = "700100103492"
NBSP = "\u00a0"


async def open_history(chat: LocalChat, database, number: str = EPD) -> None:
    await open_account(chat, database, number, "📜 История")


def text(chat: LocalChat) -> str:
    return chat.last.text.replace(NBSP, " ").replace("\u202f", " ")


async def test_the_last_three_months_of_payment_documents(chat, bot_database, demo):
    await open_history(chat, bot_database)  # the last three months unless chosen otherwise
    assert text(chat) == "<b>История ЛС</b> с 01.09.2026 по 24.11.2026"
    await chat.press("📄 Платёжные документы")
    months = [b.text for _, b in chat.inline_buttons()][:-1]
    # November's bill comes once November's readings are in.
    assert [m.split(" · ")[0] for m in months] == ["Октябрь 2026", "Сентябрь 2026"]
    assert months[0].endswith(f"{NBSP}₽")

    await chat.press(months[0])
    assert "Общая информация:" in chat.last.text
    assert 'МУП ЖКХ "Октябрьское": ' in chat.last.text
    await chat.press('ООО "ЗТК"')
    details = text(chat)
    assert "Долг на начало периода:" in details and "Пени:" in details
    assert "<b>Отопление (Клов)</b>" in details
    assert "Тариф: 1 947,69" in details and "Цена за единицу потребления: 1 947,69 ₽" in details


async def test_the_receipt_is_a_pdf_with_a_payment_qr_per_supplier(chat, bot_database, demo):
    await open_history(chat, bot_database)
    await chat.press("📄 Платёжные документы")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("🖨 Печать квитанции")

    document = next(m for m in reversed(chat.bot_messages()) if m.document)
    assert document.document.file_name == "receipt-700100103492-2026-10.pdf"
    # The chat shows "sending a document…" while the receipt is made.
    shown = [c for c in chat.session.calls if isinstance(c, SendChatAction | SendDocument)]
    assert [getattr(c, "action", "document") for c in shown[-2:]] == ["upload_document", "document"]
    assert document.caption == "Квитанция за октябрь 2026, ЛС № 700100103492"
    assert chat.last.text.startswith("<b>Октябрь 2026</b>")  # the bill stays below
    pdf = chat.session.files[document.message_id]

    reader = PdfReader(io.BytesIO(pdf))
    assert all(page.mediabox.width > page.mediabox.height for page in reader.pages)  # landscape
    # Every piece of text as it is drawn, one cell or one line at a time.
    cells: list[str] = []
    for page in reader.pages:
        page.extract_text(visitor_text=lambda text, *_: cells.append(text.strip()))
    cells = [c.replace(NBSP, " ") for c in cells if c.strip()]
    content = "\n".join(cells)
    assert "Единый платёжный документ за октябрь 2026" in content
    assert "Лицевой счёт: 700100103492" in content
    async with bot_database.unit_of_work() as uow:
        code = (await uow.accounts.by_number("700100103492")).link_code
    # What the link dialog asks for is printed where the resident looks for it.
    assert f"Код для добавления договора: {code} — чтобы подключить этот счёт в чат-боте" in content
    assert "Ласточкина ул., д.13, кв.11" in content
    assert "Дата выставления: 01.11.2026" in content and "Оплатить до: 10.11.2026" in content
    assert 'ООО "ЗТК"' in content and "ИНН 7014059187, БИК 046902606" in content
    assert "Отопление (Клов)" in content and "ВСЕГО К ОПЛАТЕ:" in content
    # Headers are whole words, never cut mid-word.
    for word in ("Оплачено", "Начислено", "Перерасчёт", "Объём", "Предыдущие", "Текущие"):
        assert word in cells
    assert not any(c in ("Оплаче", "Начисл", "но", "ено") for c in cells)
    # Each amount and quantity stands whole in one cell, with the chat's comma.
    async with bot_database.unit_of_work() as uow:
        account = await uow.accounts.by_number("700100103492")
        bill = await uow.bills.latest(account.id)
    for line in bill.suppliers:
        for service in line.services:
            for amount in (service.tariff, service.charged, service.debt_end):
                assert f"{amount:,.2f} ₽".replace(",", " ").replace(".", ",") in cells
            assert f"{service.quantity.normalize()}".replace(".", ",") in cells
    # The readings block: meter, the reading before and the one billed.
    meter_row = cells.index("517480")
    assert cells[meter_row + 1 : meter_row + 3] == ["Горячая вода", "—"]
    assert all("," in value for value in cells[meter_row + 3 : meter_row + 6])

    payloads = sorted(
        code.text
        for page in pypdfium2.PdfDocument(pdf)
        for code in zxingcpp.read_barcodes(page.render(scale=4).to_pil())
    )
    assert len(payloads) == 3  # one per supplier
    ztk = next(p for p in payloads if 'Name=ООО "ЗТК"' in p)
    fields = dict(part.split("=", 1) for part in ztk.split("|")[1:])
    assert ztk.startswith("ST00012|")
    assert fields["PersonalAcc"] == "40702810464000012875"
    assert fields["BIC"] == "046902606" and fields["PayeeINN"] == "7014059187"
    assert fields["CorrespAcc"] == "30101810800000000606"
    assert fields["PersAcc"] == "870100103492"
    assert fields["PaymPeriod"] == "102026"
    assert int(fields["Sum"]) > 0 and fields["Sum"].isdigit()  # kopecks


async def test_a_calendar_range_in_russian(chat, bot_database, demo):
    await open_history(chat, bot_database)
    await chat.press("🗓 Другой период")
    assert chat.last.text == "За какой период показать?"
    await chat.press("🗓 Выбрать период в календаре")
    labels = [b.text for _, b in chat.inline_buttons()]
    assert "🗓 Ноябрь 2026" in labels
    assert labels[1:8] == ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
    assert "🔍" not in labels
    await chat.press("📅 Месяцы")  # to jump to a month, or a year
    await chat.press("Октябрь")
    await chat.press("01")
    assert chat.last.text.startswith("Начало периода: 01.10.2026.")
    await chat.press("20")
    assert text(chat) == "<b>История ЛС</b> с 01.10.2026 по 20.10.2026"
    await chat.press("📄 Платёжные документы")
    assert [b.text.split(" · ")[0] for _, b in chat.inline_buttons()][:-1] == ["Октябрь 2026"]


async def test_a_range_ending_before_it_starts_or_in_the_future_is_refused(
    chat, bot_database, demo
):
    await open_history(chat, bot_database)
    await chat.press("🗓 Другой период")
    await chat.press("🗓 Выбрать период в календаре")
    await chat.press("10")
    await chat.press("05")
    assert chat.last.text.startswith("Конец периода раньше его начала.")

    message, button = next((m, b) for m, b in chat.inline_buttons() if b.text == "12")
    future = int((date(2026, 12, 31) - date(1970, 1, 1)) / timedelta(seconds=1))
    await chat.press_data(message, button.callback_data.rsplit(":", 1)[0] + f":{future}")
    assert chat.last.text.startswith("Этот день ещё не наступил.")


async def test_readings_history_and_the_consumption_chart(chat, bot_database, demo):
    await open_history(chat, bot_database)
    await chat.press("🗓 Другой период")
    await chat.press("За год")
    await chat.press("📟 Показания")
    await chat.press("Горячая вода — № ПУ 517480")
    lines = text(chat).splitlines()
    assert lines[0] == "<b>Горячая вода — № ПУ 517480</b>"
    assert lines[1] == 'МУП ЖКХ "Октябрьское" — № ЛС 880100103492'
    assert any(
        line.startswith("20.10.2026 · октябрь 2026 · ") and line.endswith(" м³") for line in lines
    )
    await chat.press("📈 График потребления")
    photo = next(m for m in reversed(chat.bot_messages()) if m.photo)
    assert photo.caption == "Потребление по счётчику № 517480"
    assert chat.session.files[photo.message_id].startswith(b"\x89PNG")

    # A reading sent today counts November so far: the chart says the month is not over.
    await chat.press("◀️ Назад")
    await chat.press("◀️ Назад")
    await chat.press("◀️ Назад")
    await chat.press("📟 Передать показания")
    await chat.press("№ 517480 · Горячая вода")
    await chat.send(str(await last_value(bot_database, "517480") + 1))
    await chat.press("◀️ Назад")
    await chat.press("📜 История")
    await chat.press("📟 Показания")
    await chat.press("Горячая вода — № ПУ 517480")
    await chat.press("📈 График потребления")
    photo = next(m for m in reversed(chat.bot_messages()) if m.photo)
    assert photo.caption == (
        "Потребление по счётчику № 517480\nНоябрь 2026 ещё не закончился: его столбец "
        "(заштрихован) — потребление по показаниям на 24.11.2026."
    )


async def test_in_english_the_receipt_prints_units_in_english(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("800200415527",))
    await chat.send("/language")
    await chat.press("🇬🇧 English")
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("📜 History")
    await chat.press("📄 Payment documents")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("🖨 Print the receipt")
    document = next(m for m in reversed(chat.bot_messages()) if m.document)
    cells: list[str] = []
    for page in PdfReader(io.BytesIO(chat.session.files[document.message_id])).pages:
        page.extract_text(visitor_text=lambda text, *_: cells.append(text.strip()))
    assert "kWh" in cells and "кВт·ч" not in cells


async def test_payments_per_supplier_account(chat, bot_database, demo):
    await open_history(chat, bot_database, "800200415527")
    await chat.press("💳 Оплаты")
    lines = text(chat).splitlines()
    assert '<b>ПАО "Томскэнергосбыт"</b> № ЛС 830200415527' in lines
    assert any(line.strip().startswith("08.10.2026 — ") for line in lines)


async def test_a_forged_bill_is_refused(chat, new_chat, bot_database, demo):
    await open_history(chat, bot_database, "800200415527")
    await chat.press("📄 Платёжные документы")
    message, button = chat.inline_buttons()[0]
    await chat.press_data(message, button.callback_data.rsplit(":", 1)[0] + ":1")  # EPD's
    assert chat.last.text.startswith("Этого документа нет среди документов вашего счёта.")


def five_years(today: date) -> str:
    """One account, three suppliers with eight services each, sixty months."""
    suppliers = SUPPLIERS[:3]
    services = [f"Услуга {n}" for n in range(1, 9)]
    contracts = [
        {
            "account": "555000111222",
            "supplier": s["code"],
            "service": name,
            "supplier_account_number": f"9{i}5000111222",
            "tariff_name": name,
            "tariff_value": "12.34",
            "tariff_unit": "м2",
        }
        for i, s in enumerate(suppliers)
        for name in services
    ]
    months, first = [], today.replace(day=1)
    for _ in range(60):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    bills, payments, readings = [], [], []
    for n, month in enumerate(reversed(months)):
        bills.append(
            {
                "account": "555000111222",
                "period": f"{month:%Y-%m}",
                "suppliers": [
                    {
                        "supplier": s["code"],
                        "debt_start": "100.00",
                        "paid": "100.00",
                        "charged": "98.72",
                        "to_pay": "98.72",
                        "services": [
                            {
                                "service": name,
                                "unit": "м2",
                                "quantity": "1",
                                "tariff": "12.34",
                                "price_per_unit": "12.34",
                                "debt_start": "12.50",
                                "paid": "12.50",
                                "charged": "12.34",
                                "debt_end": "12.34",
                            }
                            for name in services
                        ],
                    }
                    for s in suppliers
                ],
            }
        )
        for i, s in enumerate(suppliers):
            payments.append(
                {
                    "id": f"five-{n}-{i}",
                    "account": "555000111222",
                    "paid_at": f"{month:%Y-%m}-05T12:00:00+07:00",
                    "items": [  # one payment over two services: one sum to the resident
                        {"supplier": s["code"], "service": "Услуга 1", "amount": "50.00"},
                        {"supplier": s["code"], "service": "Услуга 2", "amount": "48.72"},
                    ],
                }
            )
        readings.append(
            {
                "value": f"{100 + n * 3}.000",
                "taken_at": f"{month:%Y-%m}-20T10:00:00+07:00",
                "billing_month": f"{month:%Y-%m}",
            }
        )
    meter = {
        "account": "555000111222",
        "number": "5Y-1",
        "service": "cold_water",
        "contract": {"supplier": suppliers[0]["code"], "service": "Услуга 1"},
        "unit": "м3",
        "digits": "6.3",
        "verified_until": "2030-01-01",
        "readings": readings,
    }
    return billing_file(
        suppliers=suppliers,
        accounts=[account("555000111222")],
        contracts=contracts,
        meters=[meter],
        bills=bills,
        payments=payments,
    )


async def test_five_years_of_history_page_within_telegrams_limits(chat, bot_database, clock):
    await import_billing(bot_database.engine, five_years(clock.today()))
    await open_history(chat, bot_database, "555000111222")
    await chat.press("🗓 Другой период")
    await chat.press("🗓 Выбрать период в календаре")
    message, button = next((m, b) for m, b in chat.inline_buttons() if b.text == "01")
    start = int((date(2021, 12, 1) - date(1970, 1, 1)) / timedelta(seconds=1))
    await chat.press_data(message, button.callback_data.rsplit(":", 1)[0] + f":{start}")
    message, button = next((m, b) for m, b in chat.inline_buttons() if b.text == "24")
    end = int((date(2026, 11, 24) - date(1970, 1, 1)) / timedelta(seconds=1))
    await chat.press_data(message, button.callback_data.rsplit(":", 1)[0] + f":{end}")
    assert text(chat) == "<b>История ЛС</b> с 01.12.2021 по 24.11.2026"

    await chat.press("📄 Платёжные документы")
    months = [b.text for _, b in chat.inline_buttons() if " · " in b.text]
    assert len(months) == 8  # a page of the sixty months; the group's pager turns it
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press('ПАО "Томскэнергосбыт"')
    assert "(1 из 3)" in chat.last.text
    await chat.press("Следующие ⏩")
    assert "(2 из 3)" in chat.last.text
    await chat.press("◀️ Назад")
    await chat.press("◀️ Назад")
    await chat.press("◀️ Назад")

    await chat.press("💳 Оплаты")
    assert "(1 из " in chat.last.text
    for _ in range(20):
        # Each page says whose payments it lists, and a payment is one line of its sum.
        lines = text(chat).splitlines()
        assert lines[2].startswith("<b>") and "№ ЛС 9" in lines[2], lines[:3]
        assert all(line.endswith("— 98,72 ₽") for line in lines[2:] if "—" in line), lines
        if "Следующие ⏩" not in [b.text for _, b in chat.inline_buttons()]:
            break
        await chat.press("Следующие ⏩")
    await chat.press("◀️ Назад")
    await chat.press("📟 Показания")
    await chat.press("Холодная вода — № ПУ 5Y-1")
    assert "(1 из 5)" in chat.last.text


async def test_a_button_whose_action_fails_is_answered_and_apologised_for(
    chat, bot_database, demo, logged_errors
):
    await open_history(chat, bot_database)
    await chat.press("📄 Платёжные документы")
    await chat.press(chat.inline_buttons()[0][1].text)
    chat.session.fail = lambda method: (
        TelegramBadRequest(method=method, message="Bad Request: file is too big")
        if isinstance(method, SendDocument)
        else None
    )
    bill, button = next((m, b) for m, b in chat.inline_buttons() if b.text == "🖨 Печать квитанции")

    query = await chat.press_data(bill, button.callback_data or "")

    # Without an answer a Telegram client keeps the button spinning.
    assert chat.callback_answer(query) is not None
    assert chat.last.text.startswith("😔 Что-то пошло не так.")
    assert [r.name for r in logged_errors] == ["handlers.errors"]
