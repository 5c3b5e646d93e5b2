"""Receiving updates by webhook (``WEBHOOK_URL``) instead of polling: an aiohttp server that
Telegram posts to, behind the operator's HTTPS reverse proxy."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.payments import add_notifications
from storage.database import Database

READY_TIMEOUT = 3  # seconds a readiness check waits for the database and Redis


def webhook_path(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return urlsplit(str(settings.webhook_url)).path or "/"


def web_app(dp: Dispatcher, database: Database) -> web.Application:
    """The bot's web server: health, readiness and metrics for the operator, and YooKassa's
    notifications, where its page is switched on."""
    app = web.Application()

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        """Ready when the database and, where the FSM is kept there, Redis answer."""
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                async with database.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                if isinstance(dp.storage, RedisStorage):
                    await dp.storage.redis.ping()
        except (OSError, TimeoutError, SQLAlchemyError, RedisError) as error:
            return web.Response(status=503, text=f"not ready: {type(error).__name__}")
        return web.Response(text="ready")

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(
            body=dp["metrics"].exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    if dp["payment_gateway"] is not None:
        add_notifications(
            app,
            database,
            dp["clock"],
            dp["payment_notifier"],
            dp["payment_gateway"],
            dp["settings"].trusted_proxies,
        )
    return app


def webhook_app(
    dp: Dispatcher, bot: Bot, settings: Settings, database: Database
) -> web.Application:
    """Telegram's updates beside the rest; only requests carrying the secret Telegram was
    given are let in."""
    app = web_app(dp, database)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
        app, path=webhook_path(settings)
    )
    setup_application(app, dp, bot=bot, bots=[bot])
    return app


async def serve(app: web.Application, settings: Settings) -> None:
    """Serves the app on WEBHOOK_HOST:WEBHOOK_PORT until the process is stopped."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings, database: Database) -> None:
    assert settings.webhook_url is not None
    await bot.set_webhook(
        str(settings.webhook_url),
        secret_token=settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else None,
        allowed_updates=dp.resolve_used_update_types(),
    )
    await serve(webhook_app(dp, bot, settings, database), settings)
