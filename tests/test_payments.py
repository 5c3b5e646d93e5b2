"""Paying (guide section 7): a Telegram invoice and YooKassa's page, through the real SDK
against a local server that speaks YooKassa's API; each outcome recorded once, whatever
reports it and however often."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.config import Settings
from bot.console import Console
from bot.payments import check_payments
from bot.transports.local import visible_text
from bot.webhook import web_app
from domain import payments
from storage import tables as t
from storage.billing import format_payments, import_billing
from tests.chat import buttons, open_account
from tests.data import billing_file, bind_resident

ACCOUNT = "800200415527"  # the demo's electricity account: one supplier
EPD = "700100103492"  # the demo's single bill: several suppliers
CARD = "1111 1111 1111 1026"  # YooKassa's test card


@pytest.fixture
def settings(payment_settings: Settings) -> Settings:
    return payment_settings


@pytest.fixture
async def notifications(running, bot_database, yookassa):
    """The bot's notification endpoint, served as in production, told to the local YooKassa."""
    dp, _bot, _session = running
    runner = web.AppRunner(web_app(dp, bot_database))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yookassa.notify_url = f"http://127.0.0.1:{runner.addresses[0][1]}/yookassa/notifications"
    yield yookassa
    await runner.cleanup()


async def rows(database, table):
    async with database.engine.connect() as connection:
        return (await connection.execute(select(table).order_by(table.c.id))).all()


async def bot_payments(database):
    return [p for p in await rows(database, t.payments) if p.method != "billing"]


async def owed(database, number=ACCOUNT) -> list[tuple[str, Decimal]]:
    """Each service contract of the account with what its lines of the latest bill owe at
    the bill's end (a band's line, "… сверх соц. нормы", is its service's)."""
    async with database.unit_of_work() as uow:
        account = await uow.accounts.by_number(number)
        bill = await uow.bills.latest(account.id)
    owes: dict[str, Decimal] = {}
    for line in bill.suppliers:
        for s in line.services:
            service = s.service.removesuffix(" сверх соц. нормы").removesuffix(" по нормативу")
            owes[service] = owes.get(service, Decimal(0)) + s.debt_end
    return list(owes.items())


async def open_payment(chat, database, number=ACCOUNT):
    await open_account(chat, database, number, "💳 Оплатить")


def plain(text: str | None) -> str:
    """A message as the resident reads it: no markup, ordinary spaces."""
    return visible_text(text or "", "HTML").replace("\u00a0", " ")


def seen(chat) -> str:
    return plain(chat.last.text)


def said(chat, text: str) -> int:
    return sum(text in plain(m.text) for m in chat.bot_messages())


# --- The form ---------------------------------------------------------------------------------


async def test_the_form_lists_what_is_due_per_supplier_and_amounts_can_be_changed(
    chat, bot_database, demo
):
    await open_payment(chat, bot_database, EPD)
    form = seen(chat)
    assert form.startswith("Оплата · ЛС № 700100103492")
    assert 'ООО "ЗТК", ЛС № 870100103492' in form
    total = demo[EPD].latest_total
    assert f"К оплате: {total:,.2f} ₽".replace(",", " ").replace(".", ",") in form
    assert "Чек придёт на: resident100001@example.org" in form

    line = next(b for b in buttons(chat) if "ЗТК" in b)
    await chat.press(line)
    for wrong, answer in (
        ("сто рублей", "Это не похоже на сумму"),
        ("-5", "Это не похоже на сумму"),
        ("1,005", "Это не похоже на сумму"),
        ("600 000", "не больше 500 000,00 ₽"),
    ):
        await chat.send(wrong)
        assert answer in seen(chat)
    await chat.send("1 000,5")
    assert 'ООО "ЗТК", ЛС № 870100103492: 1 000,50 ₽ (осталось оплатить' in seen(chat)

    await chat.press("💳 Оплатить в Telegram")
    assert "согласитесь с правилами оплаты" in seen(chat)
    assert await bot_payments(bot_database) == []

    await chat.press("📄 Правила оплаты")
    assert "Правила оплаты" in seen(chat) and "54-ФЗ" in seen(chat)
    await chat.press("◀️ Назад")
    await chat.press("📧 Куда прислать чек")
    await chat.send("не почта")
    assert "Это не похоже на e-mail" in seen(chat)
    await chat.send("Receipts@Example.org")
    assert "Чек придёт на: receipts@example.org" in seen(chat)

    # Back from either question is the form, as it was left.
    await chat.press("📧 Куда прислать чек")
    await chat.press("◀️ Назад")
    assert "Чек придёт на: receipts@example.org" in seen(chat)
    await chat.press(next(b for b in buttons(chat) if "ЗТК" in b))
    assert "✖️ Отмена" not in buttons(chat)
    await chat.press("◀️ Назад")
    assert "1 000,50 ₽ (осталось оплатить" in seen(chat)


async def test_the_receipt_goes_where_the_last_one_went(chat, bot_database, demo, yookassa):
    await open_payment(chat, bot_database)
    await chat.press("📧 Куда прислать чек")
    await chat.send("receipts@example.org")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")
    [asked] = await bot_payments(bot_database)
    assert asked.receipt_contact == "receipts@example.org"

    await chat.send("/start")
    await chat.send("/accounts")  # another day, another payment
    await chat.press(buttons(chat)[0])
    await chat.press("💳 Оплатить")
    assert "Чек придёт на: receipts@example.org" in seen(chat)


async def test_a_supplier_s_payment_is_booked_to_its_services_as_the_bill_shares_them(
    chat, bot_database, demo
):
    """A supplier with two services (cold and hot water) paid in part: each service's
    contract gets its share of what the bill says it owes, to the kopeck."""
    services = dict(await owed(bot_database, EPD))
    cold, hot = services["Холодная вода"], services["Горячая вода"]
    await open_payment(chat, bot_database, EPD)
    await chat.press(next(b for b in buttons(chat) if "Октябрьское" in b))
    await chat.send("1 000")
    for line in [b for b in buttons(chat) if "Октябрьское" not in b and "₽" in b]:
        await chat.press(line)
        await chat.send("0")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")
    [payment] = await bot_payments(bot_database)
    items = [i for i in await rows(bot_database, t.payment_items) if i.payment_id == payment.id]
    async with bot_database.unit_of_work() as uow:
        booked = {(await uow.contracts.get(i.contract_id))[0].service: i.amount for i in items}
    assert sum(booked.values()) == payment.amount == Decimal("1000.00")
    assert set(booked) == {"Холодная вода", "Горячая вода"}
    # In proportion, to the kopeck (within one of the exact share).
    assert abs(booked["Холодная вода"] - Decimal(1000) * cold / (cold + hot)) < Decimal("0.01")
    receipt = json.loads(chat.session.invoices[chat.invoice().message_id].provider_data)["receipt"]
    assert {
        i["description"].split(",")[0]: Decimal(i["amount"]["value"]) for i in receipt["items"]
    } == booked


async def test_the_consent_shows_its_tick_and_a_double_tap_keeps_it(chat, bot_database, demo):
    await open_payment(chat, bot_database)
    assert "Чтобы оплатить, согласитесь с правилами оплаты." in seen(chat)
    await chat.press_at_once("⬜ Согласен с правилами")  # a resident making sure
    assert "✅ С правилами оплаты согласен." in seen(chat)
    assert "✅ Согласен с правилами" in buttons(chat)
    await chat.press("✅ Согласен с правилами")  # taken back
    assert "Чтобы оплатить, согласитесь с правилами оплаты." in seen(chat)
    await chat.press("💳 Оплатить в Telegram")
    assert "согласитесь с правилами оплаты" in seen(chat)
    assert await bot_payments(bot_database) == []


async def test_zero_everywhere_is_nothing_to_pay(chat, bot_database, demo):
    await open_payment(chat, bot_database)
    await chat.press("✏️")
    await chat.send("0")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")
    assert "Нечего оплачивать" in seen(chat)
    assert await bot_payments(bot_database) == []


# --- A Telegram invoice ---------------------------------------------------------------------


async def _invoice(chat, database, number=ACCOUNT):
    await open_payment(chat, database, number)
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")
    return chat.invoice()


async def test_a_resident_pays_an_invoice_and_it_is_recorded_once(
    chat, bot_database, demo, yookassa, session
):
    due = demo[ACCOUNT].latest_total
    invoice = await _invoice(chat, bot_database)
    sent = session.invoices[invoice.message_id]
    assert invoice.invoice.total_amount == int(due * 100) and sent.currency == "RUB"
    assert "Счёт на оплату — выше" in seen(chat)
    receipt = json.loads(sent.provider_data)["receipt"]
    assert receipt["customer"] == {"email": f"resident{chat.user.id}@example.org"}
    # A line per service, each what the bill says the service owes.
    assert [(i["description"], Decimal(i["amount"]["value"])) for i in receipt["items"]] == [
        (f'{service}, ПАО "Томскэнергосбыт", 830200415527', debt)
        for service, debt in await owed(bot_database)
    ]
    assert {(i["vat_code"], i["payment_subject"], i["payment_mode"]) for i in receipt["items"]} == {
        (1, "service", "full_payment")
    }
    [pending] = await bot_payments(bot_database)
    assert pending.status == "pending" and pending.amount == due  # stored before paying

    assert await chat.pay(invoice, "1234 5678 9012 3456") == "card number is invalid"
    assert await chat.pay(invoice, CARD, yookassa.charge) is None
    assert said(chat, "Оплата прошла") == 1
    [paid] = await bot_payments(bot_database)
    assert paid.status == "succeeded" and paid.provider_payment_id in yookassa.payments
    assert paid.amount == due and not paid.in_billing
    # Checked with YooKassa's API before it counted.
    assert ("GET", f"/v3/payments/{paid.provider_payment_id}") in yookassa.requests

    # The same invoice again: refused before any money is taken.
    assert await chat.pay(invoice, CARD, yookassa.charge) == "Этот счёт уже оплачен."
    # Telegram's message of the payment delivered twice: one payment, one message.
    await chat.succeed(sent, int(due * 100), paid.provider_payment_id)
    assert said(chat, "Оплата прошла") == 1
    assert [p.status for p in await bot_payments(bot_database)] == ["succeeded"]

    # The history shows it at once, and the menu counts it.
    await chat.send("/start")
    assert "К оплате" not in seen(chat)
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    assert "С учётом оплат после счёта: 0,00 ₽" in seen(chat)


async def test_two_reports_of_one_payment_at_once_record_it_once(
    chat, bot_database, demo, yookassa, session
):
    invoice = await _invoice(chat, bot_database)
    sent = session.invoices[invoice.message_id]
    total = invoice.invoice.total_amount
    provider_id = await yookassa.charge(sent, total)
    await asyncio.gather(*(chat.succeed(sent, total, provider_id) for _ in range(3)))
    assert said(chat, "Оплата прошла") == 1
    assert [p.status for p in await bot_payments(bot_database)] == ["succeeded"]


async def test_a_tampered_total_a_forged_payload_and_a_stale_invoice_are_refused(
    chat, new_chat, bot_database, demo, yookassa, session, clock
):
    invoice = await _invoice(chat, bot_database)
    sent = session.invoices[invoice.message_id]
    tampered = sent.model_copy(
        update={"prices": [p.model_copy(update={"amount": 100}) for p in sent.prices]}
    )
    session.invoices[invoice.message_id] = tampered
    assert await chat.pay(invoice, CARD) == "Сумма счёта изменилась. Откройте оплату заново."

    # Another resident presenting this resident's payment.
    other = new_chat(100002)
    await open_payment(other, bot_database)
    session.invoices[invoice.message_id] = sent
    other_invoice = invoice.model_copy(update={"chat": other.chat})
    assert (
        await other.pay(other_invoice, CARD)
        == "Этот счёт больше не действует. Откройте оплату заново."
    )
    for payload in ("payment:99999", "payment:9223372036854775808", "payment:1\x00", "x" * 128):
        session.invoices[invoice.message_id] = sent.model_copy(update={"payload": payload})
        assert (
            await chat.pay(invoice, CARD)
            == "Этот счёт больше не действует. Откройте оплату заново."
        )

    # Past its time.
    session.invoices[invoice.message_id] = sent
    clock.advance(hours=2)
    assert await chat.pay(invoice, CARD) == (
        "Время на оплату этого счёта истекло. Откройте оплату заново."
    )
    assert [p.status for p in await bot_payments(bot_database)] == ["pending"]
    assert said(chat, "Оплата прошла") == 0


async def test_an_unlinked_account_is_not_paid(chat, bot_database, demo, yookassa):
    invoice = await _invoice(chat, bot_database)
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("🔗 Отключить лицевой счёт")
    await chat.press("Да")
    assert await chat.pay(invoice, CARD, yookassa.charge) == (
        "Этот счёт больше не действует. Откройте оплату заново."
    )


async def test_an_older_invoice_is_refused_once_a_newer_one_was_sent(
    chat, bot_database, demo, yookassa
):
    older = await _invoice(chat, bot_database)
    await chat.press("✅ Готово")
    await chat.press("💳 Оплатить")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")
    newer = chat.invoice()
    assert newer.message_id != older.message_id

    assert await chat.pay(older, CARD, yookassa.charge) == (
        "Этот счёт больше не действует: позже вы открыли новую оплату — завершите её."
    )
    assert await chat.pay(newer, CARD, yookassa.charge) is None
    # Once the newer is paid, the older says so.
    assert await chat.pay(older, CARD, yookassa.charge) == "Этот счёт уже оплачен."
    assert sorted(p.status for p in await bot_payments(bot_database)) == ["canceled", "succeeded"]
    assert said(chat, "Оплата прошла") == 1
    assert said(chat, "не прошла") == 0  # a replaced form is no failure to tell of


async def test_money_taken_after_the_account_was_unlinked_is_recorded_and_told(
    chat, bot_database, demo, yookassa, clock
):
    invoice = await _invoice(chat, bot_database)

    async def unlink_then_charge(sent, total):
        # Between Telegram's pre-checkout and its charge the resident unlinks the account.
        await chat.send("/accounts")
        await chat.press(buttons(chat)[0])
        await chat.press("🔗 Отключить лицевой счёт")
        await chat.press("Да")
        return await yookassa.charge(sent, total)

    assert await chat.pay(invoice, CARD, unlink_then_charge) is None

    [paid] = await bot_payments(bot_database)
    assert paid.status == "succeeded" and paid.paid_at is not None
    assert said(chat, "Оплата прошла") == 1
    async with bot_database.unit_of_work() as uow:
        exported = await uow.payments.paid_since(clock.now() - timedelta(days=1))
    assert [e.payment.id for e in exported] == [paid.id]


async def test_money_on_a_replaced_form_is_let_go_or_recorded_and_staff_hear_of_it(
    chat, staff, bot_database, demo, notifications, clock, logged_errors
):
    yookassa = notifications
    await _page(chat, bot_database)
    [page_payment] = yookassa.payments
    await chat.press("✅ Готово")
    await chat.press("💳 Оплатить")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")  # replaces the page's payment

    # The customer pays on the page opened before all the same: YooKassa only holds the
    # money, and the bot lets it go, so the bill is paid through one form.
    await yookassa.pay(page_payment)
    await chat.deliver_notifications()
    assert yookassa.payments[page_payment]["status"] == "canceled"
    assert ("POST", f"/v3/payments/{page_payment}/capture") not in yookassa.requests
    assert said(chat, "после неё вы открыли новую оплату — завершите её") == 1
    assert "Деньги не списаны: сумму, которую банк удержал на карте, он вернёт." in seen(chat)
    assert [p.status for p in await bot_payments(bot_database)] == ["canceled", "pending"]
    assert chat.last.reply_markup is None  # nothing to try again: the newer form is there
    await yookassa.notify(page_payment)  # YooKassa's word of the cancel: nothing more said
    assert said(chat, "после неё вы открыли новую оплату") == 1

    # Telegram charged the invoice after its pre-checkout, but its success arrives after the
    # resident opened the form again: money taken, recorded, and staff hear of it.
    first = chat.session.invoices[chat.invoice().message_id]
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("💳 Оплатить")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("💳 Оплатить в Telegram")
    await chat.succeed(first, sum(price.amount for price in first.prices), "tg-late")
    paid = [p for p in await bot_payments(bot_database) if p.status == "succeeded"]
    assert [p.provider_payment_id for p in paid] == ["tg-late"]
    assert said(chat, "Оплата прошла") == 1
    [alert] = [m.text for m in staff.bot_messages() if "Платёж требует проверки" in m.text]
    assert "оплачена форма, которую житель заменил новой" in plain(alert)
    assert f"Платёж № {paid[0].id}, ЛС № {ACCOUNT}" in plain(alert)
    # The invoice sent after it no longer pays anything, and the form says the bill is paid.
    assert await chat.pay(chat.invoice(), CARD) == "Этот счёт уже оплачен."
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("💳 Оплатить")
    assert "✅ Счёт за октябрь 2026 оплачен" in seen(chat)
    assert not [b for b in buttons(chat) if "Оплатить" in b or "Согласен" in b]
    # The bill in the history says so too.
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("📜 История")
    await chat.press("📄 Платёжные документы")
    await chat.press(buttons(chat)[0])
    assert "Итого к оплате: 689,10 ₽\n✅ Счёт оплачен." in seen(chat).replace("\xa0", " ")

    # Telegram reports money taken for an invoice that names none of the bot's payments.
    sent = chat.session.invoices[chat.invoice().message_id]
    forged = sent.model_copy(update={"payload": "payment:2147483648"})
    await chat.succeed(forged, 12345, "tg-provider-1")
    alerts = [plain(m.text) for m in staff.bot_messages() if "Платёж требует проверки" in m.text]
    assert len(alerts) == 2
    assert "Telegram принял оплату, которой нет среди платежей бота" in alerts[1]
    assert "tg-provider-1" in alerts[1] and "123,45 ₽" in alerts[1]
    [logged] = [r.getMessage() for r in logged_errors]
    assert logged.startswith("Telegram took 12345 RUB from user 100001")


# --- YooKassa's page --------------------------------------------------------------------------


async def _page(chat, database, number=ACCOUNT):
    await open_payment(chat, database, number)
    await chat.press("⬜ Согласен с правилами")
    await chat.press("🌐 Оплатить на сайте ЮKassa")


async def test_a_resident_pays_on_yookassa_s_page(chat, bot_database, demo, notifications, clock):
    yookassa = notifications
    await _page(chat, bot_database, EPD)
    assert "Платёж создан" in seen(chat)
    [url] = [b.url for _, b in chat.inline_buttons() if b.url]
    [provider_id] = yookassa.payments
    created = yookassa.payments[provider_id]
    assert url == created["confirmation"]["confirmation_url"]
    [pending] = await bot_payments(bot_database)
    assert created["metadata"]["payment_id"] == str(pending.id)
    assert Decimal(created["amount"]["value"]) == pending.amount == demo[EPD].latest_total
    assert sum(Decimal(i["amount"]["value"]) for i in created["receipt"]["items"]) == pending.amount
    assert yookassa.by_key == {pending.idempotence_key: provider_id}

    # The customer pays; the notification (delivered twice) and the check job report it at
    # the same moment.
    await yookassa.pay(provider_id, notify=False)
    clock.advance(minutes=1)
    answers = await asyncio.gather(
        yookassa.notify(provider_id),
        yookassa.notify(provider_id),
        check_payments(bot_database, *_job(chat)),
    )
    await chat.deliver_notifications()
    assert answers[:2] == [200, 200]
    assert said(chat, "Оплата прошла") == 1
    # Paid in two steps: held on the page, taken by the bot.
    assert provider_id in yookassa.two_step
    assert yookassa.payments[provider_id]["status"] == "succeeded"
    [paid] = await bot_payments(bot_database)
    assert paid.status == "succeeded" and paid.provider_payment_id == provider_id
    items = [i for i in await rows(bot_database, t.payment_items) if i.payment_id == paid.id]
    assert sum(i.amount for i in items) == paid.amount and len(items) > 1

    # Reported again later: nothing more.
    assert await yookassa.notify(provider_id) == 200
    await check_payments(bot_database, *_job(chat))
    await chat.deliver_notifications()
    assert said(chat, "Оплата прошла") == 1
    exposition = (await chat.dispatcher["metrics"].exposition()).decode()
    assert 'bot_payments_total{status="succeeded"} 1.0' in exposition


def _job(chat):
    dp = chat.dispatcher
    return dp["clock"], dp["payment_notifier"], dp["payment_gateway"]


async def test_a_report_read_before_the_money_was_taken_does_not_let_it_go(
    chat, bot_database, demo, notifications
):
    """Two processes read "held" from YooKassa; one takes the money and records it, then the
    other acts on what it read: it must take (the same key, the same answer), not let go."""
    yookassa = notifications
    await _page(chat, bot_database)
    [provider_id] = yookassa.payments
    await yookassa.pay(provider_id, notify=False)
    clock, notifier, gateway = _job(chat)
    stale_report = await gateway.fetch(provider_id)
    [stale] = await bot_payments(bot_database)
    async with bot_database.unit_of_work() as uow:
        stale_payment = await uow.payments.get(stale.id)
    assert stale_report.status == "waiting_for_capture"

    assert await yookassa.notify(provider_id) == 200
    async with bot_database.unit_of_work() as uow:
        assert not await payments.apply_report(
            uow, clock, notifier, gateway, stale_payment, stale_report
        )
    await chat.deliver_notifications()
    assert yookassa.payments[provider_id]["status"] == "succeeded"
    assert ("POST", f"/v3/payments/{provider_id}/cancel") not in yookassa.requests
    [paid] = await bot_payments(bot_database)
    assert paid.status == "succeeded"
    assert said(chat, "Оплата прошла") == 1


async def test_a_notification_from_outside_yookassa_is_refused(
    chat, bot_database, demo, notifications
):
    yookassa = notifications
    await _page(chat, bot_database)
    [provider_id] = yookassa.payments
    yookassa.payments[provider_id]["status"] = "succeeded"
    assert await yookassa.notify(provider_id, sender="203.0.113.7") == 403
    [payment] = await bot_payments(bot_database)
    assert payment.status == "pending" and said(chat, "Оплата прошла") == 0


async def test_a_notification_is_believed_only_as_far_as_yookassa_confirms_it(
    chat, bot_database, demo, notifications
):
    """A notification claiming success for a payment YooKassa still has pending."""
    yookassa = notifications
    await _page(chat, bot_database)
    [provider_id] = yookassa.payments
    assert await yookassa.notify(provider_id) == 200  # its status there: pending
    [payment] = await bot_payments(bot_database)
    assert payment.status == "pending"


async def test_a_notification_of_a_payment_yookassa_does_not_know_is_not_sent_again(
    notifications, caplog
):
    """YooKassa answers 404 for the id: a retry would get the same, so it is acknowledged."""
    yookassa = notifications
    body = {"type": "notification", "event": "payment.succeeded", "object": {"id": "x-9"}}
    async with aiohttp.ClientSession() as http:
        answer = await http.post(
            yookassa.notify_url, json=body, headers={"X-Forwarded-For": yookassa.sender}
        )
        assert answer.status == 200
        nested = b'{"object": ' * 5000 + b"1" + b"}" * 5000
        malformed = await http.post(
            yookassa.notify_url, data=nested, headers={"X-Forwarded-For": yookassa.sender}
        )
        assert malformed.status == 400
    assert "which YooKassa does not know" in caplog.text


async def test_a_canceled_payment_is_told_with_its_reason_and_can_be_tried_again(
    chat, bot_database, demo, notifications
):
    yookassa = notifications
    await _page(chat, bot_database)
    [provider_id] = yookassa.payments
    await yookassa.cancel(provider_id, "insufficient_funds")
    await chat.deliver_notifications()
    assert "на карте недостаточно средств" in seen(chat)
    [payment] = await bot_payments(bot_database)
    assert payment.status == "canceled" and payment.cancel_reason == "insufficient_funds"

    notice = chat.last
    await chat.press("🔁 Попробовать снова")
    assert seen(chat).startswith("Оплата · ЛС № 800200415527")
    # The form came below the notice, which stays; Back leads to the main menu.
    assert chat.last.message_id != notice.message_id
    assert "на карте недостаточно средств" in plain(chat.bot_messages()[-2].text)
    await chat.press("◀️ Назад")
    assert "добро пожаловать в личный кабинет!" in seen(chat)


async def test_yookassa_down_then_up_charges_once(chat, bot_database, demo, notifications):
    yookassa = notifications
    await open_payment(chat, bot_database)
    await chat.press("⬜ Согласен с правилами")
    await yookassa.stop()
    await chat.press("🌐 Оплатить на сайте ЮKassa")
    assert "Платёжный сервис сейчас не отвечает" in seen(chat)
    [pending] = await bot_payments(bot_database)
    assert pending.status == "pending" and pending.provider_payment_id is None

    await yookassa.start()  # on the same port
    await chat.press("🌐 Оплатить на сайте ЮKassa")
    assert "Платёж создан" in seen(chat)
    [same] = await bot_payments(bot_database)
    assert same.id == pending.id and len(yookassa.payments) == 1


async def test_money_held_is_taken_once_yookassa_answers_again(
    chat, bot_database, demo, notifications, clock
):
    yookassa = notifications
    await _page(chat, bot_database)
    [provider_id] = yookassa.payments
    yookassa.failing.add("capture")
    await yookassa.pay(provider_id, notify=False)
    # YooKassa says the money is held, then fails to take it: asked to notify again.
    assert await yookassa.notify(provider_id) == 503
    [held] = await bot_payments(bot_database)
    assert held.status == "pending" and said(chat, "Оплата прошла") == 0

    yookassa.failing.clear()
    clock.advance(minutes=1)
    await check_payments(bot_database, *_job(chat))
    assert await yookassa.notify(provider_id) == 200  # YooKassa's retry, after the job
    await chat.deliver_notifications()
    assert yookassa.payments[provider_id]["status"] == "succeeded"
    [paid] = await bot_payments(bot_database)
    assert paid.status == "succeeded" and said(chat, "Оплата прошла") == 1


async def test_without_a_notification_the_check_job_settles_or_expires(
    chat, new_chat, bot_database, demo, notifications, clock
):
    yookassa = notifications
    await _page(chat, bot_database)
    [provider_id] = yookassa.payments
    await yookassa.pay(provider_id, notify=False)
    await check_payments(bot_database, *_job(chat))  # not yet its time
    assert said(chat, "Оплата прошла") == 0
    clock.advance(minutes=1)
    await check_payments(bot_database, *_job(chat))
    await chat.deliver_notifications()
    assert said(chat, "Оплата прошла") == 1

    other = new_chat(100002)
    await _page(other, bot_database, EPD)
    clock.advance(hours=2)
    await check_payments(bot_database, *_job(chat))
    await other.deliver_notifications()
    assert "время на оплату истекло" in seen(other)
    statuses = sorted(p.status for p in await bot_payments(bot_database))
    assert statuses == ["expired", "succeeded"]


# --- The billing system ---------------------------------------------------------------------


async def test_the_export_gives_billing_what_was_paid_and_its_import_does_not_double_it(
    chat, bot_database, demo, yookassa, session, clock
):
    invoice = await _invoice(chat, bot_database)
    assert await chat.pay(invoice, CARD, yookassa.charge) is None
    [paid] = await bot_payments(bot_database)
    async with bot_database.unit_of_work() as uow:
        exported = await uow.payments.paid_since(clock.now() - timedelta(days=1))
    lines = format_payments(exported, "csv").splitlines()
    assert lines[0] == (
        "payment,provider_payment_id,account,supplier,supplier_account,service,amount,"
        "paid_at,method"
    )
    # Each service's money is booked to its own contract, as the bill shares it out.
    services = await owed(bot_database)
    assert [service for service, _ in services] == [
        "Электроэнергия (день)",
        "Электроэнергия (ночь)",
    ]
    assert sum(debt for _, debt in services) == paid.amount
    assert lines[1:] == [
        f"{paid.id},{paid.provider_payment_id},{ACCOUNT},tes,830200415527,{service},"
        f"{debt},{paid.paid_at.isoformat()},telegram"
        for service, debt in services
    ]
    document = json.loads(format_payments(exported, "json"))
    assert document["format"] == "tes-payments/1"
    assert document["payments"][0]["items"] == [
        {
            "supplier": "tes",
            "supplier_account": "830200415527",
            "service": service,
            "amount": str(debt),
        }
        for service, debt in services
    ]

    # Billing takes it in and sends it back with its own id: the same payment, now billed.
    back = {
        "id": "bank-000001",
        "provider_payment_id": paid.provider_payment_id,
        "account": ACCOUNT,
        "paid_at": paid.paid_at.isoformat(),
        "items": [
            {"supplier": "tes", "service": service, "amount": str(debt)}
            for service, debt in services
        ],
    }
    before = len(await rows(bot_database, t.payments))
    await import_billing(bot_database.engine, billing_file(payments=[back]))
    await import_billing(bot_database.engine, billing_file(payments=[back]))
    assert len(await rows(bot_database, t.payments)) == before
    [billed] = await bot_payments(bot_database)
    assert billed.in_billing and billed.external_id == "bank-000001"
    assert billed.created_at == paid.created_at


# --- The demo chat ----------------------------------------------------------------------------


async def test_the_demo_chat_pays_both_ways(chat, bot_database, demo, notifications):
    yookassa = notifications
    lines: list[str] = []
    console = Console(chat, lines.append, yookassa)

    async def press(text: str) -> None:
        await console.handle(str(next(i for i, b in enumerate(buttons(chat), 1) if text in b)))

    async def open_form(number: str) -> None:
        await console.handle("/accounts")
        await press(demo[number].address.split(", ")[-2])  # the house names the account
        await press("💳 Оплатить")
        await press("⬜ Согласен с правилами")

    await bind_resident(bot_database, chat.user.id, link=(ACCOUNT, EPD))
    await console.handle("/card 1111 1111 1111 1026")  # before any invoice
    assert (
        lines[-1]
        == "💳 Telegram: no invoice in this chat yet: send one from the payment form first"
    )
    await open_form(ACCOUNT)
    await press("💳 Оплатить в Telegram")
    assert any(line.startswith("🤖 [invoice] Оплата по ЛС № 800200415527") for line in lines)
    await console.handle("/card 4111 1111 1111 1112")
    assert "💳 Telegram: card number is invalid" in lines
    await console.handle("/card 1111 1111 1111 1026")
    assert any("Оплата прошла" in line for line in lines)

    await open_form(EPD)
    lines.clear()
    await press("🌐 Оплатить на сайте ЮKassa")
    [page] = [line.split(" → ")[1] for line in lines if "Перейти к оплате → " in line]
    async with aiohttp.ClientSession() as http, http.get(page) as response:
        assert response.status == 200 and "/yookassa pay" in await response.text()
    await console.handle("/yookassa cancel")
    assert any("на карте недостаточно средств" in line for line in lines)
