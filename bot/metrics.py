"""What an operator watches, in Prometheus' format at ``/metrics``: updates by type, how long
they take, the ones that failed and the ones in hand, payments by outcome and those waiting
for one, notifications sent and queued, scheduler job runs, database connections in use, the
process itself and the build. Every labelled series exists from the start at 0, so that a
rate or an absence can be alerted on before its first event."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from importlib.metadata import version
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)
from sqlalchemy.exc import SQLAlchemyError

from bot.middlewares import InFlight
from domain.model import NotificationKind, NotificationStatus, Payment, PaymentStatus
from domain.ports import Clock, UnitOfWork
from storage.database import Database

logger = logging.getLogger(__name__)

# Seconds: an update that answers from memory takes milliseconds, one that renders a PDF or
# waits for Telegram up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
JOB_OUTCOMES = ("done", "failed", "elsewhere")  # elsewhere: another process of the fleet ran it
# Seconds: most runs take a moment; a reminder to every resident or a retention purge, minutes.
JOB_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)
WAITING = (NotificationStatus.QUEUED.value, NotificationStatus.SENDING.value)
BACKLOG_TIMEOUT = 2.0  # seconds a scrape waits for the database's counts


def build_version() -> str:
    return version("tes-resident-bot")


class Metrics:
    """A registry of the dispatcher's own, so that several dispatchers in one process (the
    tests) do not count into each other."""

    def __init__(self, database: Database, in_flight: InFlight, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        Info("bot_build", "The running build", registry=self.registry).info(
            {"version": build_version()}
        )
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
        # A job is labelled "task": "job" is Prometheus' own label for the scrape target,
        # and a scraped "job" would be renamed "exported_job".
        self.job_runs = Counter(
            "bot_job_runs",
            "Scheduler job runs, by job and outcome",
            ["task", "outcome"],
            registry=self.registry,
        )
        self.job_seconds = Histogram(
            "bot_job_seconds",
            "Time a scheduler job ran, where this process held it",
            ["task"],
            buckets=JOB_BUCKETS,
            registry=self.registry,
        )
        self.job_success = Gauge(
            "bot_job_last_success_timestamp_seconds",
            "When a job last ran to its end in this process (0: not yet)",
            ["task"],
            registry=self.registry,
        )
        self.waiting = Gauge(
            "bot_notifications_waiting",
            "Notifications in the queue, the fleet's, by kind and status (queued, sending)",
            ["kind", "status"],
            registry=self.registry,
        )
        self.overdue = Gauge(
            "bot_notifications_overdue_seconds",
            "How long ago the longest-waiting queued notification was due (0: none is)",
            registry=self.registry,
        )
        self.unsettled = Gauge(
            "bot_payments_unsettled",
            "Payments taken to the provider whose outcome is still asked for, the fleet's",
            registry=self.registry,
        )
        self.unsettled_age = Gauge(
            "bot_payments_unsettled_oldest_seconds",
            "The age of the oldest payment whose outcome is still asked for (0: none)",
            registry=self.registry,
        )
        Gauge(
            "bot_db_connections_in_use",
            "Database connections checked out of the pool",
            registry=self.registry,
        ).set_function(lambda: _checked_out(database))
        Gauge(
            "bot_updates_in_flight", "Updates being handled now", registry=self.registry
        ).set_function(lambda: in_flight.count)
        for status in PaymentStatus:
            self.payments.labels(status.value)
        for kind in NotificationKind:
            for waiting in WAITING:
                self.waiting.labels(kind.value, waiting)
            for done in (
                NotificationStatus.SENT,
                NotificationStatus.BLOCKED,
                NotificationStatus.MUTED,
                NotificationStatus.FAILED,
            ):
                self.notifications.labels(kind.value, done.value)

    def expect_updates(self, kinds: Iterable[str]) -> None:
        """The update types the bot takes: their series start at 0."""
        for kind in kinds:
            for family in (self.updates, self.latency, self.errors):
                family.labels(kind)

    def expect_job(self, job: str) -> None:
        for outcome in JOB_OUTCOMES:
            self.job_runs.labels(job, outcome)
        self.job_seconds.labels(job)
        self.job_success.labels(job)

    def job_ran(self, job: str, outcome: str, seconds: float | None = None) -> None:
        self.job_runs.labels(job, outcome).inc()
        if seconds is not None:
            self.job_seconds.labels(job).observe(seconds)
        if outcome == "done":
            self.job_success.labels(job).set_to_current_time()

    async def exposition(self) -> bytes:
        """The metrics, the fleet's backlog counted now; a database that does not answer in
        time leaves the last counts (the readiness probe says why)."""
        try:
            async with asyncio.timeout(BACKLOG_TIMEOUT):
                backlog = await self.database.backlog(self.clock.now())
        except (OSError, TimeoutError, SQLAlchemyError) as error:
            logger.debug("backlog not counted: %r", error)
        else:
            for kind in NotificationKind:
                for status in WAITING:
                    count = backlog.notifications.get((kind.value, status), 0)
                    self.waiting.labels(kind.value, status).set(count)
            self.overdue.set(backlog.overdue)
            self.unsettled.set(backlog.unsettled)
            self.unsettled_age.set(backlog.unsettled_age)
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
