"""YooKassa: the gateway over its SDK, the endpoint its notifications come to, and the job
that asks about pending payments no notification settled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any, TypeVar

from aiohttp import web
from yookassa import Configuration
from yookassa import Payment as SdkPayment
from yookassa.domain.common import SecurityHelper
from yookassa.domain.exceptions import NotFoundError

from domain import payments
from domain.errors import PaymentServiceDown, PaymentUnknown
from domain.payments import fiscal_receipt
from domain.ports import Clock, PaymentGateway, PaymentNotifier, PaymentOrder, ProviderPayment
from storage.database import Database

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_URL = "https://api.yookassa.ru/v3"
NOTIFICATIONS_PATH = "/yookassa/notifications"


class YooKassaGateway:
    """The domain's PaymentGateway over YooKassa's SDK. The SDK is synchronous, configured
    globally and waits for an answer without limit: each call runs in a thread and is given
    up after ``timeout`` seconds; whatever it raises becomes PaymentServiceDown (a refused
    connection surfaces from inside the SDK as an AttributeError)."""

    def __init__(
        self,
        shop_id: str,
        secret_key: str,
        api_url: str | None = None,
        timeout: float = 15.0,
        vat_code: int = 1,
    ) -> None:
        Configuration.configure(shop_id, secret_key, api_url=api_url or DEFAULT_API_URL)
        self.timeout = timeout
        self.vat_code = vat_code

    async def _call(self, what: str, call: Callable[[], T]) -> T:
        try:
            return await asyncio.wait_for(asyncio.to_thread(call), self.timeout)
        except NotFoundError:
            raise PaymentUnknown from None
        except Exception as error:
            # The type alone: an SDK error's text may quote the request.
            logger.warning("YooKassa did not %s: %s", what, type(error).__name__)
            raise PaymentServiceDown from None

    async def create(self, order: PaymentOrder) -> ProviderPayment:
        request = {
            "amount": {"value": f"{order.amount:.2f}", "currency": payments.CURRENCY},
            # In two steps: the money is held, and taken once the bot has checked that the
            # form is still the account's one payable form (domain.payments._held).
            "capture": False,
            "confirmation": {"type": "redirect", "return_url": order.return_url},
            "description": order.description,
            "metadata": {"payment_id": str(order.payment_id)},
            "receipt": fiscal_receipt(order.receipt_contact, order.lines, self.vat_code),
        }
        created = await self._call(
            "create a payment", lambda: SdkPayment.create(request, order.idempotence_key)
        )
        return _reported(created)

    async def fetch(self, provider_payment_id: str) -> ProviderPayment:
        found = await self._call(
            "report a payment", lambda: SdkPayment.find_one(provider_payment_id)
        )
        return _reported(found)

    async def capture(
        self, provider_payment_id: str, amount: Decimal, idempotence_key: str
    ) -> ProviderPayment:
        request = {"amount": {"value": f"{amount:.2f}", "currency": payments.CURRENCY}}
        captured = await self._call(
            "take a payment",
            lambda: SdkPayment.capture(provider_payment_id, request, idempotence_key),
        )
        return _reported(captured)

    async def cancel(self, provider_payment_id: str, idempotence_key: str) -> ProviderPayment:
        canceled = await self._call(
            "let a payment go", lambda: SdkPayment.cancel(provider_payment_id, idempotence_key)
        )
        return _reported(canceled)


def _reported(response: Any) -> ProviderPayment:
    try:
        metadata = response.metadata or {}
        ours = str(metadata.get("payment_id", ""))
        confirmation = getattr(response, "confirmation", None)
        details = getattr(response, "cancellation_details", None)
        return ProviderPayment(
            id=str(response.id),
            status=str(response.status),
            amount=Decimal(str(response.amount.value)),
            payment_id=int(ours) if ours.isdigit() else None,
            confirmation_url=getattr(confirmation, "confirmation_url", None),
            cancel_reason=getattr(details, "reason", None),
        )
    except (AttributeError, ArithmeticError, TypeError, ValueError) as error:
        logger.warning("YooKassa's answer could not be read: %s", type(error).__name__)
        raise PaymentServiceDown from None


Network = IPv4Network | IPv6Network


def client_address(request: web.Request, trusted_proxies: Sequence[Network]) -> str | None:
    """Who sent the request: the peer, or, when the peer is a trusted reverse proxy, the
    nearest address before it in X-Forwarded-For that is not a trusted proxy too."""
    chain = [request.remote or ""]
    forwarded = request.headers.get("X-Forwarded-For", "")
    chain[:0] = [part.strip() for part in forwarded.split(",") if part.strip()]
    for address in reversed(chain):
        try:
            parsed = ip_address(address)
        except ValueError:
            return None
        if not any(parsed in network for network in trusted_proxies):
            return address
    return None


def notifications_route(
    database: Database,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway,
    trusted_proxies: Sequence[Network],
) -> Callable[[web.Request], Any]:
    """The endpoint YooKassa posts its notifications to. One from outside YooKassa's
    networks is refused; one from inside is only a hint: the payment it names is asked for
    by its id, and only that answer counts. A 5xx makes YooKassa send it again."""
    security = SecurityHelper()

    async def receive(request: web.Request) -> web.Response:
        address = client_address(request, trusted_proxies)
        if address is None or not security.is_ip_trusted(address):
            logger.warning("a payment notification from %s was refused", address)
            return web.Response(status=403)
        try:
            body = await request.json()
            provider_id = body["object"]["id"]
        except (ValueError, KeyError, TypeError, RecursionError):
            return web.Response(status=400)
        if not isinstance(provider_id, str) or not 0 < len(provider_id) <= 64:
            return web.Response(status=400)
        try:
            async with database.unit_of_work() as uow:
                await payments.provider_notified(uow, clock, notifier, gateway, provider_id)
        except PaymentServiceDown:
            return web.Response(status=503)  # YooKassa sends it again
        except PaymentUnknown:
            # Not YooKassa's, so never ours: sending it again would not change that.
            logger.warning(
                "a notification of payment %r, which YooKassa does not know", provider_id
            )
        return web.Response(status=200)

    return receive


def add_notifications(
    app: web.Application,
    database: Database,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway,
    trusted_proxies: Sequence[Network],
) -> None:
    app.router.add_post(
        NOTIFICATIONS_PATH,
        notifications_route(database, clock, notifier, gateway, trusted_proxies),
    )


async def check_payments(
    database: Database, clock: Clock, notifier: PaymentNotifier, gateway: PaymentGateway
) -> None:
    """The scheduler's job: pending payments that no notification settled."""
    async with database.unit_of_work() as uow:
        await payments.check_pending(uow, clock, notifier, gateway)
