"""The engine and the unit of work over it."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from sqlalchemy import bindparam, delete, event, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql import CompoundSelect, Select

from domain.model import NotificationStatus
from domain.ports import UnitOfWork
from storage.privacy import personal_data
from storage.repositories.accounts import SqlAccountLinkRepository, SqlAccountRepository
from storage.repositories.appeals import SqlAppealRepository
from storage.repositories.attempts import SqlAttemptRepository
from storage.repositories.bills import SqlBillRepository, SqlSupplierRepository
from storage.repositories.codes import SqlEmailCodeRepository
from storage.repositories.devices import SqlDeviceRepository
from storage.repositories.faq import SqlFaqRepository
from storage.repositories.meters import SqlContractRepository, SqlMeterRepository
from storage.repositories.notifications import SqlNotificationRepository
from storage.repositories.payments import SqlPaymentRepository
from storage.repositories.profiles import SqlMarketingEmailRepository, SqlProfileRepository
from storage.repositories.readings import SqlReadingRepository
from storage.repositories.telegram_users import SqlTelegramUserRepository
from storage.tables import notifications, payments, processed_updates

POOL_SIZE = 20  # connections a process keeps; as many again may open for a burst
RECYCLE_SECONDS = 1800  # a PostgreSQL connection older than this is replaced when checked out


def create_engine(url: str, pool_size: int = POOL_SIZE) -> AsyncEngine:
    if make_url(url).get_backend_name() != "sqlite":
        # No ping per checkout (a round trip per unit of work): connections are replaced
        # after half an hour, and one a server restart killed fails its statement, which
        # invalidates the pool, so the next update gets fresh ones.
        return create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=RECYCLE_SECONDS
        )
    engine = create_async_engine(url)

    # SQLite enforces foreign keys only when asked, per connection. In WAL mode readers do
    # not wait for a writer, and a commit appends to the log instead of syncing the file.
    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


class LazyConnection:
    """The unit of work's connection: taken from the pool when a statement first needs it,
    and given back at each commit or rollback, so that an update holds none while it waits
    for Telegram between two transactions. Until its first write it reads without a
    transaction: under READ COMMITTED each statement of one sees what was committed when the
    statement began, as it does alone, and most updates only read, where a BEGIN and a
    ROLLBACK around them would be two more round trips. The first write (or a read that
    locks rows) begins the transaction, on a connection of its own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._reading = False

    @property
    def dialect(self) -> Any:
        return self._engine.dialect

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        reads = _reads_only(statement)
        if self._reading and not reads:
            await self._end(commit=False)
        if self._connection is None:
            self._connection = await self._engine.connect()
            self._reading = reads
            if reads:
                await self._connection.execution_options(isolation_level="AUTOCOMMIT")
        return await self._connection.execute(statement, *args, **kwargs)

    async def commit(self) -> None:
        await self._end(commit=True)

    async def rollback(self) -> None:
        await self._end(commit=False)

    async def _end(self, *, commit: bool) -> None:
        connection, self._connection = self._connection, None
        self._reading = False
        if connection is None:
            return
        try:
            if commit:
                await connection.commit()
            else:
                await connection.rollback()
        finally:
            await connection.close()


def _reads_only(statement: Any) -> bool:
    """A SELECT that locks no rows: anything else, text included, may write."""
    return isinstance(statement, Select | CompoundSelect) and statement._for_update_arg is None


class SqlUnitOfWork(UnitOfWork):
    """One transaction at a time for the life of an update (or a command): what a service
    did not commit is rolled back at the end. Its repositories are typed as the port
    declares them: what a service may ask of each."""

    def __init__(self, engine: AsyncEngine, secret_key: bytes) -> None:
        self._engine = engine
        self._secret_key = secret_key
        self.connection = LazyConnection(engine)

    async def __aenter__(self) -> SqlUnitOfWork:
        connection = cast(AsyncConnection, self.connection)  # all the repositories use of it
        self.telegram_users = SqlTelegramUserRepository(connection)
        self.profiles = SqlProfileRepository(connection)
        self.marketing = SqlMarketingEmailRepository(connection)
        self.codes = SqlEmailCodeRepository(connection, self._secret_key)
        self.attempts = SqlAttemptRepository(connection)
        self.accounts = SqlAccountRepository(connection)
        self.links = SqlAccountLinkRepository(connection)
        self.meters = SqlMeterRepository(connection)
        self.contracts = SqlContractRepository(connection)
        self.bills = SqlBillRepository(connection)
        self.suppliers = SqlSupplierRepository(connection)
        self.payments = SqlPaymentRepository(connection)
        self.readings = SqlReadingRepository(connection)
        self.faq = SqlFaqRepository(connection)
        self.appeals = SqlAppealRepository(connection)
        self.notifications = SqlNotificationRepository(connection)
        self.devices = SqlDeviceRepository(connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # What a service did not commit is not kept, whether it failed or forgot.
        await self.connection.rollback()

    async def commit(self) -> None:
        await self.connection.commit()

    async def personal_data(self, profile_id: int) -> dict[str, Any]:
        return await personal_data(cast(AsyncConnection, self.connection), profile_id)

    async def rollback(self) -> None:
        await self.connection.rollback()


class Delivery(Enum):
    """What a delivery of a Telegram update is to the bot."""

    FIRST = "first"  # nobody has it: this process takes it
    DONE = "done"  # handled before: skipped
    BUSY = "busy"  # another process has it (or had, and died: until its claim lapses)


class UpdateLog:
    """Which Telegram updates were taken, and which handled, shared by every process on the
    database. A claim lapses after ``lease``: the update of a process that died is taken by
    Telegram's next delivery of it."""

    def __init__(self, engine: AsyncEngine, lease: timedelta = timedelta(seconds=90)) -> None:
        self._engine = engine
        self.lease = lease
        insert = (pg_insert if engine.dialect.name == "postgresql" else sqlite_insert)(
            processed_updates
        )
        self._take = insert.on_conflict_do_update(
            index_elements=[processed_updates.c.update_id],
            set_={"received_at": insert.excluded.received_at},
            where=processed_updates.c.done_at.is_(None)
            & (processed_updates.c.received_at < bindparam("stale")),
        ).returning(processed_updates.c.update_id)

    async def take(self, update_id: int, now: datetime) -> Delivery:
        async with self._engine.begin() as connection:
            taken = await connection.execute(
                self._take, {"update_id": update_id, "received_at": now, "stale": now - self.lease}
            )
            if taken.scalar_one_or_none() is not None:
                return Delivery.FIRST
            done = await connection.scalar(
                select(processed_updates.c.done_at).where(
                    processed_updates.c.update_id == update_id
                )
            )
            return Delivery.BUSY if done is None else Delivery.DONE

    async def done(self, update_id: int, now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(processed_updates)
                .where(processed_updates.c.update_id == update_id)
                .values(done_at=now)
            )

    async def forget_before(self, moment: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(processed_updates).where(processed_updates.c.received_at < moment)
            )


# SQLite serves one process (the demo, the tests): its fleet locks are this process's.
_local_locks: dict[tuple[str, str], asyncio.Lock] = {}


class NotReady(Exception):
    """The database cannot serve; the message says why."""


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


@dataclass(frozen=True, slots=True)
class Backlog:
    """What the fleet has still to do, as the operator's metrics show it; ages in seconds,
    0 when nothing waits."""

    notifications: dict[tuple[str, str], int]  # (kind, status): how many
    overdue: float  # the queued notification due longest ago
    unsettled: int
    unsettled_age: float  # the oldest payment whose outcome is asked for


def _age(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0


class Database:
    def __init__(
        self, url: str, secret_key: bytes | None = None, pool_size: int = POOL_SIZE
    ) -> None:
        """``secret_key`` keys the digests of e-mail codes; without one, a key of this process
        only (codes sent before a restart, or by another process, then do not match)."""
        self.url = url
        self.engine = create_engine(url, pool_size)
        self.secret_key = secret_key or secrets.token_bytes(32)
        self.updates = UpdateLog(self.engine)
        # A SQLite file, and the file its connections opened (by inode): a connection stays
        # on the file it opened when the file is moved or replaced, where no one sees its data.
        self._file = _sqlite_file(url)
        self._opened: set[int] = set()
        if self._file is not None:
            file = self._file

            @event.listens_for(self.engine.sync_engine, "connect")
            def _note(_dbapi_connection, _record) -> None:
                self._opened.add(file.stat().st_ino)

    async def ready(self) -> None:
        """Raises NotReady, with the reason, unless the database answers with the bot's
        schema and, on SQLite, the file at its path is the one open and can be written."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT version_num FROM alembic_version"))
        except SQLAlchemyError as error:
            reason = getattr(error, "orig", None) or error
            raise NotReady(f"the database does not answer: {str(reason).splitlines()[0]}") from None
        if self._file is None:
            return
        try:
            inode = self._file.stat().st_ino
        except OSError:
            raise NotReady(f"the database file {self._file} is gone") from None
        if self._opened - {inode}:
            raise NotReady(f"the database file {self._file} was replaced while it was open")
        if not (os.access(self._file, os.W_OK) and os.access(self._file.parent, os.W_OK)):
            raise NotReady(f"the database file {self._file} or its folder cannot be written")

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.secret_key)

    @asynccontextmanager
    async def fleet_lock(self, name: str) -> AsyncIterator[bool]:
        """Yields whether this process holds ``name`` now; one process of the fleet holds it
        at a time. On PostgreSQL it is an advisory lock, which the server lets go of when the
        holder's connection dies with it."""
        if self.engine.dialect.name != "postgresql":
            lock = _local_locks.setdefault((self.url, name), asyncio.Lock())
            if lock.locked():
                yield False
                return
            async with lock:
                yield True
            return
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        async with self.engine.connect() as connection:
            held = (
                await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            ).scalar_one()
            await connection.commit()  # the lock is the session's: no transaction stays open
            try:
                yield held
            finally:
                if held:
                    await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    await connection.commit()

    async def backlog(self, now: datetime) -> Backlog:
        """What waits, for the operator: notifications by kind and status (queued, being
        sent) and how long the longest-due one is overdue, and payments taken to the
        provider whose outcome is still being asked for, and how old the oldest is. Each
        runs on an index (notifications' status and due time, payments' next check)."""
        waiting = (NotificationStatus.QUEUED.value, NotificationStatus.SENDING.value)
        async with self.engine.connect() as connection:
            by_kind = await connection.execute(
                select(notifications.c.kind, notifications.c.status, func.count())
                .where(notifications.c.status.in_(waiting))
                .group_by(notifications.c.kind, notifications.c.status)
            )
            counts = {(kind, status): count for kind, status, count in by_kind.tuples()}
            oldest_due = await connection.scalar(
                select(func.min(notifications.c.due_at)).where(
                    notifications.c.status == NotificationStatus.QUEUED.value,
                    notifications.c.due_at <= now,
                )
            )
            unsettled, oldest_payment = (
                await connection.execute(
                    select(func.count(), func.min(payments.c.created_at)).where(
                        payments.c.next_check_at.is_not(None)
                    )
                )
            ).one()
        return Backlog(counts, _age(now, oldest_due), unsettled or 0, _age(now, oldest_payment))

    async def dispose(self) -> None:
        await self.engine.dispose()
