"""A Bot API server on the loopback for bot processes the tests start (``TELEGRAM_API_URL``):
it reads each request as Telegram would and answers it with the local session, which keeps
the chats; ``RemoteChat`` is a person in those chats whose updates go to the processes'
webhooks, as Telegram sends them."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
import typing
from typing import Any

import aiohttp
from aiogram import Bot, methods
from aiogram.types import Update
from aiohttp import web

from bot.app import BOT_DEFAULTS, LOCAL_TOKEN
from bot.transports.local import LocalChat, LocalSession

METHODS = {
    name.lower(): cls
    for name, cls in vars(methods).items()
    if isinstance(cls, type) and issubclass(cls, methods.TelegramMethod)
}
WAIT = 30.0  # seconds a test waits for a process to do what it was asked


def _text_only(annotation: Any) -> bool:
    """A field that is text whatever it reads like ("123" is a text, not a number)."""
    args = set(typing.get_args(annotation))
    return annotation is str or (bool(args) and args <= {str, type(None)})


def _method(name: str, form: Any) -> methods.TelegramMethod[Any]:
    """The method as aiogram sent it: scalars as text, objects as JSON."""
    cls = METHODS[name.lower()]
    values = {}
    for key, value in form.items():
        field = cls.model_fields.get(key)
        if isinstance(value, str) and not (field and _text_only(field.annotation)):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        values[key] = value
    return cls.model_validate(values)


class FakeBotApi:
    """Answers ``/bot<token>/<method>`` with the local session. ``hold()`` keeps the next
    sendMessage waiting until ``release()``: a process caught in the middle of an update."""

    def __init__(self) -> None:
        self.session = LocalSession()
        self.bot = Bot(LOCAL_TOKEN, session=self.session, default=BOT_DEFAULTS)
        self.held = asyncio.Event()
        self.holding = 0  # answers waiting for release()
        self._gate: asyncio.Event | None = None
        self._lost = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._answer)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def hold(self) -> None:
        self._gate = asyncio.Event()
        self.held.clear()

    def release(self, *, lost: bool = False) -> None:
        """Lets the held answers through; ``lost``: they never reach the chat, as the answers
        of a process killed while it waited."""
        assert self._gate is not None
        self._lost = lost
        self._gate.set()
        self._gate = None

    async def _answer(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if name.lower() not in METHODS:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"})
        method = _method(name, await request.post())
        gate = self._gate
        if gate is not None and isinstance(method, methods.SendMessage):
            self.held.set()
            self.holding += 1
            await gate.wait()
            self.holding -= 1
            if self._lost:
                return web.json_response({"ok": False, "error_code": 500}, status=500)
        handler = getattr(self.session, f"_{type(method).__name__}", None)
        if handler is None:  # setWebhook, deleteWebhook and the like: nothing to keep
            return web.json_response({"ok": True, "result": True})
        try:
            result = await self.session.make_request(self.bot, method)
        except Exception as error:  # what Telegram refuses, it refuses with 400
            return web.json_response(
                {"ok": False, "error_code": 400, "description": str(error)}, status=400
            )
        if hasattr(result, "model_dump"):
            result = result.model_dump(mode="json", exclude_none=True, by_alias=True)
        return web.json_response({"ok": True, "result": result})


async def post_update(webhook: str, secret: str, update: Update) -> int:
    """Posts an update as Telegram does; the HTTP status the process answered."""
    async with (
        aiohttp.ClientSession() as client,
        client.post(
            webhook,
            data=update.model_dump_json(exclude_none=True, by_alias=True),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": secret,
            },
        ) as response,
    ):
        return response.status


async def handled(base: str) -> float:
    """How many updates the process at ``base`` finished, from its metrics."""
    async with aiohttp.ClientSession() as client, client.get(f"{base}/metrics") as response:
        text = await response.text()
    return sum(
        float(count) for count in re.findall(r"^bot_updates_total\{[^}]*\} (\S+)$", text, re.M)
    )


async def until(check: typing.Callable[[], typing.Awaitable[bool]], what: str) -> None:
    """Waits for something a process does on its own time, up to WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT:.0f} s for {what}")
        await asyncio.sleep(0.05)


class RemoteChat(LocalChat):
    """A person's chat whose updates go, in turn, to each of the processes' webhooks, each
    waiting until that process has handled it."""

    def __init__(self, api: FakeBotApi, webhooks: list[str], secret: str, **kwargs: Any) -> None:
        super().__init__(None, api.bot, api.session, **kwargs)  # type: ignore[arg-type]
        self.webhooks = webhooks
        self.secret = secret
        self._turn = itertools.cycle(range(len(webhooks)))
        self.received: list[int] = []  # which process took each update

    async def feed(self, **event: Any) -> None:
        index = next(self._turn)
        base = self.webhooks[index].rsplit("/", 1)[0]
        update = Update(update_id=next(self._update_ids), **event)
        before = await handled(base)
        assert await post_update(self.webhooks[index], self.secret, update) == 200

        async def done() -> bool:
            return await handled(base) > before

        await until(done, f"update {update.update_id} at {base}")
        self.received.append(index)

    async def deliver_notifications(self) -> None:
        """The processes send their notifications themselves."""
