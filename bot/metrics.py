"""What an operator watches, in Prometheus' format at ``/metrics``: updates by type, how long
they take, the ones that failed, payments by outcome, database connections in use."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from domain.model import Payment
from domain.ports import UnitOfWork
from storage.database import Database

# Seconds: an update that answers from memory takes milliseconds, one that renders a PDF or
# waits for Telegram up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    """A registry of the dispatcher's own, so that several dispatchers in one process (the
    tests) do not count into each other."""

    def __init__(self, database: Database) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "bot_updates", "Updates handled, by type", ["type"], registry=self.registry
        )
        self.latency = Histogram(
            "bot_update_seconds",
            "Time to handle an update, by type",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "bot_update_errors",
            "Updates whose handling failed, by type",
            ["type"],
            registry=self.registry,
        )
        self.payments = Counter(
            "bot_payments", "Payments settled, by outcome", ["status"], registry=self.registry
        )
        self.notifications = Counter(
            "bot_notifications",
            "Notifications a sender is through with, by kind and outcome",
            ["kind", "status"],
            registry=self.registry,
        )
        pool = Gauge(
            "bot_db_connections_in_use",
            "Database connections checked out of the pool",
            registry=self.registry,
        )
        pool.set_function(lambda: _checked_out(database))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def _checked_out(database: Database) -> float:
    checkedout = getattr(database.engine.pool, "checkedout", None)
    return float(checkedout()) if checkedout else 0.0


class MetricsMiddleware(BaseMiddleware):
    """Outermost: counts and times every update, whatever happens to it inside."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        try:
            return await handler(event, data)
        except Exception:
            self.metrics.errors.labels(kind).inc()
            raise
        finally:
            self.metrics.updates.labels(kind).inc()
            self.metrics.latency.labels(kind).observe(time.perf_counter() - started)


class CountedPayments:
    """The PaymentNotifier: the payer's news and the staff's alerts are queued with the
    outcome (domain.payments); here each settled payment is counted."""

    def __init__(self, metrics: Metrics, staff_chat_id: int | None) -> None:
        self.metrics = metrics
        self.staff_chat_id = staff_chat_id

    async def settled(self, uow: UnitOfWork, payment: Payment) -> None:
        self.metrics.payments.labels(payment.status.value).inc()
