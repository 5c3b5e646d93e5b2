"""Work done for every update, once: a unit of work, and who the resident is."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, Protocol, cast

import redis.exceptions
import sqlalchemy.exc
from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Chat, TelegramObject, Update, User

from domain.errors import NotSignedIn
from domain.model import TelegramUser
from domain.ports import Clock
from domain.residents import locale_for, resident
from rendering.texts import TextCore
from storage.database import Database, Delivery, UpdateLog

logger = logging.getLogger(__name__)


# What an unreachable database or Redis raises: a refused or dropped connection, a pool that
# gave none in time.
OUTAGES = (
    OSError,
    asyncio.TimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class Outage:
    """Whether the database or Redis is away, as one part of the bot (``what``) met it: logged
    when it begins and when it ends, not at each failure in between."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.down = False

    def began(self, error: BaseException) -> None:
        if not self.down:
            logger.error("%s: the database or Redis is unavailable: %r", self.what, error)
            self.down = True

    def ended(self) -> None:
        if self.down:
            logger.warning("%s: the database and Redis answer again", self.what)
            self.down = False


class OutageMiddleware(BaseMiddleware):
    """The database or Redis not answering: the resident is told to try again in a few
    minutes (in Telegram's language: the chosen one is in the database), the outage is logged
    once rather than once per update, and the next update that goes through ends it."""

    def __init__(self, core: TextCore, default_locale: str) -> None:
        self.core = core
        self.default_locale = default_locale
        self.outage = Outage("updates")

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            result = await handler(event, data)
        except OUTAGES as error:
            self.outage.began(error)
            assert isinstance(event, Update)
            await self._apologise(event, data)
            return None
        self.outage.ended()
        return result

    async def _apologise(self, update: Update, data: dict[str, Any]) -> None:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        bot: Bot = data["bot"]
        stranger = TelegramUser(telegram_id=user.id if user else 0)
        locale = locale_for(stranger, user.language_code if user else None, self.default_locale)
        text = self.core.get("service-unavailable", locale)
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text, show_alert=True)
            elif chat is not None:
                await bot.send_message(chat.id, text)
        except TelegramAPIError as error:
            logger.warning("could not tell of the outage: %s", error)


class Gate(Protocol):
    """Where an update is let in: its delivery claimed, so that the fleet handles it once and
    loses none, and the resident's lock taken, so that the second tap of a double tap starts
    only when the first has committed and saved its dialog."""

    async def enter(self, update_id: int, resident: StorageKey | None) -> Delivery:
        """Claims the update; when it is this process's to handle (FIRST), the resident's
        lock is held as well until ``leave``."""

    async def leave(self, update_id: int, resident: StorageKey | None, *, handled: bool) -> None:
        """Lets the resident's lock go and, when ``handled``, notes the update handled."""


# The update's claim (its value the claimer's token) and, when it is taken now, the
# resident's lock: 1 taken and locked, 2 taken but the resident's previous update holds the
# lock, 3 handled before, 0 another process has it.
_ENTER = """
if redis.call('set', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then
    if KEYS[2] == nil or redis.call('set', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then
        return 1
    end
    return 2
end
if redis.call('get', KEYS[1]) == 'done' then
    return 3
end
return 0
"""
# While the update waits for the resident's lock: its claim kept from lapsing (0 if it has
# lapsed, and may be another's now), then the lock tried: 1 taken, 2 still held.
_LOCK = """
if redis.call('get', KEYS[1]) ~= ARGV[2] then
    return 0
end
redis.call('pexpire', KEYS[1], ARGV[1])
if redis.call('set', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then
    return 1
end
return 2
"""
# The dialogs the update changed written (an empty value deletes), the lock let go if it is
# still this update's (one that lapsed may be another's now), and the update noted handled.
# KEYS: the update, the lock when there is one (ARGV[5] = '1'), the dialogs' keys; ARGV: the
# lock's token, '1' if handled, the seconds a handled update is kept, the seconds a dialog is
# kept (0: for ever), then each dialog's value.
_LEAVE = """
local dialogs = 2
if ARGV[5] == '1' then
    dialogs = 3
end
for i = dialogs, #KEYS do
    local value = ARGV[6 + i - dialogs]
    if value == '' then
        redis.call('del', KEYS[i])
    elseif ARGV[4] == '0' then
        redis.call('set', KEYS[i], value)
    else
        redis.call('set', KEYS[i], value, 'EX', ARGV[4])
    end
end
if ARGV[5] == '1' and redis.call('get', KEYS[2]) == ARGV[1] then
    redis.call('del', KEYS[2])
end
if ARGV[2] == '1' then
    redis.call('set', KEYS[1], 'done', 'EX', ARGV[3])
end
"""


class _DialogWrites(dict[str, str]):
    """What the update being handled has written of its dialogs, by key ('' deletes), for the
    gate to write as it leaves; closed then, so that a task the update started and that
    writes later (it inherits the update's context) writes at once. With the token of this
    delivery's claim and lock."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.open = True


_dialog_writes: ContextVar[_DialogWrites | None] = ContextVar("dialog_writes", default=None)


class GatedRedisStorage(RedisStorage):
    """aiogram-dialog's stacks and contexts in Redis, written by the gate as the update leaves
    it, in the round trip that lets the resident's lock go: two or three SETs an update fewer,
    and the resident's next update finds the dialogs as this one left them, all or none. The
    update reads what it wrote; outside an update (a job's, a start-up's) a write is at once."""

    def _pending(self, key: StorageKey) -> tuple[_DialogWrites | None, str]:
        writes = _dialog_writes.get()
        open_writes = writes if writes is not None and writes.open else None
        return open_writes, self.key_builder.build(key, "data")

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        writes, name = self._pending(key)
        if writes is None:
            await super().set_data(key, data)
        else:
            writes[name] = self.json_dumps(data) if data else ""

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        writes, name = self._pending(key)
        if writes is None or name not in writes:
            return await super().get_data(key)
        return cast(dict[str, Any], self.json_loads(writes[name])) if writes[name] else {}


class RedisGate:
    """The gate in the fleet's Redis: one script on the way in and one on the way out, where
    a claim, a lock, its release and the mark of done would be four round trips. A claim and
    a lock lapse after ``lease`` (those of a process that died with them); a handled update
    is kept a day, longer than Telegram keeps an update it could not deliver."""

    DONE_FOR = timedelta(days=1)
    RETRY = 0.05  # seconds between two tries of a lock the resident's previous update holds

    def __init__(self, storage: RedisStorage, lease: timedelta) -> None:
        assert isinstance(storage.key_builder, DefaultKeyBuilder)
        self.keys = storage.key_builder
        self.lease_ms = int(lease.total_seconds() * 1000)
        ttl = storage.data_ttl
        self.dialogs_for = int(ttl.total_seconds() if isinstance(ttl, timedelta) else ttl or 0)
        self._enter = storage.redis.register_script(_ENTER)
        self._lock = storage.redis.register_script(_LOCK)
        self._leave = storage.redis.register_script(_LEAVE)
        self._process = secrets.token_hex(8)
        self._deliveries = itertools.count()

    async def load_scripts(self) -> None:
        """At start: the first update then runs its scripts by their digest at once, where
        Redis would answer NOSCRIPT and the script be sent in full (again after a restart of
        Redis, which forgets them)."""
        try:
            for script in (self._enter, self._lock, self._leave):
                await script.registered_client.script_load(script.script)
        except OUTAGES as error:  # the bot starts all the same, and apologises meanwhile
            logger.warning(
                "Redis does not answer at start; its scripts go with their first run: %r", error
            )

    def claim_key(self, update_id: int) -> str:
        return f"{self.keys.prefix}:update:{update_id}"

    def lock_key(self, resident: StorageKey) -> str:
        return self.keys.build(resident, "lock")

    def _keys(self, update_id: int, resident: StorageKey | None) -> list[str]:
        update = self.claim_key(update_id)
        return [update] if resident is None else [update, self.lock_key(resident)]

    async def enter(self, update_id: int, resident: StorageKey | None) -> Delivery:
        # One delivery's own: a delivery of the update again, to this process once the claim
        # lapsed, is not taken for this one.
        keys, token = self._keys(update_id, resident), f"{self._process}:{next(self._deliveries)}"
        entered = await self._enter(keys, [self.lease_ms, token])
        while entered == 2:
            await asyncio.sleep(self.RETRY)
            entered = await self._lock(keys, [self.lease_ms, token])
        if entered == 1:
            _dialog_writes.set(_DialogWrites(token))
        return {1: Delivery.FIRST, 3: Delivery.DONE, 0: Delivery.BUSY}[entered]

    async def leave(self, update_id: int, resident: StorageKey | None, *, handled: bool) -> None:
        writes = _dialog_writes.get()
        if writes is None:  # entered in another task: its lock lapses
            writes = _DialogWrites(token="")
        writes.open = False
        _dialog_writes.set(None)
        await self._leave(
            [*self._keys(update_id, resident), *writes],
            [
                writes.token,
                int(handled),
                int(self.DONE_FOR.total_seconds()),
                self.dialogs_for,
                int(resident is not None),
                *writes.values(),
            ],
        )


class LocalGate:
    """The gate of a bot without Redis: updates noted in the database, residents locked in
    this process (a fleet without Redis shares no lock)."""

    def __init__(self, updates: UpdateLog, clock: Clock) -> None:
        self.updates = updates
        self.clock = clock
        self._locks: defaultdict[StorageKey, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def enter(self, update_id: int, resident: StorageKey | None) -> Delivery:
        delivery = await self.updates.take(update_id, self.clock.now())
        if delivery is Delivery.FIRST and resident is not None:
            await self._locks[resident].acquire()
        return delivery

    async def leave(self, update_id: int, resident: StorageKey | None, *, handled: bool) -> None:
        if resident is not None:
            self._locks[resident].release()
        if handled:
            await self.updates.done(update_id, self.clock.now())


class UpdateBusy(Exception):
    """A delivery of an update another process has taken and not yet handled. It is not
    answered with 200: Telegram delivers it again later, by when it is handled, or the claim
    of a process that died has lapsed and the update is taken again."""


class GateMiddleware(BaseMiddleware):
    """Each update is handled once, and none is lost, one resident's one after the other:
    one Telegram delivers again after it was handled (a webhook answered late) is dropped,
    whichever process it reaches; one whose process died before it was handled is taken again
    once that claim lapses. In place of aiogram's FSM middleware, whose lock it takes: that
    one reads a state no handler of ours uses, a round trip per update. Error handlers run
    after it has let go (aiogram's error middleware is the outermost)."""

    def __init__(self, gate: Gate, fsm: FSMContextMiddleware) -> None:
        self.gate = gate
        self.fsm = fsm

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        context = self.fsm.resolve_event_context(data["bot"], data)
        resident = context.key if context is not None else None
        data["fsm_storage"] = self.fsm.storage  # where aiogram-dialog keeps the dialogs
        delivery = await self.gate.enter(event.update_id, resident)
        if delivery is Delivery.DONE:
            logger.info("update %s delivered again: skipped", event.update_id)
            return None
        if delivery is Delivery.BUSY:
            raise UpdateBusy(event.update_id)
        # A failed update counts as handled: the resident had the apology, and taking it
        # again would fail again.
        handled = True
        try:
            return await handler(event, data)
        except asyncio.CancelledError:
            handled = False  # cut short by a stop: taken again when its claim lapses
            raise
        finally:
            await self.gate.leave(event.update_id, resident, handled=handled)


class InFlight(BaseMiddleware):
    """Outermost: counts the updates being handled, so that a process told to stop can finish
    them before it goes."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if not self.count:
                self._idle.set()

    async def finished(self, timeout: float) -> bool:
        """Waits until no update is being handled; False if some still were after
        ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


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
            data["resident"], data["profile"] = await resident(data["uow"], user.id)
            if data["resident"].unreachable_at is not None:
                # They wrote again: notifications may reach them again.
                await data["uow"].telegram_users.reachable(user.id)
                await data["uow"].commit()
                data["resident"].unreachable_at = None
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
