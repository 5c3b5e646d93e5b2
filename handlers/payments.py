"""Payments outside the payment dialog: Telegram's pre-checkout query and successful payment
of an invoice, the outcome told to the payer (``PaymentMessenger``, the domain's
PaymentNotifier), and the "try again" button of a payment that did not go through."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, PreCheckoutQuery
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_dialog import DialogManager, StartMode
from aiogram_i18n import I18nContext

from dialogs.states import PaymentSG
from domain import payments
from domain.errors import AccountNotFound, NotSignedIn, PaymentRefused
from domain.model import Payment, PaymentStatus, Profile
from domain.ports import Clock, PaymentGateway, UnitOfWork
from rendering.texts import TextCore, joined

logger = logging.getLogger(__name__)


class PayAgain(CallbackData, prefix="payagain"):
    account_id: int


class PaymentMessenger:
    """Tells the payer of the outcome, in their language: paid (per service, and where the
    receipt goes), or not, with a button to try again."""

    def __init__(
        self,
        core: TextCore,
        locale_of: Callable[[UnitOfWork, int], Awaitable[str]],
        send: Callable[[int, str, InlineKeyboardMarkup | None], Awaitable[None]],
    ) -> None:
        self.core = core
        self.locale_of = locale_of
        self.send = send

    async def settled(self, uow: UnitOfWork, payment: Payment) -> None:
        if payment.telegram_id is None:
            return
        locale = await self.locale_of(uow, payment.telegram_id)
        account = await uow.accounts.get(payment.account_id)
        number = account.number if account else ""
        if payment.status is PaymentStatus.SUCCEEDED:
            lines = [
                self.core.get(
                    "payment-paid-line",
                    locale,
                    supplier=line.supplier.name,
                    account=line.contract.supplier_account_number,
                    amount=line.due,
                )
                for line in await payments.paid_lines(uow, payment)
            ]
            text = self.core.get(
                "payment-paid",
                locale,
                number=number,
                amount=payment.amount,
                lines=joined(lines, "\n"),
                contact=payment.receipt_contact or "",
            )
            await self.send(payment.telegram_id, text, None)
            return
        text = self.core.get(
            "payment-failed",
            locale,
            number=number,
            amount=payment.amount,
            status=payment.status.value,
            reason=payment.cancel_reason or "other",
        )
        again = InlineKeyboardBuilder()
        again.button(
            text=self.core.get("payment-try-again", locale),
            callback_data=PayAgain(account_id=payment.account_id),
        )
        await self.send(payment.telegram_id, text, again.as_markup())


async def on_pre_checkout(
    query: PreCheckoutQuery, uow: UnitOfWork, clock: Clock, i18n: I18nContext
) -> None:
    """Answered at once: Telegram gives the bot ten seconds before it gives up."""
    try:
        await payments.check_checkout(
            uow,
            clock,
            query.from_user.id,
            query.invoice_payload,
            query.currency,
            query.total_amount,
        )
    except PaymentRefused as refused:
        await query.answer(ok=False, error_message=i18n.get(f"payment-refused-{refused.reason}"))
        return
    await query.answer(ok=True)


async def on_successful_payment(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    payment_messenger: PaymentMessenger,
    payment_gateway: PaymentGateway | None,
) -> None:
    paid = message.successful_payment
    assert paid is not None and message.from_user is not None
    try:
        await payments.record_telegram_payment(
            uow,
            clock,
            payment_messenger,
            payment_gateway,
            message.from_user.id,
            paid.invoice_payload,
            paid.currency,
            paid.total_amount,
            paid.provider_payment_charge_id,
        )
    except PaymentRefused:
        # Telegram took the money for an invoice that names no payment of this resident.
        logger.error(
            "a successful payment %s names no payment of user %s",
            paid.provider_payment_charge_id,
            message.from_user.id,
        )


async def on_pay_again(
    callback: CallbackQuery,
    callback_data: PayAgain,
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    profile: Profile | None,
    i18n: I18nContext,
) -> None:
    if profile is None:
        raise NotSignedIn
    try:
        await payments.due_of(uow, profile, callback_data.account_id)
    except AccountNotFound:
        await callback.answer(i18n.get("accounts-not-found"))
        return
    await callback.answer()
    await dialog_manager.start(
        PaymentSG.form,
        data={"account_id": callback_data.account_id},
        mode=StartMode.RESET_STACK,
    )


def router() -> Router:
    router = Router(name="payments")
    router.pre_checkout_query.register(on_pre_checkout)
    router.message.register(on_successful_payment, F.successful_payment)
    router.callback_query.register(on_pay_again, PayAgain.filter())
    return router
