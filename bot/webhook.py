"""Receiving updates by webhook (``WEBHOOK_URL``) instead of polling: an aiohttp server that
Telegram posts to, behind the operator's HTTPS reverse proxy."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from aiohttp.web_log import AccessLogger
from prometheus_client import CONTENT_TYPE_LATEST
from redis.exceptions import RedisError

from bot.config import Settings, StartError
from bot.devices import add_device_api
from bot.middlewares import InFlight, UpdateBusy
from bot.payments import add_notifications
from storage.database import Database, NotReady

READY_TIMEOUT = 3  # seconds a readiness check waits for the database and Redis
# What a stopping process gives its updates in flight: less than the 30 s that supervisors
# (systemd, Kubernetes, Docker) usually allow between SIGTERM and SIGKILL.
SHUTDOWN_SECONDS = 25.0

logger = logging.getLogger(__name__)


def webhook_path(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return urlsplit(str(settings.webhook_url)).path or "/"


def web_app(dp: Dispatcher, database: Database) -> web.Application:
    """The bot's web server: health, readiness and metrics for the operator, the device API
    for smart readers, and YooKassa's notifications, where its page is switched on."""
    app = web.Application()

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        """Ready when the database and, where the FSM is kept there, Redis answer."""
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                await database.ready()
                if isinstance(dp.storage, RedisStorage):
                    await dp.storage.redis.ping()
        except NotReady as error:
            return web.Response(status=503, text=f"not ready: {error}")
        except (OSError, TimeoutError, RedisError) as error:
            return web.Response(status=503, text=f"not ready: {type(error).__name__}")
        return web.Response(text="ready")

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(
            body=await dp["metrics"].exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    add_device_api(app, database, dp["clock"], dp["utility"].reading_window)
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


class UpdatesHandler(SimpleRequestHandler):
    """Telegram's updates, each handled before Telegram has its 200 (aiogram's default answers
    first): the update of a process that dies mid-way is delivered again, not lost. One that
    another process has in hand gets 503, and Telegram delivers it again later; a body that
    is no update, 400."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str | None) -> None:
        super().__init__(
            dispatcher=dispatcher, bot=bot, secret_token=secret_token, handle_in_background=False
        )

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            update = Update.model_validate(
                await request.json(loads=bot.session.json_loads), context={"bot": bot}
            )
        except (ValueError, RecursionError):  # pydantic's ValidationError is a ValueError
            return web.Response(status=400, text="not an update")
        try:
            result: Any = await self.dispatcher.feed_webhook_update(bot, update, **self.data)
        except UpdateBusy:
            return web.Response(status=503, headers={"Retry-After": "10"}, text="in hand")
        return web.Response(body=self._build_response_writer(bot=bot, result=result))


def webhook_app(
    dp: Dispatcher, bot: Bot, settings: Settings, database: Database
) -> web.Application:
    """Telegram's updates beside the rest; only requests carrying the secret Telegram was
    given are let in."""
    app = web_app(dp, database)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    UpdatesHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
        app, path=webhook_path(settings)
    )
    setup_application(app, dp, bot=bot, bots=[bot])
    return app


class AccessLog(AccessLogger):
    """aiohttp's access log without the probes and the scrapes: a line every few seconds
    for each of them would bury the requests worth reading."""

    QUIET = frozenset({"/healthz", "/readyz", "/metrics"})

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if request.path not in self.QUIET or response.status >= 500:
            super().log(request, response, time)


async def serve(
    app: web.Application,
    settings: Settings,
    stopping: asyncio.Event,
    in_flight: InFlight,
    started: str,
) -> None:
    """Serves the app on WEBHOOK_HOST:WEBHOOK_PORT until ``stopping`` is set (SIGTERM); then
    takes no more requests, finishes the updates in flight (for SHUTDOWN_SECONDS at most)
    and closes. Telegram delivers an update it could not deliver here again, to whichever
    process the proxy sends it. ``started`` is the line logged once it listens."""

    @web.middleware
    async def refuse_when_stopping(request: web.Request, handler: Any) -> web.StreamResponse:
        # A connection kept alive from before the stop may still bring a request.
        if stopping.is_set():
            return web.Response(status=503, text="stopping")
        return await handler(request)

    app.middlewares.append(refuse_when_stopping)
    runner = web.AppRunner(app, handle_signals=False, access_log_class=AccessLog)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    try:
        await site.start()
    except OSError as error:  # the port is taken, or the address is not this host's
        await runner.cleanup()
        raise StartError(
            f"WEBHOOK_HOST:WEBHOOK_PORT {settings.webhook_host}:{settings.webhook_port}: "
            f"cannot listen: {os.strerror(error.errno) if error.errno else error}"
        ) from None
    logger.info("%s, listening on %s:%s", started, settings.webhook_host, settings.webhook_port)
    try:
        await stopping.wait()
        await site.stop()
        await finish_updates(in_flight)
    finally:
        # Only now: closing the app closes the bot's session, which updates in flight need.
        await runner.cleanup()


async def finish_updates(in_flight: InFlight) -> None:
    if not await in_flight.finished(SHUTDOWN_SECONDS):
        logger.warning(
            "stopped with %s updates unfinished after %s s", in_flight.count, SHUTDOWN_SECONDS
        )


async def set_webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    """Points Telegram at WEBHOOK_URL. Updates waiting at Telegram are kept: they are
    residents' messages sent while the bot was away."""
    assert settings.webhook_url is not None
    await bot.set_webhook(
        str(settings.webhook_url),
        secret_token=settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else None,
        allowed_updates=dp.resolve_used_update_types(),
        max_connections=settings.webhook_max_connections,
        drop_pending_updates=False,
    )
    logger.info("webhook set at %s", urlsplit(str(settings.webhook_url)).netloc)
