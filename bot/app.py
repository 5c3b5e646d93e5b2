"""The composition root: one Dispatcher with everything wired, for polling, webhook, the demo
chat and the tests alike."""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation, MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import ErrorEvent, TelegramObject, Update
from aiogram_dialog import setup_dialogs
from aiogram_dialog.api.entities import stack
from aiogram_i18n import I18nMiddleware
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import SystemClock
from bot.config import Settings
from bot.locale import ResidentLocaleManager
from bot.logs import WORK
from bot.mail import OutboxMailer
from bot.metrics import CountedPayments, Metrics, MetricsMiddleware
from bot.middlewares import (
    Gate,
    GatedRedisStorage,
    GateMiddleware,
    InFlight,
    LocalGate,
    OutageMiddleware,
    RedisGate,
    ResidentMiddleware,
    SignedInOnly,
    UnitOfWorkMiddleware,
    UpdateBusy,
)
from bot.notifications import NotificationSender, Pace
from bot.payments import YooKassaGateway, check_payments
from bot.presence import once_reachable, present
from bot.residents import ResidentMessenger
from bot.security import Argon2Hasher
from bot.transports.local import LocalSession
from dialogs import (
    accounts,
    appeals,
    confirm,
    devices,
    faq,
    history,
    language,
    login,
    menu,
    notifications,
    payment,
    period,
    profile,
    readings,
    registration,
    requisites,
)
from domain import notifications as notices
from domain.appeals import post_unposted
from domain.ports import Clock, Mailer
from handlers import commands, errors, fallback, payments, staff, unstorable
from handlers import notifications as notice_handlers
from handlers.notifications import NotificationTexts
from handlers.staff import StaffDesk
from rendering.texts import TextCore
from storage.database import Database, UpdateLog
from storage.retention import Retention, purge

logger = logging.getLogger(__name__)

BOT_DEFAULTS = DefaultBotProperties(parse_mode=ParseMode.HTML)


def unique_dialog_ids() -> None:
    """aiogram-dialog names each stack and dialog context by the current second plus one of
    only 100 random numbers: two dialogs a resident opens within one second (a menu, then
    the screen it leads to) share a name one time in a hundred, and finishing one then deletes
    the other ("Stack is broken, resetting"). 35 random bits keep the names as short (six
    characters in callback data) and make a clash one in tens of billions."""
    stack.new_int_id = lambda: secrets.randbits(35)


def fsm_storage(redis_url: str | None, keep_days: int, prefix: str = "fsm") -> BaseStorage:
    if redis_url is None:
        return MemoryStorage()
    # aiogram-dialog keeps its stacks and contexts under their own FSM "destinies": the key
    # must carry the destiny, or they overwrite the chat's state.
    # A conversation left idle for KEEP_SESSIONS_DAYS goes (what was typed in it with it).
    ttl = timedelta(days=keep_days)
    return GatedRedisStorage.from_url(
        redis_url,
        key_builder=DefaultKeyBuilder(prefix=prefix, with_destiny=True),
        state_ttl=ttl,
        data_ttl=ttl,
    )


def gate(storage: BaseStorage, database: Database, lease: timedelta, clock: Clock) -> Gate:
    """Where the fleet notes the updates it took and handled, and locks a resident's update:
    in the Redis it shares when there is one (two taps may reach two processes), else in the
    database and the process."""
    if isinstance(storage, RedisStorage):
        return RedisGate(storage, lease)
    return LocalGate(UpdateLog(database.engine, lease), clock)


def telegram_bot(settings: Settings) -> Bot:
    """A bot that talks to Telegram, or to the Bot API server at ``TELEGRAM_API_URL``."""
    assert settings.bot_token is not None
    session = AiohttpSession()
    if settings.telegram_api_url:
        base = str(settings.telegram_api_url).rstrip("/")
        session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    return Bot(settings.bot_token.get_secret_value(), session=session, default=BOT_DEFAULTS)


STAFF_RETRY_SECONDS = 60
PAYMENT_CHECK_SECONDS = 15  # how often pending payments are looked at; each waits its turn
UPDATE_MEMORY = timedelta(days=2)
NOTICES_HOUR = 10  # local time, as every hour here: notices should not wake anyone
RETENTION_HOUR = 4  # local time: the quietest hour
BACKGROUND_GRACE = 5  # seconds a stop waits for a job run or a send: 25 + 5 within 30


class TaggedDispatcher(Dispatcher):
    """aiogram's dispatcher, with every line logged while an update is handled tagged with
    the update's id, from the first middleware to the error handlers and aiogram's own "is
    handled" line (every way updates come in, webhook, polling and the local chat, feeds here)."""

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        tagged = WORK.set(("update", update.update_id))
        try:
            return await super().feed_update(bot, update, **kwargs)
        finally:
            WORK.reset(tagged)


def once_per_fleet(
    database: Database,
    name: str,
    job: Callable[..., Awaitable[Any]],
    ran: Callable[[str, str, float | None], None] = lambda *_: None,
) -> Callable[..., Awaitable[Any]]:
    """The job, run by whichever process of the fleet takes its lock; the others skip it.
    Whatever it queues is keyed, so a run that slipped through twice queues nothing new.
    ``ran`` is told each run's outcome (one of metrics.JOB_OUTCOMES) and, where this process
    ran it, how many seconds it took."""

    async def run(*args: Any) -> Any:
        tagged = WORK.set(("job", name))
        try:
            return await _held(*args)
        finally:
            WORK.reset(tagged)

    async def _held(*args: Any) -> Any:
        async with database.fleet_lock(name) as held:
            if not held:
                logger.debug("job %s runs in another process", name)
                ran(name, "elsewhere", None)
                return None
            started = time.perf_counter()
            try:
                result = await job(*args)
            except Exception:
                ran(name, "failed", time.perf_counter() - started)
                raise
            ran(name, "done", time.perf_counter() - started)
            return result

    return run


def scheduler(
    bot: Bot,
    dp: Dispatcher,
    database: Database,
    settings: Settings,
    running: set[asyncio.Task[Any]] | None = None,
) -> AsyncIOScheduler:
    """Background jobs: the notifications of the day (the reading reminder, meters whose
    verification runs out, new bills, the staff's digest of late appeals), posting the
    appeals the staff group could not be sent, asking YooKassa about pending payments, and
    forgetting the ids of old updates. Each runs in one process of the fleet at a time; the
    runs in progress are in ``running``, for a stop to let them finish."""
    jobs = AsyncIOScheduler(timezone=settings.zone)
    clock, metrics = dp["clock"], dp["metrics"]
    running = set() if running is None else running

    def add(name: str, job: Callable[..., Awaitable[Any]], *args: Any, **trigger: Any) -> None:
        kind = "cron" if {"hour", "minute"} & set(trigger) else "interval"
        metrics.expect_job(name)
        fleet_job = once_per_fleet(database, name, job, metrics.job_ran)

        async def run(*args: Any) -> Any:
            task = asyncio.current_task()
            assert task is not None
            running.add(task)
            try:
                return await fleet_job(*args)
            finally:
                running.discard(task)

        jobs.add_job(
            run,
            kind,
            id=name,
            name=name,  # the log names the job, not the wrapper
            args=args,
            max_instances=1,
            coalesce=True,
            **trigger,
        )

    add(
        "remind-readings", reading_reminders(database, clock, settings), hour=settings.reminder_hour
    )
    add(
        "meters-expiring",
        queue_in(database, notices.queue_meter_expiring, clock),
        hour=NOTICES_HOUR,
    )
    if settings.staff_chat_id is not None:
        add(
            "appeals-digest",
            queue_in(
                database,
                notices.queue_appeals_digest,
                clock,
                settings.staff_chat_id,
                settings.appeals_digest_days,
            ),
            hour=settings.appeals_digest_hour,
        )
    add(
        "post-appeals",
        post_unposted,
        database,
        clock,
        dp["staff_desk"],
        seconds=STAFF_RETRY_SECONDS,
    )
    if dp["payment_gateway"] is not None:
        add(
            "check-payments",
            check_payments,
            database,
            clock,
            dp["payment_notifier"],
            dp["payment_gateway"],
            seconds=PAYMENT_CHECK_SECONDS,
        )
    add("forget-updates", forget_updates, database, clock, hours=1)
    add(
        "forget-old-data",
        forget_old_data,
        database,
        clock,
        settings.retention(),
        dp["mailer"],
        timedelta(days=settings.keep_outbox_days),
        hour=RETENTION_HOUR,
    )
    return jobs


def queue_in(
    database: Database, queue: Callable[..., Awaitable[Any]], *args: Any
) -> Callable[[], Awaitable[Any]]:
    """A domain function that queues notifications in a unit of work, as a job."""

    async def job() -> Any:
        async with database.unit_of_work() as uow:
            return await queue(uow, *args)

    return job


def reading_reminders(
    database: Database, clock: Clock, settings: Settings, *, any_day: bool = False
) -> Callable[[], Awaitable[int | None]]:
    """The reading reminders as a job: the day's (or, ``any_day``, the demo's /remind)."""
    return queue_in(
        database,
        partial(notices.queue_reading_window, any_day=any_day),
        clock,
        settings.reading_days,
        settings.reminder_days_before,
    )


class Background:
    """What runs beside the updates: the scheduler and the notification sender."""

    def __init__(self, bot: Bot, dp: Dispatcher, database: Database, settings: Settings) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self.jobs = scheduler(bot, dp, database, settings, self._running)
        self.sender: NotificationSender = dp["notification_sender"]
        self._stopping = asyncio.Event()
        self._sending: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.jobs.start()
        self._sending = asyncio.create_task(self.sender.run(self._stopping))

    async def stop(self) -> None:
        """Starts nothing new and lets what runs finish (a job cut in its middle would leave
        its database connection to the garbage collector), for BACKGROUND_GRACE at most."""
        self.jobs.pause()
        self._stopping.set()
        running = [*self._running, *([self._sending] if self._sending else [])]
        if running:
            _, late = await asyncio.wait(running, timeout=BACKGROUND_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self.jobs.shutdown(wait=False)


async def deliver_later(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    event: TelegramObject,
    data: dict[str, Any],
) -> Any:
    if isinstance(event, ErrorEvent) and isinstance(event.exception, UpdateBusy):
        raise event.exception
    return await handler(event, data)


async def forget_old_data(
    database: Database, clock: Clock, keep: Retention, mailer: Mailer, keep_letters: timedelta
) -> None:
    """The daily retention run (docs/privacy.md): rows whose period ran out, and the letters
    the outbox kept."""
    now = clock.now()
    deleted = await purge(database.engine, now, keep)
    if isinstance(mailer, OutboxMailer):
        deleted["outbox letters"] = mailer.purge(now - keep_letters)
    logger.info("forgotten: %s", ", ".join(f"{n} {what}" for what, n in deleted.items()))


async def forget_updates(database: Database, clock: Clock) -> None:
    """Telegram keeps an undelivered update for a day: ids older than that can go."""
    await database.updates.forget_before(clock.now() - UPDATE_MEMORY)


LOCAL_TOKEN = "1:local-demo"


def freeze_start_up_objects() -> None:
    """Sets what start-up built (modules, dialogs, texts, tables: some 350,000 objects that
    live as long as the process) aside from the garbage collector. A full collection then
    walks only what updates made, in milliseconds, instead of pausing every update in flight
    for 200-300 ms."""
    gc.collect()
    gc.freeze()


async def start_local(
    settings: Settings,
    database: Database,
    mailer: Mailer,
    storage: BaseStorage | None = None,
    session: LocalSession | None = None,
    clock: Clock | None = None,
) -> tuple[Dispatcher, Bot, LocalSession]:
    """The dispatcher on an in-process Telegram (the demo chat and the tests), started."""
    session = session or LocalSession()
    bot = Bot(LOCAL_TOKEN, session=session, default=BOT_DEFAULTS)
    dp = build_dispatcher(settings, database, mailer, storage, clock)
    await dp.emit_startup(bot=bot, bots=[bot], dispatcher=dp, **dp.workflow_data)
    await meet_telegram(dp, bot, settings, asyncio.Event())
    return dp, bot, session


async def meet_telegram(
    dp: Dispatcher, bot: Bot, settings: Settings, stopping: asyncio.Event
) -> bool:
    """Waits for Telegram to answer, then presents the bot; False when stopped first."""
    if await once_reachable(bot.me, stopping) is None:
        return False
    await present(bot, dp["i18n_middleware"].core, settings.staff_chat_id)
    return True


def payment_gateway(settings: Settings) -> YooKassaGateway | None:
    if not (settings.yookassa_shop_id and settings.yookassa_secret_key):
        return None
    return YooKassaGateway(
        settings.yookassa_shop_id,
        settings.yookassa_secret_key.get_secret_value(),
        str(settings.yookassa_api_url).rstrip("/") if settings.yookassa_api_url else None,
        settings.yookassa_timeout,
        settings.payments_vat_code,
    )


def build_dispatcher(
    settings: Settings,
    database: Database,
    mailer: Mailer,
    storage: BaseStorage | None = None,
    clock: Clock | None = None,
) -> Dispatcher:
    # aiogram's FSM middleware is not registered: the gate, inside the outage middleware,
    # takes its place (the first thing that fails when Redis is down).
    storage = storage or fsm_storage(
        str(settings.redis_url) if settings.redis_url else None, settings.keep_sessions_days
    )
    lease = timedelta(seconds=settings.update_lease_seconds)
    dp = TaggedDispatcher(storage=storage, disable_fsm=True)
    dp["settings"] = settings
    dp["utility"] = settings.utility()
    dp["mailer"] = mailer
    dp["clock"] = clock = clock or SystemClock(settings.zone)
    dp["hasher"] = Argon2Hasher()
    core = TextCore(settings.default_locale)
    dp["in_flight"] = in_flight = InFlight()
    dp.update.outer_middleware(in_flight)
    dp["metrics"] = metrics = Metrics(database, in_flight, clock)
    dp.update.outer_middleware(MetricsMiddleware(metrics))
    dp.update.outer_middleware(OutageMiddleware(core, settings.default_locale))
    the_gate = gate(storage, database, lease, clock)
    if isinstance(the_gate, RedisGate):
        dp.startup.register(the_gate.load_scripts)
    dp.update.outer_middleware(GateMiddleware(the_gate, dp.fsm))
    # Not an error to answer: raised on, so that the webhook does not acknowledge it, and
    # before any error middleware runs: aiogram-dialog's would read and write back the
    # resident's dialog, unlocked, while the process that has the update changes it.
    dp.errors.outer_middleware(deliver_later)
    dp.update.outer_middleware(UnitOfWorkMiddleware(database))
    # An error handler runs after the update's unit of work has closed: it gets its own.
    dp.errors.outer_middleware(UnitOfWorkMiddleware(database))
    dp.update.outer_middleware(ResidentMiddleware())
    dp["sessions"] = messenger = ResidentMessenger(core, settings.default_locale)
    dp.startup.register(messenger.attach)
    dp["staff_desk"] = desk = StaffDesk(
        core, settings.staff_chat_id, settings.default_locale, clock
    )
    dp.startup.register(desk.attach)
    dp["payment_terms"] = settings.payment_terms()
    dp["payment_methods"] = settings.payment_methods
    dp["invoice_token"] = (
        settings.payments_provider_token.get_secret_value()
        if settings.payments_provider_token
        else None
    )
    dp["payment_gateway"] = payment_gateway(settings)
    dp["payment_notifier"] = CountedPayments(metrics, settings.staff_chat_id)
    dp["notification_sender"] = sender = NotificationSender(
        database,
        clock,
        NotificationTexts(core, clock),
        Pace(settings.notify_rate),
        settings.default_locale,
        counted=lambda kind, status: metrics.notifications.labels(kind, status).inc(),
    )
    dp.startup.register(sender.attach)
    i18n = I18nMiddleware(
        core=core,
        manager=ResidentLocaleManager(settings.default_locale),
        default_locale=settings.default_locale,
    )
    i18n.setup(dp)
    dp.include_router(unstorable.router())
    if settings.staff_chat_id is not None:
        dp.include_router(staff.router(settings.staff_chat_id))
    dp.include_router(notice_handlers.router())
    # Conversations anyone may have, and those of a logged-in resident only.
    open_to_all = [
        menu.welcome_dialog(),
        faq.dialog(),
        language.dialog(),
        registration.dialog(),
        login.login_dialog(),
        login.recovery_dialog(),
    ]
    residents_only = [
        menu.main_dialog(),
        confirm.dialog(),
        login.complete_profile_dialog(),
        profile.dialog(),
        accounts.accounts_dialog(),
        accounts.link_dialog(),
        readings.dialog(),
        devices.dialog(),
        requisites.dialog(),
        history.dialog(),
        period.dialog(),
        appeals.dialog(),
        payment.dialog(),
        notifications.dialog(),
    ]
    for dialog in residents_only:
        dialog.message.middleware(SignedInOnly())
        dialog.callback_query.middleware(SignedInOnly())
    # Payments before the dialogs: a successful payment may arrive while a dialog waits for
    # a typed answer.
    dp.include_routers(
        commands.router(), payments.router(), errors.router(), *open_to_all, *residents_only
    )
    unique_dialog_ids()
    # aiogram-dialog's own lock is not enough: on a button it reads the dialog's context
    # before it takes the lock (IntentMiddlewareFactory._load_context_by_intent calls
    # StorageProxy.load_context, then _load_stack, which locks), so a second tap waits and
    # then acts on its stale copy. The resident's lock, taken by the gate above
    # before anything is read, holds the whole update; a second lock here would add only a
    # round trip to Redis.
    setup_dialogs(dp, events_isolation=DisabledEventIsolation())
    dp.include_router(fallback.router())  # last: it takes only what everything else left
    metrics.expect_updates(dp.resolve_used_update_types())
    return dp
