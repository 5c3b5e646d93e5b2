"""The engine and the unit of work over it."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from types import TracebackType

from sqlalchemy import delete, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.repositories.accounts import SqlAccountLinkRepository, SqlAccountRepository
from storage.repositories.appeals import SqlAppealRepository
from storage.repositories.attempts import SqlAttemptRepository
from storage.repositories.bills import SqlBillRepository, SqlSupplierRepository
from storage.repositories.codes import SqlEmailCodeRepository
from storage.repositories.faq import SqlFaqRepository
from storage.repositories.meters import SqlContractRepository, SqlMeterRepository
from storage.repositories.notifications import SqlNotificationRepository
from storage.repositories.payments import SqlPaymentRepository
from storage.repositories.profiles import SqlMarketingEmailRepository, SqlProfileRepository
from storage.repositories.readings import SqlReadingRepository
from storage.repositories.telegram_users import SqlTelegramUserRepository
from storage.tables import processed_updates


def create_engine(url: str) -> AsyncEngine:
    sqlite = make_url(url).get_backend_name() == "sqlite"
    # A pooled PostgreSQL connection may have died with a server restart; a file may not.
    engine = create_async_engine(url, pool_pre_ping=not sqlite)
    if sqlite:
        # SQLite enforces foreign keys only when asked, per connection. In WAL mode readers
        # do not wait for a writer, and a commit appends to the log instead of syncing the
        # file: each sent notification is one commit.
        @event.listens_for(engine.sync_engine, "connect")
        def _configure(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


class SqlUnitOfWork:
    """One connection and one transaction for the life of an update (or a command)."""

    def __init__(self, engine: AsyncEngine, secret_key: bytes) -> None:
        self._engine = engine
        self._secret_key = secret_key
        self.connection: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self.connection = await self._engine.connect()
        connection = self.connection
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
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self.connection is not None
        # What a service did not commit is not kept, whether it failed or forgot.
        await self.connection.rollback()
        await self.connection.close()

    async def commit(self) -> None:
        assert self.connection is not None
        await self.connection.commit()

    async def rollback(self) -> None:
        assert self.connection is not None
        await self.connection.rollback()


class UpdateLog:
    """Which Telegram updates were taken already, shared by every process on the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def first_delivery(self, update_id: int, now: datetime) -> bool:
        """Records the update as taken; False when it was taken before."""
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        async with self._engine.begin() as connection:
            taken = await connection.execute(
                insert(processed_updates)
                .values(update_id=update_id, received_at=now)
                .on_conflict_do_nothing()
                .returning(processed_updates.c.update_id)
            )
            return taken.scalar_one_or_none() is not None

    async def forget_before(self, moment: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(processed_updates).where(processed_updates.c.received_at < moment)
            )


# SQLite serves one process (the demo, the tests): its fleet locks are this process's.
_local_locks: dict[tuple[str, str], asyncio.Lock] = {}


class Database:
    def __init__(self, url: str, secret_key: bytes | None = None) -> None:
        """``secret_key`` keys the digests of e-mail codes; without one, a key of this process
        only (codes sent before a restart, or by another process, then do not match)."""
        self.url = url
        self.engine = create_engine(url)
        self.secret_key = secret_key or secrets.token_bytes(32)
        self.updates = UpdateLog(self.engine)

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
                    await connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": key}
                    )
                    await connection.commit()

    async def dispose(self) -> None:
        await self.engine.dispose()
