"""Payments outside the payment dialog: Telegram's pre-checkout query and the successful
payment of an invoice. The payer hears of the outcome by a notification
(handlers.notifications)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message, PreCheckoutQuery
from aiogram_i18n import I18nContext

from domain import payments
from domain.errors import PaymentRefused
from domain.ports import Clock, PaymentGateway, PaymentNotifier, UnitOfWork


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
    payment_notifier: PaymentNotifier,
    payment_gateway: PaymentGateway | None,
) -> None:
    paid = message.successful_payment
    assert paid is not None and message.from_user is not None
    await payments.record_telegram_payment(
        uow,
        clock,
        payment_notifier,
        payment_gateway,
        message.from_user.id,
        paid.invoice_payload,
        paid.currency,
        paid.total_amount,
        paid.provider_payment_charge_id,
    )


def router() -> Router:
    router = Router(name="payments")
    router.pre_checkout_query.register(on_pre_checkout)
    router.message.register(on_successful_payment, F.successful_payment)
    return router
