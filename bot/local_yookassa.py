"""YooKassa on this machine: a server that speaks the part of its REST API the bot uses
(``POST /v3/payments``, ``GET /v3/payments/{id}``, HTTP Basic auth, ``Idempotence-Key``), plays
the customer on the payment page, and sends notifications as YooKassa does. The demo chat and
the tests reach it through the real SDK."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
from aiohttp import web

# An address of YooKassa's: notifications pass through a reverse proxy here, which names
# the sender in X-Forwarded-For, as the proxy in front of the bot does in production.
YOOKASSA_ADDRESS = "185.71.76.1"


def _now() -> str:
    """Now, as YooKassa writes a moment."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class LocalYooKassa:
    def __init__(self, shop_id: str = "demo-shop", secret_key: str = "demo-secret-key") -> None:
        self.shop_id = shop_id
        self.secret_key = secret_key
        self.payments: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.two_step: set[str] = set()  # created with capture false: paid, the money is held
        self.failing: set[str] = set()  # "capture", "cancel": answered 500 while named here
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call
        self.notify_url: str | None = None
        self.sender = YOOKASSA_ADDRESS
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v3"

    # --- The server's life: a test stops it to make YooKassa go away, then starts it again.

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/payments", self._create)
        app.router.add_get("/v3/payments/{id}", self._find)
        app.router.add_post("/v3/payments/{id}/capture", self._capture)
        app.router.add_post("/v3/payments/{id}/cancel", self._cancel)
        app.router.add_get("/checkout/{id}", self._checkout)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- The API ------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.shop_id}:{self.secret_key}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    @staticmethod
    def _error(status: int, code: str, description: str) -> web.Response:
        body = {"type": "error", "id": str(uuid.uuid4()), "code": code, "description": description}
        return web.json_response(body, status=status)

    async def _create(self, request: web.Request) -> web.Response:
        self.requests.append(("POST", request.path))
        if not self._authorized(request):
            return self._error(401, "invalid_credentials", "Authentication failed")
        key = request.headers.get("Idempotence-Key")
        if not key:
            return self._error(400, "invalid_request", "Idempotence-Key header is missing")
        if key in self.by_key:  # the same key: the same payment, nothing created
            return web.json_response(self.payments[self.by_key[key]])
        try:
            body = await request.json()
            amount = Decimal(body["amount"]["value"])
            items = body["receipt"]["items"]
            lines = sum(Decimal(i["amount"]["value"]) * Decimal(i["quantity"]) for i in items)
            return_url = body["confirmation"]["return_url"]
        except (ValueError, KeyError, TypeError, ArithmeticError):
            return self._error(400, "invalid_request", "The request is not a payment")
        if lines != amount:
            return self._error(400, "invalid_request", "Receipt items do not add up to amount")
        payment_id = str(uuid.uuid4())
        self.payments[payment_id] = {
            "id": payment_id,
            "status": "pending",
            "paid": False,
            "amount": body["amount"],
            "description": body.get("description", ""),
            "recipient": {"account_id": self.shop_id, "gateway_id": "1"},
            "created_at": _now(),
            "confirmation": {
                "type": "redirect",
                "return_url": return_url,
                "confirmation_url": f"http://127.0.0.1:{self.port}/checkout/{payment_id}",
            },
            "test": True,
            "refundable": False,
            "metadata": body.get("metadata", {}),
            "receipt": body["receipt"],
        }
        self.by_key[key] = payment_id
        if not body.get("capture", False):
            self.two_step.add(payment_id)
        return web.json_response(self.payments[payment_id])

    async def _find(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        if not self._authorized(request):
            return self._error(401, "invalid_credentials", "Authentication failed")
        payment = self.payments.get(request.match_info["id"])
        if payment is None:
            return self._error(404, "not_found", "Payment not found")
        return web.json_response(payment)

    async def _decide(self, request: web.Request, to: str) -> web.Response:
        """Capture or cancel of the money a payment holds. Asked again with the same key, the
        same answer; a payment already gone that way is answered as it is."""
        self.requests.append(("POST", request.path))
        if not self._authorized(request):
            return self._error(401, "invalid_credentials", "Authentication failed")
        if not request.headers.get("Idempotence-Key"):
            return self._error(400, "invalid_request", "Idempotence-Key header is missing")
        if request.path.rsplit("/", 1)[-1] in self.failing:
            return self._error(500, "internal_server_error", "Try again later")
        payment = self.payments.get(request.match_info["id"])
        if payment is None:
            return self._error(404, "not_found", "Payment not found")
        if payment["status"] == "waiting_for_capture":
            if to == "succeeded":
                payment.update(status="succeeded", captured_at=_now())
            else:
                payment.update(
                    status="canceled",
                    paid=False,
                    cancellation_details={"party": "merchant", "reason": "canceled_by_merchant"},
                )
        elif payment["status"] != to:
            return self._error(
                400, "invalid_request", f"The payment is {payment['status']}, not held"
            )
        return web.json_response(payment)

    async def _capture(self, request: web.Request) -> web.Response:
        return await self._decide(request, "succeeded")

    async def _cancel(self, request: web.Request) -> web.Response:
        return await self._decide(request, "canceled")

    # --- The customer on the payment page, and the notifications that follow ----------------

    async def _checkout(self, request: web.Request) -> web.Response:
        """The payment page a resident's button opens: on this machine it only says how the
        demo chat plays the customer."""
        payment = self.payments.get(request.match_info["id"])
        if payment is None:
            return web.Response(status=404, text="No such payment.")
        amount = payment["amount"]["value"]
        text = (
            f"YooKassa on this machine: a payment of {amount} RUB, {payment['status']}.\n"
            "Type /yookassa pay or /yookassa cancel in the demo chat to play the customer.\n"
        )
        return web.Response(text=text)

    async def charge(self, _invoice: Any, total: int) -> str:
        """Telegram's payments provider charging a card for an invoice (kopecks): the id of
        the succeeded payment, as Telegram passes it on to the bot."""
        payment_id = str(uuid.uuid4())
        self.payments[payment_id] = {
            "id": payment_id,
            "status": "succeeded",
            "paid": True,
            "amount": {"value": f"{Decimal(total) / 100:.2f}", "currency": "RUB"},
            "recipient": {"account_id": self.shop_id, "gateway_id": "1"},
            "created_at": _now(),
            "test": True,
            "refundable": True,
            "metadata": {},
        }
        return payment_id

    def latest_pending(self) -> str | None:
        pending = [p["id"] for p in self.payments.values() if p["status"] == "pending"]
        return pending[-1] if pending else None

    async def pay(self, payment_id: str, notify: bool = True) -> None:
        """The customer pays on the page: the money is taken, or held for a payment in two
        steps until the shop captures or cancels it."""
        payment = self.payments[payment_id]
        if payment_id in self.two_step:
            payment.update(status="waiting_for_capture", paid=True)
        else:
            payment.update(status="succeeded", paid=True, captured_at=_now())
        if notify:
            await self.notify(payment_id)

    async def cancel(
        self, payment_id: str, reason: str = "insufficient_funds", notify: bool = True
    ) -> None:
        payment = self.payments[payment_id]
        payment.update(
            status="canceled",
            cancellation_details={"party": "payment_network", "reason": reason},
        )
        if notify:
            await self.notify(payment_id)

    async def notify(self, payment_id: str, sender: str | None = None) -> int:
        """Posts the notification of the payment's status to ``notify_url``; the status the
        bot answered with."""
        assert self.notify_url is not None
        payment = self.payments[payment_id]
        body = {
            "type": "notification",
            "event": f"payment.{payment['status']}",
            "object": payment,
        }
        headers = {"X-Forwarded-For": sender or self.sender, "Content-Type": "application/json"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.notify_url, data=json.dumps(body), headers=headers) as response,
        ):
            return response.status
