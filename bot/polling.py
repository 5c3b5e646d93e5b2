"""Receiving updates by polling, as the only poller of the token."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, TelegramMethod


class PollingConflict(Exception):
    """Another process polls Telegram for the same bot token (or a webhook is set)."""


async def poll(dp: Dispatcher, bot: Bot) -> None:
    """Polls until stopped. Telegram answers 409 when another process polls the same token;
    aiogram would log it and try again forever, each poller knocking the other off: this one
    stops instead and raises PollingConflict."""
    conflicts: list[TelegramConflictError] = []

    async def guard(
        make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramConflictError as conflict:
            if isinstance(method, GetUpdates) and not conflicts:
                conflicts.append(conflict)
                await dp.stop_polling()
            raise

    bot.session.middleware(guard)
    await dp.start_polling(bot, handle_signals=True)
    if conflicts:
        raise PollingConflict(conflicts[0].message)
