"""Work done for every update, once: a unit of work, and who the resident is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from domain.residents import resident
from storage.database import Database


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
    """Puts the Telegram user as the bot knows them (``resident``) into the handler's data."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None:
            data["resident"] = await resident(data["uow"], user.id)
        return await handler(event, data)
