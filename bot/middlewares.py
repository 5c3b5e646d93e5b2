"""Work done for every update, once: a unit of work, and who the resident is."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from domain.errors import NotSignedIn
from domain.ports import Clock
from domain.residents import bound_profile, resident
from storage.database import Database, UpdateLog

logger = logging.getLogger(__name__)


class OnceMiddleware(BaseMiddleware):
    """Each update is processed once: one Telegram delivers again (after a webhook answered
    late, or a restart) is dropped, whichever process it reaches."""

    def __init__(self, updates: UpdateLog, clock: Clock) -> None:
        self.updates = updates
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if not await self.updates.first_delivery(event.update_id, self.clock.now()):
            logger.info("update %s delivered again: skipped", event.update_id)
            return None
        return await handler(event, data)


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
            data["resident"] = await resident(data["uow"], user.id)
            data["profile"] = await bound_profile(data["uow"], data["resident"])
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
