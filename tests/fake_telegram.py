"""Telegram's limits and time, played fast: for the notification engine's tests and its
benchmark alike."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import SendMessage, TelegramMethod

from bot.app import BOT_DEFAULTS, LOCAL_TOKEN
from bot.notifications import NotificationSender, Pace
from bot.transports.local import LocalSession
from handlers.notifications import NotificationTexts
from rendering.texts import TextCore
from storage.database import Database


class VirtualTime:
    """The sender's clock, its pace's and the fake Bot API's: sleeping moves it on at once,
    so a broadcast of hours runs in seconds and every limit is still kept in its seconds."""

    def __init__(self) -> None:
        self.start = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Tomsk
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    async def sleep(self, seconds: float) -> None:
        self.seconds += seconds
        await asyncio.sleep(0)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    def today(self) -> date:
        return self.local(self.now()).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo("Asia/Tomsk"))


class Crash(BaseException):
    """The process dies."""


class RateLimitedTelegram:
    """sendMessage as Telegram limits it: ``limit`` messages a second in all and one a second
    per chat, else 429 with retry_after; 403 for chats that blocked the bot; ``failing`` chats
    get a 5xx that many times first. It is the local session's ``fail`` hook: a message it
    lets through is delivered by the session."""

    def __init__(
        self,
        time: VirtualTime,
        *,
        limit: int = 30,
        blocked: frozenset[int] = frozenset(),
        failing: dict[int, int] | None = None,
        crash_at: int | None = None,
    ) -> None:
        self.time = time
        self.limit = limit
        self.blocked = blocked
        self.failing = dict(failing or {})
        self.crash_at = crash_at
        self.calls = 0
        self.recent: deque[float] = deque()
        self.last_in_chat: dict[int, float] = {}
        self.delivered: Counter[int] = Counter()
        self.delivered_at: list[float] = []
        self.too_many: list[float] = []

    def __call__(self, method: TelegramMethod) -> Exception | None:
        if not isinstance(method, SendMessage):
            return None
        self.calls += 1
        if self.calls == self.crash_at:
            raise Crash
        now = self.time.monotonic()
        chat = int(method.chat_id)
        while self.recent and self.recent[0] <= now - 1:
            self.recent.popleft()
        if chat in self.blocked:
            return TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        if self.failing.get(chat, 0) > 0:
            self.failing[chat] -= 1
            return TelegramServerError(method, "Internal Server Error")
        if len(self.recent) >= self.limit or now - self.last_in_chat.get(chat, -9) < 1:
            self.too_many.append(now)
            return TelegramRetryAfter(method, "Too Many Requests: retry after 1", retry_after=1)
        self.recent.append(now)
        self.last_in_chat[chat] = now
        self.delivered[chat] += 1
        self.delivered_at.append(now)
        return None


async def sender_on(
    database: Database,
    time: VirtualTime,
    telegram: RateLimitedTelegram,
    rate: float = 25,
    session: LocalSession | None = None,
) -> NotificationSender:
    """The notification sender on the fake clock, sending to the fake Telegram."""
    core = TextCore("ru")
    await core.startup()
    sender = NotificationSender(
        database,
        time,
        NotificationTexts(core, time),
        Pace(rate, time.monotonic, time.sleep),
        "ru",
    )
    session = session or LocalSession()
    session.fail = telegram
    await sender.attach(Bot(LOCAL_TOKEN, session=session, default=BOT_DEFAULTS))
    return sender


class ForgetfulSession(LocalSession):
    """The local session keeping no chats: a benchmark's fake Telegram whose memory of a
    hundred thousand messages would otherwise be counted as the bot's."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.calls = deque(maxlen=1)  # type: ignore[assignment]

    def remember(self, message: Any) -> None:
        pass
