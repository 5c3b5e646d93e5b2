"""Draining the notification queue within Telegram's limits (docs/notifications.md).

A sender claims a second's worth of due notifications, renders each in its recipient's
language, and sends them paced: at most ``rate`` messages a second in all, one a second per
chat, nothing while Telegram asked to wait (429). What happened to each is recorded when the
batch is through; a claim is a lease, so a sender that died mid-batch leaves its
notifications to another once the lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup

from bot.middlewares import OUTAGES, Outage
from domain.model import Notification, NotificationKind, NotificationStatus
from domain.notifications import retry_delay
from domain.ports import Clock, Recipient, Store, UnitOfWork

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # far longer than a batch takes; a dead sender's batch waits this
POLL_SECONDS = 1.0  # how soon a queued notification is noticed
SENDER_LOCK = "send-notifications"

Rendered = tuple[str, InlineKeyboardMarkup | None]
Claimed = tuple[Notification, Rendered | None, Recipient]  # and how to send it


class NotificationTexts(Protocol):
    async def render(
        self, uow: UnitOfWork, notice: Notification, locale: str | None
    ) -> Rendered | None:
        """The text and buttons; None when what it is about is gone."""


class Pace:
    """When the next message may go. ``now`` and ``sleep`` are a monotonic clock and its
    sleep: the benchmark and the tests run it on a clock of their own."""

    def __init__(
        self,
        rate: float,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1 / rate
        self.now = now
        self.sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._chats: dict[int, float] = {}  # when each chat may get its next message

    async def turn(self, chat_id: int) -> None:
        """Waits for the next slot in all chats and in ``chat_id`` (Telegram takes about one
        message a second in a chat), then takes both."""
        while (
            wait := max(self._next, self._paused_until, self._chats.get(chat_id, 0.0)) - self.now()
        ) > 0:
            await self.sleep(wait)
        now = self.now()
        self._next = now + self.interval
        self._chats[chat_id] = now + 1.0
        if len(self._chats) > 10_000:  # forget chats whose second is over
            self._chats = {chat: at for chat, at in self._chats.items() if at > now}

    def pause(self, seconds: float) -> None:
        """Telegram said to wait (a 429): no sender of this process sends until then."""
        self._paused_until = max(self._paused_until, self.now() + seconds)


def _spread(batch: list[Claimed]) -> list[Claimed]:
    """A chat's second notification after every chat's first, and so on: a chat waits its
    second between two of its messages without holding the others up."""
    seen: dict[int, int] = {}
    ranked = []
    for item in batch:
        chat = item[0].chat_id
        seen[chat] = seen.get(chat, 0) + 1
        ranked.append((seen[chat], item))
    return [item for _, item in sorted(ranked, key=lambda pair: pair[0])]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What became of a notification: a final status, or another try after ``delay``."""

    notice: Notification
    status: NotificationStatus | None
    error: str | None = None
    delay: float = 0.0
    unreachable: bool = False  # the chat refuses messages


class NotificationSender:
    """Drains the queue. Several may run, in one process or many: each claims its own rows."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        texts: NotificationTexts,
        pace: Pace,
        default_locale: str,
        counted: Callable[[NotificationKind, NotificationStatus], None] = lambda *_: None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.texts = texts
        self.pace = pace
        self.default_locale = default_locale
        self.counted = counted
        self.bot: Bot | None = None
        self.batch_size = max(1, round(1 / pace.interval))  # a second's worth
        # One write at a time (SQLite would make concurrent ones wait on its file lock); what
        # finishes meanwhile waits in _unrecorded and goes with the next write.
        self._recording = asyncio.Lock()
        self._unrecorded: list[_Outcome] = []
        self.outage = Outage("notifications")
        self._stopping = asyncio.Event()  # run's: a stop ends a drain between batches

    async def attach(self, bot: Bot) -> None:
        """For ``dp.startup``: the bot that sends."""
        self.bot = bot

    async def run(self, stopping: asyncio.Event) -> None:
        """Sends until ``stopping``, looking for due notifications every second. One process
        of the fleet sends at a time, so the rate cap is the fleet's; if it dies, another
        takes over within a second (claims make two senders safe, should both run)."""
        self._stopping = stopping
        while not stopping.is_set():
            await self.send_due(fleet=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), POLL_SECONDS)

    async def send_due(self, *, fleet: bool = False) -> None:
        """Sends what is due (as the fleet's one sender, with ``fleet``). A failure is logged,
        an outage of the database or Redis once, however long it lasts, and what was not sent
        stays queued for the next time."""
        try:
            if fleet:
                async with self.store.fleet_lock(SENDER_LOCK) as held:
                    if held:
                        await self.drain()
            else:
                await self.drain()
        except OUTAGES as error:
            self.outage.began(error)
            return
        except Exception:
            logger.exception("sending notifications failed; they stay queued")
            return
        self.outage.ended()

    async def drain(self) -> int:
        """Sends every notification due now; how many were sent."""
        sent = 0
        while not self._stopping.is_set() and (batch := await self._claim()):
            sent += await self._send(batch)
        return sent

    async def _claim(self) -> list[Claimed]:
        async with self.store.unit_of_work() as uow:
            now = self.clock.now()
            claimed = await uow.notifications.claim(now, now + LEASE, self.batch_size)
            await uow.commit()  # the lease holds from here, whatever happens next
            if not claimed:
                return []
            recipients = await uow.notifications.recipients([c.chat_id for c in claimed])
            batch = []
            for notice in claimed:
                recipient = recipients.get(notice.chat_id, Recipient())
                rendered = None
                if not (recipient.unreachable or notice.kind in recipient.muted):
                    locale = recipient.locale or self.default_locale
                    rendered = await self.texts.render(uow, notice, locale)
                batch.append((notice, rendered, recipient))
            return batch

    async def _send(self, batch: list[Claimed]) -> int:
        """Each message is recorded as soon as Telegram answered: a sender that dies can
        have sent at most the messages in flight without recording them."""
        assert self.bot is not None, "the sender is attached at start-up"
        unsent = []
        sending = []
        for notice, rendered, recipient in _spread(batch):
            if recipient.unreachable:
                unsent.append(_Outcome(notice, NotificationStatus.BLOCKED))
            elif notice.kind in recipient.muted:
                unsent.append(_Outcome(notice, NotificationStatus.MUTED))
            elif rendered is None:
                unsent.append(_Outcome(notice, NotificationStatus.FAILED, "its subject is gone"))
            else:
                await self.pace.turn(notice.chat_id)
                sending.append(asyncio.create_task(self._deliver(notice, rendered)))
        await self._record(unsent)
        # Those in flight finish and are recorded, even when one of them fails the sender.
        delivered = await asyncio.gather(*sending, return_exceptions=True)
        for outcome in delivered:
            if isinstance(outcome, BaseException):
                raise outcome
        return sum(outcome is NotificationStatus.SENT for outcome in delivered)

    async def _deliver(self, notice: Notification, rendered: Rendered) -> NotificationStatus | None:
        assert self.bot is not None
        text, markup = rendered
        try:
            await self.bot.send_message(notice.chat_id, text, reply_markup=markup)
        except TelegramRetryAfter as error:
            self.pace.pause(error.retry_after)
            outcome = _Outcome(notice, None, delay=error.retry_after)
        except TelegramForbiddenError as error:  # blocked the bot, or was deactivated
            outcome = _Outcome(notice, NotificationStatus.BLOCKED, error.message, unreachable=True)
        except TelegramBadRequest as error:  # asking again would be refused again
            outcome = _Outcome(notice, NotificationStatus.FAILED, error.message)
        except TelegramAPIError as error:  # Telegram or the network is down for now
            delay = retry_delay(notice.attempts + 1)
            outcome = (
                _Outcome(notice, NotificationStatus.FAILED, error.message)
                if delay is None
                else _Outcome(notice, None, error.message, delay.total_seconds())
            )
        else:
            outcome = _Outcome(notice, NotificationStatus.SENT)
        await self._record([outcome])
        return outcome.status

    async def _record(self, outcomes: list[_Outcome]) -> None:
        """Records the outcomes, with any others that finished while the last record was
        being written: one transaction for all that are ready, so that messages Telegram
        answered at the same moment do not wait for each other's commits."""
        self._unrecorded += outcomes
        async with self._recording:
            outcomes, self._unrecorded = self._unrecorded, []
            if not outcomes:
                return  # recorded with another's
            async with self.store.unit_of_work() as uow:
                now = self.clock.now()
                await uow.notifications.finish(
                    [
                        (o.notice.id, o.status, o.error)
                        for o in outcomes
                        if o.status is not None and o.notice.id is not None
                    ],
                    now,
                )
                for o in outcomes:
                    assert o.notice.id is not None
                    if o.status is None:
                        await uow.notifications.retry(
                            o.notice.id, now + timedelta(seconds=o.delay), o.error
                        )
                    if o.unreachable:
                        await uow.notifications.unreachable(o.notice.chat_id, now)
                await uow.commit()
        for o in outcomes:
            if o.status is not None:
                self.counted(o.notice.kind, o.status)
