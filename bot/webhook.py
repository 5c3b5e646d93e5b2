"""Receiving updates by webhook (``WEBHOOK_URL``) instead of polling: an aiohttp server that
Telegram posts to, behind the operator's HTTPS reverse proxy."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.config import Settings


def webhook_path(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return urlsplit(str(settings.webhook_url)).path or "/"


def webhook_app(dp: Dispatcher, bot: Bot, settings: Settings) -> web.Application:
    """Only requests carrying the secret Telegram was given are let in."""
    app = web.Application()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
        app, path=webhook_path(settings)
    )
    setup_application(app, dp, bot=bot, bots=[bot])
    return app


async def serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    assert settings.webhook_url is not None
    await bot.set_webhook(
        str(settings.webhook_url),
        secret_token=settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else None,
        allowed_updates=dp.resolve_used_update_types(),
    )
    runner = web.AppRunner(webhook_app(dp, bot, settings))
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    try:
        await asyncio.Event().wait()  # until the process is stopped
    finally:
        await runner.cleanup()
