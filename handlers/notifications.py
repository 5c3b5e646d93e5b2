"""Notifications as residents and staff read them (``NotificationTexts``, rendered when sent,
in the recipient's language), the buttons they carry, /notifications, and /broadcasts in the
staff group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_dialog import DialogManager
from aiogram_dialog.api.exceptions import NoContextError
from aiogram_i18n import I18nContext
from pydantic import Field

from dialogs.menu import open_from_start
from dialogs.states import HistorySG, PaymentSG, ReadingsSG
from domain import history, payments
from domain.accounts import linked_account
from domain.errors import AccountNotFound, BillNotFound, NotSignedIn
from domain.model import (
    AppealStatus,
    Notification,
    NotificationKind,
    PaymentStatus,
    Profile,
    TelegramUser,
)
from domain.ports import Clock, UnitOfWork
from domain.readings import billing_replacement
from domain.validation import MAX_ID
from rendering.texts import Html, TextCore, format_month, joined, shorten

QUOTE = 400  # UTF-16 units of the appeal quoted above its answer: enough to recognise it


class FromNotice(CallbackData, prefix="notice"):
    """A notification's button: a screen about one of the resident's accounts."""

    to: str  # a key of TARGETS
    account_id: int = Field(ge=0, le=MAX_ID)  # a forged one out of range matches no handler
    bill_id: int = Field(0, ge=0, le=MAX_ID)


TARGETS: dict[str, State] = {
    "readings": ReadingsSG.meters,
    "bill": HistorySG.bill,
    "pay": PaymentSG.form,
}


class NotificationTexts:
    """Each kind's text and buttons."""

    def __init__(self, core: TextCore, clock: Clock) -> None:
        self.core = core
        self.clock = clock

    async def render(
        self, uow: UnitOfWork, notice: Notification, locale: str | None
    ) -> tuple[Html, InlineKeyboardMarkup | None] | None:
        assert locale is not None
        args = notice.args
        match notice.kind:
            case NotificationKind.READING_WINDOW:
                text = self._text(
                    "notify-reading-window",
                    locale,
                    number=args["number"],
                    address=args["address"],
                    meters=args["meters"],
                    deadline=date.fromisoformat(args["deadline"]),
                )
                return text, self._buttons(locale, ("readings", args["account_id"], 0, None))
            case NotificationKind.METER_EXPIRING:
                text = self._text(
                    "notify-meter-expiring",
                    locale,
                    meter=args["meter"],
                    number=args["number"],
                    until=date.fromisoformat(args["until"]),
                    today="yes" if args["days"] == 0 else "no",
                )
                return text, self._buttons(locale, ("readings", args["account_id"], 0, None))
            case NotificationKind.NEW_BILL:
                return await self._new_bill(uow, args, locale)
            case NotificationKind.PAYMENT_RESULT:
                return await self._payment(uow, args["payment_id"], locale)
            case NotificationKind.APPEAL_ANSWERED:
                return await self._appeal(uow, args["appeal_id"], locale)
            case NotificationKind.READING_REPLACED:
                return await self._replaced(uow, args["reading_id"], locale)
            case NotificationKind.PAYMENT_ALERT:
                return await self._payment_alert(uow, args, locale)
            case NotificationKind.APPEALS_DIGEST:
                lines = [
                    self._text("notify-digest-line", locale, number=number, days=days)
                    for number, days in args["appeals"]
                ]
                text = self._text(
                    "notify-appeals-digest",
                    locale,
                    count=args["count"],
                    days=args["days"],
                    lines=joined(lines),
                    more=args["count"] - len(lines),
                )
                return text, None

    def _text(self, key: str, locale: str, **args: Any) -> Html:
        return self.core.get(key, locale, **args)

    def _buttons(
        self, locale: str, *targets: tuple[str, int, int, str | None]
    ) -> InlineKeyboardMarkup:
        """A button a row. (Built directly: aiogram's keyboard builder copies every button
        deeply, which a broadcast of a hundred thousand pays for.)"""
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=self._text(label or f"notify-open-{to}", locale),
                        callback_data=FromNotice(
                            to=to, account_id=account_id, bill_id=bill_id
                        ).pack(),
                    )
                ]
                for to, account_id, bill_id, label in targets
            ]
        )

    async def _new_bill(
        self, uow: UnitOfWork, args: dict[str, Any], locale: str
    ) -> tuple[Html, InlineKeyboardMarkup | None] | None:
        account = await uow.accounts.get(args["account_id"])
        bill = await uow.bills.latest(args["account_id"])
        if account is None or account.id is None or bill is None or bill.id is None:
            return None
        due = await payments.amount_due(uow, account)
        text = self._text(
            "notify-new-bill",
            locale,
            number=account.number,
            month=format_month(bill.period, locale),
            amount=due.total,
            pay_by=bill.pay_by,
            owes="yes" if due.total > 0 else "no",
        )
        targets: list[tuple[str, int, int, str | None]] = [("bill", account.id, bill.id, None)]
        if due.total > 0:
            targets.append(("pay", account.id, 0, None))
        return text, self._buttons(locale, *targets)

    async def _payment(
        self, uow: UnitOfWork, payment_id: int, locale: str
    ) -> tuple[Html, InlineKeyboardMarkup | None] | None:
        payment = await uow.payments.get(payment_id)
        account = await uow.accounts.get(payment.account_id) if payment else None
        if payment is None or account is None:
            return None
        if payment.status is PaymentStatus.SUCCEEDED:
            lines = [
                self._text(
                    "payment-paid-line",
                    locale,
                    supplier=line.supplier.name,
                    account=line.contract.supplier_account_number,
                    amount=line.due,
                )
                for line in await payments.paid_lines(uow, payment)
            ]
            text = self._text(
                "payment-paid",
                locale,
                number=account.number,
                amount=payment.amount,
                lines=joined(lines),
                contact=payment.receipt_contact or "",
            )
            return text, None
        text = self._text(
            "payment-failed",
            locale,
            number=account.number,
            amount=payment.amount,
            status=payment.status.value,
            reason=payment.cancel_reason or "other",
        )
        if payment.cancel_reason in (payments.REPLACED, payments.PAID):
            return text, None  # a newer form is there to pay, or nothing is left to pay
        return text, self._buttons(locale, ("pay", payment.account_id, 0, "payment-try-again"))

    async def _payment_alert(
        self, uow: UnitOfWork, args: dict[str, Any], locale: str
    ) -> tuple[Html, None]:
        payment = await uow.payments.get(args["payment_id"]) if "payment_id" in args else None
        account = await uow.accounts.get(payment.account_id) if payment else None
        text = self._text(
            "notify-payment-alert",
            locale,
            reason=args["reason"],
            payment=payment.id if payment else 0,
            number=account.number if account else "",
            amount=payment.amount if payment else Decimal(args["amount"]),
            provider=(payment.provider_payment_id if payment else args["provider_id"]) or "—",
            user=args.get("telegram_id", ""),
        )
        return text, None

    async def _replaced(
        self, uow: UnitOfWork, reading_id: int, locale: str
    ) -> tuple[Html, InlineKeyboardMarkup | None] | None:
        reading = await uow.readings.get(reading_id)
        meter = await uow.meters.get(reading.meter_id) if reading else None
        account = await uow.accounts.get(meter.account_id) if meter else None
        if reading is None or meter is None or meter.id is None or account is None:
            return None
        used = await billing_replacement(uow, meter, reading)
        text = self._text(
            "notify-reading-replaced",
            locale,
            meter=meter.number,
            zone=reading.zone.value,
            month=reading.billing_month,
            number=account.number,
            value=meter.on_dial(reading.value),
            unit=meter.unit,
            has_used="yes" if used else "no",
            used=meter.on_dial(used.value) if used else 0,
            source=used.source.value if used else "billing",
            reason=reading.reason or "—",
        )
        return text, self._buttons(locale, ("readings", meter.account_id, 0, None))

    async def _appeal(
        self, uow: UnitOfWork, appeal_id: int, locale: str
    ) -> tuple[Html, InlineKeyboardMarkup | None] | None:
        appeal = await uow.appeals.get(appeal_id)
        if appeal is None or appeal.answered_at is None:
            return None
        key = (
            "appeals-answer-received"
            if appeal.status is AppealStatus.ANSWERED
            else "appeals-closed"
        )
        text = self._text(
            key,
            locale,
            number=appeal.id,
            kind=appeal.kind.value,
            text=shorten(appeal.text, QUOTE),
            answer=appeal.answer or "",
            reason=appeal.closed_for,
            date=self.clock.local(appeal.created_at).date(),
        )
        return text, None


async def on_open(
    callback: CallbackQuery,
    callback_data: FromNotice,
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    profile: Profile | None,
    resident: TelegramUser,
    i18n: I18nContext,
) -> None:
    """A notification's button: the screen it names, for an account still linked."""
    if profile is None:
        raise NotSignedIn
    state = TARGETS.get(callback_data.to)
    try:
        if state is None:
            raise AccountNotFound(callback_data.account_id)  # a forged button
        await linked_account(uow, profile, callback_data.account_id)
        if state is HistorySG.bill:
            await history.bill(uow, profile, callback_data.account_id, callback_data.bill_id)
    except (AccountNotFound, BillNotFound):
        await callback.answer(i18n.get("accounts-not-found"), show_alert=True)
        return
    await callback.answer()
    data = {"account_id": callback_data.account_id, "bill_id": callback_data.bill_id}
    if _on_screen(dialog_manager, state, data):
        return  # the second tap of a double tap: the first opened it
    # Below the notification, which stays as it was.
    await open_from_start(
        dialog_manager,
        resident,
        state,
        data,
    )


def _on_screen(manager: DialogManager, state: State, data: dict) -> bool:
    """Whether the screen a button opens is the one the resident has open, as it opened."""
    try:
        context = manager.current_context()
    except NoContextError:
        return False
    return context.state == state and context.start_data == data


def router() -> Router:
    router = Router(name="notifications")
    router.callback_query.register(on_open, FromNotice.filter())
    return router
