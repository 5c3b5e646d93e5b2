"""Paying an account's bill (guide section 7): the amount per supplier of the latest bill,
each changeable, the receipt's contact, consent to the payment rules, then a Telegram
invoice or YooKassa's payment page, as the settings offer them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery, LabeledPrice, Message
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, SwitchTo, Url
from aiogram_dialog.widgets.text import Format
from aiogram_i18n import I18nContext

from dialogs.context import chosen_account, ctx
from dialogs.inputs import question
from dialogs.states import PaymentSG
from dialogs.widgets import Dialog, Notice, Tr, choices, label, notify
from domain import payments
from domain.errors import (
    AccountNotFound,
    AmountTooLarge,
    InvalidInput,
    NothingToPay,
    PaymentRefused,
    PaymentServiceDown,
    RulesNotAccepted,
)
from domain.model import Payment, PaymentMethod, PaymentStatus, Profile
from domain.money import to_kopecks
from domain.payments import Due, PaymentTerms
from domain.ports import UnitOfWork
from rendering.texts import joined, short_address

INVOICE_TITLE = 32  # characters Telegram shows of an invoice's title


def _amounts(manager: DialogManager, due: Due) -> dict[int, Decimal]:
    """The amounts the resident chose, per contract; what is due where they chose none."""
    chosen = manager.dialog_data.get("amounts", {})
    return {
        line.contract_id: Decimal(chosen.get(str(line.contract_id), line.due)) for line in due.lines
    }


async def on_start(_start_data: Any, manager: DialogManager) -> None:
    """The receipt goes where the last one went: the resident need not type it each time."""
    context = ctx(manager)
    manager.dialog_data["contact"] = await payments.receipt_contact(
        context.uow, context.profile, context.payment_terms
    )


async def get_form(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    profile: Profile,
    i18n: I18nContext,
    payment_terms: PaymentTerms,
    payment_methods: tuple[PaymentMethod, ...],
    **_: Any,
) -> dict[str, Any]:
    due = await payments.due_of(uow, profile, chosen_account(dialog_manager))
    amounts = _amounts(dialog_manager, due)
    # A bill the payments since have covered is paid: nothing to choose, nothing to pay.
    payable = due.total > 0
    lines = [
        i18n.get(
            "payment-line",
            supplier=line.supplier.name,
            account=line.contract.supplier_account_number,
            due=line.due,
            amount=amounts[line.contract_id],
            changed="yes" if amounts[line.contract_id] != line.due else "no",
        )
        for line in due.lines
    ]
    return {
        "address": short_address(due.account.address),
        "number": due.account.number,
        "period": due.period or "",
        "has_bill": ("yes" if payable else "paid") if due.lines else "no",
        "lines": joined(lines, "\n"),
        "items": [
            (
                line.contract_id,
                label(
                    i18n,
                    "payment-line-button",
                    supplier=line.supplier.name,
                    amount=amounts[line.contract_id],
                ),
            )
            for line in due.lines
        ],
        "total": sum(amounts.values(), Decimal("0.00")),
        "contact": dialog_manager.dialog_data["contact"],
        "sms": "yes" if payment_terms.sms_receipts else "no",
        "accepted": "yes" if dialog_manager.dialog_data.get("accepted") else "no",
        "payable": payable,
        "telegram": payable and PaymentMethod.TELEGRAM in payment_methods,
        "yookassa": payable and PaymentMethod.YOOKASSA in payment_methods,
        "none": "yes" if not payment_methods else "no",
    }


async def on_line(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, contract_id: int
) -> None:
    manager.dialog_data["editing"] = contract_id
    await manager.switch_to(PaymentSG.amount)


async def get_editing(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, **_: Any
) -> dict[str, Any]:
    due = await payments.due_of(uow, profile, chosen_account(dialog_manager))
    line = due.line(dialog_manager.dialog_data["editing"])
    return {
        "supplier": line.supplier.name,
        "account": line.contract.supplier_account_number,
        "due": line.due,
    }


async def on_amount(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        amount = payments.read_amount(message.text or "", ctx(manager).payment_terms)
    except InvalidInput:
        notify(manager, "payment-invalid-amount")
        return
    except AmountTooLarge as error:
        notify(manager, "payment-too-large", limit=error.limit)
        return
    chosen = manager.dialog_data.setdefault("amounts", {})
    chosen[str(manager.dialog_data["editing"])] = str(amount)
    manager.dialog_data.pop("payment", None)  # another amount is another payment
    await manager.switch_to(PaymentSG.form)


async def on_contact(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        contact = payments.read_contact(message.text or "", ctx(manager).payment_terms)
    except InvalidInput:
        notify(manager, "payment-invalid-contact")
        return
    manager.dialog_data["contact"] = contact
    manager.dialog_data.pop("payment", None)
    await manager.switch_to(PaymentSG.form)


async def on_accept(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Ticks or unticks; each state has a button of its own, so the second tap of a double
    tap finds no button to press and leaves the tick."""
    manager.dialog_data["accepted"] = button.widget_id == "accept"


async def _start(manager: DialogManager, method: PaymentMethod) -> Payment:
    """The pending payment of what the form shows, recorded once: pressing Pay again after a
    failure pays the same payment, so the provider charges it at most once."""
    context = ctx(manager)
    terms = context.payment_terms
    account_id = chosen_account(manager)
    due = await payments.due_of(context.uow, context.profile, account_id)
    amounts = _amounts(manager, due)
    contact = manager.dialog_data["contact"]
    asked = json.dumps([method, contact, sorted((k, str(v)) for k, v in amounts.items())])
    kept = manager.dialog_data.get("payment")
    if kept and kept["asked"] == asked:
        payment = await context.uow.payments.get(kept["id"])
        if (
            payment is not None
            and payment.status is PaymentStatus.PENDING
            and not payment.expired(context.clock.now())
        ):
            return payment
    payment = await payments.start_payment(
        context.uow,
        context.clock,
        context.resident,
        context.profile,
        account_id,
        amounts,
        contact,
        method,
        terms,
        rules_accepted=manager.dialog_data.get("accepted", False),
    )
    manager.dialog_data["payment"] = {"id": payment.id, "asked": asked}
    return payment


def _explain(manager: DialogManager, error: Exception) -> None:
    if isinstance(error, AmountTooLarge):
        notify(manager, "payment-too-large", limit=error.limit)
    elif isinstance(error, RulesNotAccepted):
        notify(manager, "payment-accept-rules")
    elif isinstance(error, NothingToPay):
        notify(manager, "payment-nothing")
    elif isinstance(error, InvalidInput):
        notify(manager, "payment-invalid-contact")
    elif isinstance(error, AccountNotFound):
        notify(manager, "accounts-not-found")
    elif isinstance(error, PaymentRefused):
        notify(manager, f"payment-refused-{error.reason}")
    else:
        notify(manager, "payment-service-down")


EXPLAINED = (
    AmountTooLarge,
    RulesNotAccepted,
    NothingToPay,
    InvalidInput,
    AccountNotFound,
    PaymentRefused,
    PaymentServiceDown,
)


async def on_pay_telegram(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    context = ctx(manager)
    try:
        payment = await _start(manager, PaymentMethod.TELEGRAM)
    except EXPLAINED as error:
        _explain(manager, error)
        return
    account = await context.uow.accounts.get(payment.account_id)
    assert account is not None
    i18n = context.i18n
    assert payment.receipt_contact is not None
    lines = await payments.receipt_lines(context.uow, payment)
    await context.bot.send_invoice(
        chat_id=context.chat_id,
        title=i18n.get("payment-invoice-title", number=account.number)[:INVOICE_TITLE],
        description=i18n.get("payment-invoice-description", address=account.address)[:255],
        payload=payments.invoice_payload(payment),
        provider_token=context.invoice_token,
        currency=payments.CURRENCY,
        prices=[
            LabeledPrice(label=line.description, amount=to_kopecks(line.amount)) for line in lines
        ],
        provider_data=json.dumps(
            {
                "receipt": payments.fiscal_receipt(
                    payment.receipt_contact, lines, context.payment_terms.vat_code
                )
            },
            ensure_ascii=False,
        ),
    )
    manager.show_mode = ShowMode.SEND  # the window goes below the invoice
    await manager.switch_to(PaymentSG.invoiced)


async def on_pay_page(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    context = ctx(manager)
    try:
        payment = await _start(manager, PaymentMethod.YOOKASSA)
        account = await context.uow.accounts.get(payment.account_id)
        assert account is not None
        me = await context.bot.me()
        url = await payments.payment_page(
            context.uow,
            context.clock,
            context.payment_gateway,
            payment,
            context.i18n.get("payment-invoice-title", number=account.number),
            f"https://t.me/{me.username}",
        )
    except EXPLAINED as error:
        _explain(manager, error)
        return
    manager.dialog_data["url"] = url
    await manager.switch_to(PaymentSG.page)


async def get_page(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"url": dialog_manager.dialog_data.get("url", "")}


FORM_PREVIEW = {
    "address": "Ласточкина ул., д.13, кв.11 (Октябрьское с.)",
    "number": "700100103492",
    "period": date(2026, 10, 1),
    "has_bill": "yes",
    "lines": "• ООО «ЗТК», ЛС № 878100103492: 1 628,12 ₽",
    "items": [(1, "ООО «ЗТК» · 1 628,12 ₽")],
    "total": Decimal("1628.12"),
    "contact": "resident@example.org",
    "sms": "no",
    "accepted": "no",
    "payable": True,
    "telegram": True,
    "yookassa": True,
    "none": "no",
}

ACCEPTED = F["accepted"] == "yes"

form_window = Window(
    Notice(),
    Tr("payment-form"),
    Column(choices("line", "items", on_line), when="payable"),
    SwitchTo(Tr("payment-change-contact"), id="contact", state=PaymentSG.contact, when="payable"),
    Row(
        Button(Tr("payment-accept"), id="accept", on_click=on_accept, when=~ACCEPTED),
        Button(Tr("payment-accepted"), id="unaccept", on_click=on_accept, when=ACCEPTED),
        SwitchTo(Tr("payment-rules"), id="rules", state=PaymentSG.rules),
        when="payable",
    ),
    Button(Tr("payment-pay-telegram"), id="pay_tg", on_click=on_pay_telegram, when="telegram"),
    Button(Tr("payment-pay-page"), id="pay_page", on_click=on_pay_page, when="yookassa"),
    Cancel(Tr("back")),
    state=PaymentSG.form,
    getter=get_form,
    preview_data=FORM_PREVIEW,
)


# Back from a question of the form to the form, with what was chosen kept (Back would go to
# the window before it in the dialog, Cancel would leave the form).
back_to_form = SwitchTo(Tr("back"), id="to_form", state=PaymentSG.form)

amount_window = question(
    PaymentSG.amount,
    Tr("payment-ask-amount"),
    on_text=on_amount,
    keyboard=(back_to_form,),
    back=False,
    cancel=False,
    getter=get_editing,
    preview_data={"supplier": "ООО «ЗТК»", "account": "878100103492", "due": Decimal("1628.12")},
)

contact_window = question(
    PaymentSG.contact,
    Tr("payment-ask-contact"),
    on_text=on_contact,
    keyboard=(back_to_form,),
    back=False,
    cancel=False,
    getter=get_form,
    preview_data=FORM_PREVIEW,
)

rules_window = Window(
    Notice(),
    Tr("payment-rules-text"),
    back_to_form,
    state=PaymentSG.rules,
)

invoiced_window = Window(
    Notice(),
    Tr("payment-invoiced"),
    Cancel(Tr("payment-done")),
    state=PaymentSG.invoiced,
)

page_window = Window(
    Notice(),
    Tr("payment-page"),
    Url(Tr("payment-go-to-page"), Format("{url}")),
    Cancel(Tr("payment-done")),
    state=PaymentSG.page,
    getter=get_page,
    preview_data={"url": "https://yoomoney.ru/checkout/payments/v2/contract?orderId=1"},
)


def dialog() -> Dialog:
    return Dialog(
        form_window,
        amount_window,
        contact_window,
        rules_window,
        invoiced_window,
        page_window,
        on_start=on_start,
    )
