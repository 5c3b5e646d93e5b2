"""Work done for every update, once: a unit of work, and who the resident is."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import redis.exceptions
import sqlalchemy.exc
from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update, User
from redis.asyncio import Redis

from domain.errors import NotSignedIn
from domain.model import TelegramUser
from domain.ports import Clock
from domain.residents import locale_for, resident
from rendering.texts import TextCore
from storage.database import Database, Delivery, UpdateLog

logger = logging.getLogger(__name__)


# What an unreachable database or Redis raises: a refused or dropped connection, a pool that
# gave none in time.
OUTAGES = (
    OSError,
    asyncio.TimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class Outage:
    """Whether the database or Redis is away, as one part of the bot (``what``) met it: logged
    when it begins and when it ends, not at each failure in between."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.down = False

    def began(self, error: BaseException) -> None:
        if not self.down:
            logger.error("%s: the database or Redis is unavailable: %r", self.what, error)
            self.down = True

    def ended(self) -> None:
        if self.down:
            logger.warning("%s: the database and Redis answer again", self.what)
            self.down = False


class OutageMiddleware(BaseMiddleware):
    """The database or Redis not answering: the resident is told to try again in a few
    minutes (in Telegram's language: the chosen one is in the database), the outage is logged
    once rather than once per update, and the next update that goes through ends it."""

    def __init__(self, core: TextCore, default_locale: str) -> None:
        self.core = core
        self.default_locale = default_locale
        self.outage = Outage("updates")

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            result = await handler(event, data)
        except OUTAGES as error:
            self.outage.began(error)
            assert isinstance(event, Update)
            await self._apologise(event, data)
            return None
        self.outage.ended()
        return result

    async def _apologise(self, update: Update, data: dict[str, Any]) -> None:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        bot: Bot = data["bot"]
        stranger = TelegramUser(telegram_id=user.id if user else 0)
        locale = locale_for(stranger, user.language_code if user else None, self.default_locale)
        text = self.core.get("service-unavailable", locale)
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text, show_alert=True)
            elif chat is not None:
                await bot.send_message(chat.id, text)
        except TelegramAPIError as error:
            logger.warning("could not tell of the outage: %s", error)


class RedisUpdateLog:
    """Which Telegram updates were taken, and which handled, in the fleet's Redis: one SET NX
    per update, where the database's log costs a transaction and its commit's flush to disk.
    A claim lapses after ``lease``; a handled update is kept a day, longer than Telegram keeps
    an update it could not deliver."""

    def __init__(self, redis: Redis, prefix: str, lease: timedelta) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lease = lease

    async def take(self, update_id: int, _now: datetime) -> Delivery:
        key = f"{self.prefix}:update:{update_id}"
        if await self.redis.set(key, "taken", nx=True, ex=self.lease):
            return Delivery.FIRST
        return Delivery.DONE if await self.redis.get(key) == b"done" else Delivery.BUSY

    async def done(self, update_id: int, _now: datetime) -> None:
        await self.redis.set(f"{self.prefix}:update:{update_id}", "done", ex=timedelta(days=1))


class UpdateBusy(Exception):
    """A delivery of an update another process has taken and not yet handled. It is not
    answered with 200: Telegram delivers it again later, by when it is handled, or the claim
    of a process that died has lapsed and the update is taken again."""


class OnceMiddleware(BaseMiddleware):
    """Each update is handled once, and none is lost: one Telegram delivers again after it
    was handled (a webhook answered late) is dropped, whichever process it reaches; one whose
    process died before it was handled is taken again once that claim lapses."""

    def __init__(self, updates: UpdateLog | RedisUpdateLog, clock: Clock) -> None:
        self.updates = updates
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        delivery = await self.updates.take(event.update_id, self.clock.now())
        if delivery is Delivery.DONE:
            logger.info("update %s delivered again: skipped", event.update_id)
            return None
        if delivery is Delivery.BUSY:
            raise UpdateBusy(event.update_id)
        try:
            result = await handler(event, data)
        except asyncio.CancelledError:
            raise  # cut short by a stop: taken again when its claim lapses
        except Exception:
            # A failed update counts as handled: the resident had the apology, and taking it
            # again would fail again.
            await self.updates.done(event.update_id, self.clock.now())
            raise
        await self.updates.done(event.update_id, self.clock.now())
        return result


class InFlight(BaseMiddleware):
    """Outermost: counts the updates being handled, so that a process told to stop can finish
    them before it goes."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if not self.count:
                self._idle.set()

    async def finished(self, timeout: float) -> bool:
        """Waits until no update is being handled; False if some still were after
        ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class UnitOfWorkMiddleware(BaseMiddleware):
    def __init__(self, database: Database) -> None:
        self.database = database

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.database.unit_of_work() as uow:
            data["uow"] = uow
            return await handler(event, data)


class ResidentMiddleware(BaseMiddleware):
    """Puts the Telegram user as the bot knows them (``resident``) and the profile they are
    logged in to (``profile``, or None) into the handler's data, once per update."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None:
            data["resident"], data["profile"] = await resident(data["uow"], user.id)
            if data["resident"].unreachable_at is not None:
                # They wrote again: notifications may reach them again.
                await data["uow"].telegram_users.reachable(user.id)
                await data["uow"].commit()
                data["resident"].unreachable_at = None
        return await handler(event, data)


class SignedInOnly(BaseMiddleware):
    """Guards the conversations of a logged-in resident: an update that reaches one without a
    profile (a button left from before a logout) raises NotSignedIn, which the error handler
    answers with the welcome. Their getters and callbacks may take the profile as given."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if data.get("profile") is None:
            raise NotSignedIn
        return await handler(event, data)
