"""Receiving updates by polling, as the only poller of the token."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, TelegramMethod

from bot.middlewares import InFlight
from bot.webhook import finish_updates


class PollingConflict(Exception):
    """Another process polls Telegram for the same bot token (or a webhook is set)."""


async def poll(dp: Dispatcher, bot: Bot, stopping: asyncio.Event, in_flight: InFlight) -> None:
    """Polls until ``stopping`` is set (SIGTERM), then finishes the updates in flight.
    Telegram answers 409 when another process polls the same token; aiogram would log it and
    try again forever, each poller knocking the other off: this one stops instead and raises
    PollingConflict."""
    conflicts: list[TelegramConflictError] = []

    async def guard(
        make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramConflictError as conflict:
            if isinstance(method, GetUpdates) and not conflicts:
                conflicts.append(conflict)
                stopping.set()
            raise

    bot.session.middleware(guard)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    await asyncio.wait(
        [polling, asyncio.create_task(stopping.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    if not polling.done():
        await dp.stop_polling()
    await polling
    await finish_updates(in_flight)
    if conflicts:
        raise PollingConflict(conflicts[0].message)
