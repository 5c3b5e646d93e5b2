"""Fixtures: a migrated database (SQLite always, PostgreSQL with TEST_DATABASE_URL), an FSM
storage (memory always, Redis with TEST_REDIS_URL), and the bot running on the local
Telegram with a chat to drive it."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Chat, Message
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import fsm_storage as bot_fsm_storage
from bot.app import start_local
from bot.config import Settings
from bot.local_yookassa import LocalYooKassa
from bot.mail import OutboxMailer
from bot.transports.local import LocalChat, LocalSession, visible_text
from storage.database import Database
from storage.demo import demo_accounts, seed_demo
from storage.migrate import upgrade
from storage.tables import metadata
from tests.arithmetic import wrong_products
from tests.data import STAFF, count_rows

pytest_plugins = ["tests.smtp"]

# Parallel workers (pytest-xdist) each have a database of their own, and a Redis database:
# a worker empties its database when it starts, and the fleet tests empty the bot's keys.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def _own_database(url: str | None) -> str | None:
    if url is None or WORKER == 0:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(False)


def _own_redis(url: str | None) -> str | None:
    if url is None or WORKER == 0:
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) - WORKER}"


POSTGRES = _own_database(os.environ.get("TEST_DATABASE_URL"))
REDIS = _own_redis(os.environ.get("TEST_REDIS_URL"))

DATABASES = ["sqlite", *(["postgres"] if POSTGRES else [])]
# Dialog tests run on SQLite with memory, and on PostgreSQL with Redis where both answer.
BACKENDS = [("sqlite", "memory"), *([("postgres", "redis")] if POSTGRES and REDIS else [])]


def _run_apart(coroutine) -> None:
    """Runs set-up work on its own loop in a thread: session fixtures are first asked for from
    inside a test's running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test: migrating once is much faster."""
    path = tmp_path_factory.mktemp("template") / "schema.sqlite3"

    async def migrate() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        await upgrade(database.engine)
        await database.dispose()

    _run_apart(migrate())
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    assert POSTGRES

    async def migrate() -> None:
        await _create_database(POSTGRES)
        # The test database starts empty whatever an earlier run left in it.
        database = Database(POSTGRES)
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(database.engine)
        await database.dispose()

    _run_apart(migrate())
    yield POSTGRES


async def _create_database(url: str) -> None:
    """A worker's own database, made the first time (from the one the URL names for the
    first worker)."""
    parsed = make_url(url)
    first = make_url(os.environ["TEST_DATABASE_URL"])
    if parsed.database == first.database:
        return
    server = Database(first.render_as_string(False))
    engine = server.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    await server.dispose()


def _database_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "postgres":
        return request.getfixturevalue("postgres_schema")
    path = tmp_path / "bot.sqlite3"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite+aiosqlite:///{path}"


async def _open(url: str) -> Database:
    database = Database(url)
    if url.startswith("postgresql"):
        names = ", ".join(table.name for table in metadata.sorted_tables)
        async with database.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture(params=DATABASES)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database."""
    database = await _open(_database_url(request.param, request, tmp_path))
    yield database
    await database.dispose()


@pytest.fixture(params=BACKENDS, ids=lambda pair: "-".join(pair))
def backend(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param


@pytest.fixture
async def bot_database(
    backend: tuple[str, str], request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Database]:
    database = await _open(_database_url(backend[0], request, tmp_path))
    yield database
    await database.dispose()


@pytest.fixture
async def fsm_storage(backend: tuple[str, str]) -> AsyncIterator[BaseStorage]:
    if backend[1] == "memory":
        yield MemoryStorage()
        return
    assert REDIS
    prefix = f"test-{uuid.uuid4().hex}"
    storage = bot_fsm_storage(REDIS, keep_days=1, prefix=prefix)
    assert isinstance(storage, RedisStorage)
    yield storage
    keys = [key async for key in storage.redis.scan_iter(f"{prefix}:*")]
    if keys:
        await storage.redis.delete(*keys)
    await storage.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, outbox_dir=tmp_path / "outbox", bot_token=None)


@pytest.fixture
def payment_settings(tmp_path: Path, yookassa: LocalYooKassa) -> Settings:
    """Both ways to pay switched on (Telegram invoices, YooKassa's page on the local server),
    and the staff group that hears of payments that need a person."""
    return Settings(
        _env_file=None,
        outbox_dir=tmp_path / "outbox",
        bot_token=None,
        staff_chat_id=STAFF,
        payments_provider_token="381764678:TEST:100500",
        yookassa_shop_id=yookassa.shop_id,
        yookassa_secret_key=yookassa.secret_key,
        yookassa_api_url=yookassa.api_url,
        yookassa_timeout=5,
    )


@pytest.fixture
def mailer(settings: Settings) -> OutboxMailer:
    return OutboxMailer(settings.outbox_dir, settings.mail_from)


@pytest.fixture
def session() -> Iterator[LocalSession]:
    """The local Telegram, which checks the arithmetic of every message the bot sends or
    edits (tests/arithmetic.py)."""
    session = _CheckedSession()
    yield session
    assert not session.wrong, f"numbers that do not add up as shown: {session.wrong}"


class _CheckedSession(LocalSession):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.wrong: list[str] = []

    def remember(self, message: Message) -> None:
        super().remember(message)
        shown = message.text or message.caption or ""
        ours = message.from_user is not None and message.from_user.is_bot  # ours is HTML
        self.wrong += wrong_products(visible_text(shown, "HTML") if ours else shown)


class FakeClock:
    """Time that tests move on by hand."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.local(self.current).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo("Asia/Tomsk"))

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
async def yookassa() -> AsyncIterator[LocalYooKassa]:
    """YooKassa's API on this machine, reached by the real SDK."""
    server = LocalYooKassa()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def running(
    settings: Settings,
    bot_database: Database,
    mailer: OutboxMailer,
    fsm_storage: BaseStorage,
    session: LocalSession,
    clock: FakeClock,
):
    dp, bot, session = await start_local(
        settings, bot_database, mailer, fsm_storage, session, clock
    )
    yield dp, bot, session
    await dp.emit_shutdown(bot=bot, bots=[bot], dispatcher=dp, **dp.workflow_data)


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated SQLite file with the demo data in it, as of the fake clock's day."""
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)

    async def seed() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        await seed_demo(database, FakeClock().today())
        await database.dispose()

    _run_apart(seed())
    return path


DEMO_COPY = "demo_copy"  # the PostgreSQL schema that keeps the demo, seeded once


@pytest.fixture(scope="session")
def postgres_demo_copy(postgres_schema: str) -> str:
    """The demo data seeded once into the test database and kept in a schema of its own."""

    async def seed() -> None:
        database = await _open(postgres_schema)
        await seed_demo(database, FakeClock().today())
        async with database.engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {DEMO_COPY} CASCADE"))
            await connection.execute(text(f"CREATE SCHEMA {DEMO_COPY}"))
            for table in metadata.sorted_tables:
                await connection.execute(
                    text(f"CREATE TABLE {DEMO_COPY}.{table.name} AS TABLE public.{table.name}")
                )
        await database.dispose()
        # Asked for from inside a test, whose database must stay as it found it: empty.
        await (await _open(postgres_schema)).dispose()

    _run_apart(seed())
    return DEMO_COPY


async def _copy_demo(database: Database, request: pytest.FixtureRequest) -> None:
    """Puts the demo seeded once into an empty database: a file copy on SQLite, rows copied
    from their own schema on PostgreSQL, with the id sequences moved past them."""
    if database.url.startswith("sqlite"):
        await database.engine.dispose()
        path = make_url(database.url).database
        assert path
        shutil.copy(request.getfixturevalue("sqlite_demo_template"), path)
        return
    copy = request.getfixturevalue("postgres_demo_copy")
    async with database.engine.begin() as connection:
        for table in metadata.sorted_tables:
            await connection.execute(
                text(f"INSERT INTO {table.name} SELECT * FROM {copy}.{table.name}")
            )
            if "id" in table.c and table.c.id.autoincrement is True:
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"
                    )
                )


@pytest.fixture
async def demo(bot_database: Database, clock: FakeClock, request: pytest.FixtureRequest) -> dict:
    """The demo data, by account number. A database nothing was written to yet gets a copy
    of the demo seeded once (the import takes seconds, and most tests need it)."""
    fresh = clock.today() == FakeClock().today() and not any(
        (await count_rows(bot_database)).values()
    )
    if not fresh:
        return {a.number: a for a in await seed_demo(bot_database, clock.today())}
    await _copy_demo(bot_database, request)
    return {a.number: a for a in await demo_accounts(bot_database)}


@pytest.fixture
def chat(running) -> LocalChat:
    dp, bot, session = running
    return LocalChat(dp, bot, session)


@pytest.fixture
def staff(running) -> LocalChat:
    """A staff member's messages in the staff group (``STAFF``, where settings name it)."""
    dp, bot, session = running
    group = Chat(id=STAFF, type="supergroup", title="Обращения ЛКК")
    return LocalChat(
        dp, bot, session, user_id=424242, first_name="Ольга", last_name="Операторова", group=group
    )


@pytest.fixture
def new_chat(running):
    """Another person's chat with the same bot."""
    dp, bot, session = running

    def make(user_id: int, **kwargs) -> LocalChat:
        return LocalChat(dp, bot, session, user_id=user_id, **kwargs)

    return make


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_unexpected_errors(request: pytest.FixtureRequest) -> Iterator[_ErrorLog]:
    """A handler that fails shows an apology and the test could still pass; so any error the
    bot logs fails the test, unless the test asks for ``logged_errors``."""
    log = _ErrorLog()
    logging.getLogger().addHandler(log)
    yield log
    logging.getLogger().removeHandler(log)
    if "logged_errors" not in request.fixturenames and log.records:
        pytest.fail("the bot logged errors: " + "; ".join(r.getMessage() for r in log.records))


@pytest.fixture
def logged_errors(no_unexpected_errors: _ErrorLog) -> list[logging.LogRecord]:
    return no_unexpected_errors.records
