"""Bot processes as an operator runs them: several behind one webhook address, sharing
PostgreSQL and Redis, and each stopping gracefully on SIGTERM. Real ``bot.py run`` processes,
talking to a Bot API server on the loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest
from aiogram.types import Chat, Message, Update, User
from redis.asyncio import Redis
from sqlalchemy import text

from bot.config import Settings
from storage.database import Database
from storage.demo import demo_accounts, seed_demo
from storage.tables import metadata
from tests.conftest import POSTGRES, REDIS
from tests.fake_bot_api import FakeBotApi, RemoteChat, handled, post_update, until
from tests.smtp import SmtpServer, free_port
from tests.test_identity import register
from tests.test_readings import last_value

ROOT = Path(__file__).resolve().parent.parent
SECRET = "fleet-webhook-secret-0123456789"
EMAIL = "s.malashta@example.org"


class BotProcess:
    """``bot.py run`` in webhook mode on a port of its own."""

    def __init__(self, folder: Path, api: FakeBotApi, database_url: str, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.webhook = f"{self.base}/telegram"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bot.py").symlink_to(ROOT / "bot.py")
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BOT_", "DATABASE_", "SMTP_", "STAFF_", "YOOKASSA_", "REDIS_"))
        } | {
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": "123456:fleet",
            "TELEGRAM_API_URL": api.url,
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "SECRET_KEY": "a-secret-key-the-whole-fleet-shares-0123",
            "DATABASE_URL": database_url,
            "OUTBOX_DIR": str(folder / "outbox"),
            "SMTP_HOST": "127.0.0.1",  # a bot with a token needs one; these send no letters
            "LOG_LEVEL": "INFO",
            **env,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.log = b""

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "bot.py",
            "run",
            cwd=self.folder,
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )

        async def up() -> bool:
            assert self.process is not None
            if self.process.returncode is not None:
                raise AssertionError(await self.stderr())
            try:
                async with (
                    aiohttp.ClientSession() as client,
                    client.get(f"{self.base}/healthz") as response,
                ):
                    return response.status == 200
            except aiohttp.ClientConnectionError:
                return False

        await until(up, f"bot.py run on port {self.port}")

    async def stderr(self) -> str:
        assert self.process is not None and self.process.stderr is not None
        self.log += await self.process.stderr.read()
        return self.log.decode()

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    async def stopped(self) -> int:
        """Its exit code, once it exits."""
        assert self.process is not None
        log = asyncio.create_task(self.stderr())
        code = await asyncio.wait_for(self.process.wait(), 60)
        await log
        return code

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            # Its log read to the end: asyncio's wait returns once the pipe is drained, and a
            # process that logged more than the pipe holds leaves it full.
            await self.stderr()
            await self.process.wait()


PERSON = User(id=100001, is_bot=False, first_name="Светлана", language_code="ru")


def message(update_id: int, words: str) -> Update:
    """A message from PERSON, as Telegram posts it."""
    return Update(
        update_id=update_id,
        message=Message(
            message_id=update_id,
            date=0,
            chat=Chat(id=PERSON.id, type="private"),
            from_user=PERSON,
            text=words,
        ),
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()


async def test_sigterm_takes_no_more_updates_and_finishes_the_one_in_flight(api, tmp_path):
    bot = BotProcess(tmp_path / "bot", api, f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    await bot.start()
    try:
        api.hold()  # Telegram is slow to take the bot's answer to /start
        posted = asyncio.create_task(post_update(bot.webhook, SECRET, message(1, "/start")))

        async def answering() -> bool:
            return api.held.is_set()

        await until(answering, "the bot to answer /start")
        bot.terminate()  # in the middle of the update

        later = iter(range(2, 10_000))

        async def refusing() -> bool:
            try:
                return await post_update(bot.webhook, SECRET, message(next(later), "?")) != 200
            except aiohttp.ClientConnectionError:
                return True

        await until(refusing, "the stopping process to refuse a new update")
        api.release()
        assert await posted == 200  # acknowledged once handled
        assert await bot.stopped() == 0
    finally:
        await bot.kill()

    # The update in flight was finished: its answer reached the chat, and the log says so.
    answers = [m.text or "" for m in api.session.messages.get(PERSON.id, {}).values()]
    assert any(a.startswith("Здравствуйте!") for a in answers)
    log = bot.log.decode()
    assert "Update id=1 is handled" in log
    assert log.rstrip().endswith("stopped")
    # A bot with a token wrote no demo into its empty database, and said what to do.
    assert "the database holds no accounts yet: import billing's file" in log
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM accounts"))).scalar_one() == 0
    await database.dispose()


@pytest.mark.skipif(not (POSTGRES and REDIS), reason="the fleet shares PostgreSQL and Redis")
async def test_two_processes_behind_one_webhook_carry_one_conversation(
    api, tmp_path, postgres_schema
):
    async with running_fleet(api, tmp_path, postgres_schema) as (fleet, database, smtp):
        chat = RemoteChat(api, [bot.webhook for bot in fleet], SECRET)

        await register(chat, EMAIL)
        await chat.send(smtp.inbox.code(EMAIL))
        await chat.send("/accounts")
        await chat.press("➕ Подключить лицевой счёт")
        await chat.send("7001 0010 3492")
        await chat.press("Собственник")
        await chat.press("Код для добавления договора из квитанции")
        [code] = [a.link_code for a in await demo_accounts(database) if a.number == "700100103492"]
        await chat.send(code)
        assert chat.last.text.startswith("<b>Лицевой счёт № 700100103492</b>")
        await chat.press("📟 Передать показания")
        await chat.press("№ 517480 · Горячая вода")
        value = await last_value(database, "517480") + Decimal("2.5")
        await chat.send(f"{value}".replace(".", ","))

        saved = [m.text or "" for m in chat.bot_messages()][-2]
        assert saved.startswith("✅ Показания по счётчику № 517480 ")
        assert await last_value(database, "517480") == value.quantize(Decimal("0.000001"))
        assert set(chat.received) == {0, 1}  # both processes took part, in turn


@pytest.mark.skipif(not (POSTGRES and REDIS), reason="the fleet shares PostgreSQL and Redis")
async def test_a_residents_updates_at_two_processes_at_once_are_taken_one_after_the_other(
    api, tmp_path, postgres_schema
):
    lock = f":{PERSON.id}:{PERSON.id}:default:lock"
    tries: list[str] = []  # the attempts to take the lock on the resident's updates
    watched = asyncio.Event()

    async def watch(redis: Redis) -> None:
        async with redis.monitor() as monitor:
            watched.set()
            async for command in monitor.listen():
                if lock in command["command"] and " NX" in command["command"]:
                    tries.append(command["command"])

    async with running_fleet(api, tmp_path, postgres_schema) as ((one, two), _, _):
        redis = Redis.from_url(REDIS or "")
        watching = asyncio.create_task(watch(redis))
        await watched.wait()
        try:
            api.hold()  # process one, in the middle of the resident's /start, waits for Telegram
            first = asyncio.create_task(post_update(one.webhook, SECRET, message(1, "/start")))

            async def answering() -> bool:
                return api.held.is_set()

            await until(answering, "process one to answer /start")
            two_handled = await handled(two.base)
            # The resident taps again, and Telegram posts that to process two.
            second = asyncio.create_task(post_update(two.webhook, SECRET, message(2, "/start")))

            # Process one took the lock at its first try: a second try is process two's.
            async def asking_or_answering() -> bool:
                return len(tries) > 1 or api.holding > 1

            await until(asking_or_answering, "process two to take the update up")
            # It waits for process one's lock on the resident: only one answer waits for
            # Telegram, and process two has finished nothing.
            assert api.holding == 1 and len(tries) > 1
            assert await handled(two.base) == two_handled
            api.release()

            async def done() -> bool:
                return await handled(two.base) > two_handled

            await until(done, "process two to take the second /start")
            assert [await first, await second] == [200, 200]
        finally:
            watching.cancel()
            await redis.aclose()

        # Both were answered, one after the other, and the conversation goes on from the last.
        chat = RemoteChat(api, [one.webhook, two.webhook], SECRET, user_id=PERSON.id)
        texts = [m.text or "" for m in chat.bot_messages()]
        assert sum(text.startswith("Здравствуйте!") for text in texts) == 2
        await chat.press("📝 Регистрация")
        await chat.press_reply("Пропустить ⏭")
        assert chat.last.text == "Введите e-mail — он будет логином в личном кабинете."


async def killed_mid_update(api: FakeBotApi, killed: BotProcess) -> None:
    """The resident's /start (update 1) reaches ``killed``, which is killed (SIGKILL) while it
    answers; its answer never reaches the chat, and Telegram had no 200 for the update."""
    api.hold()
    posted = asyncio.create_task(post_update(killed.webhook, SECRET, message(1, "/start")))

    async def answering() -> bool:
        return api.held.is_set()

    await until(answering, "the process to answer /start")
    await killed.kill()
    api.release(lost=True)
    with pytest.raises(aiohttp.ClientError):
        await posted


async def delivered_again(api: FakeBotApi, webhook: str) -> list[int]:
    """Telegram delivers update 1 again, as it does until a process answers 200, and once more
    after that; the statuses it was answered with."""
    statuses: list[int] = []

    async def acknowledged() -> bool:
        statuses.append(await post_update(webhook, SECRET, message(1, "/start")))
        return statuses[-1] == 200

    await until(acknowledged, "a process to take the update up")
    statuses.append(await post_update(webhook, SECRET, message(1, "/start")))
    return statuses


def greetings(api: FakeBotApi) -> int:
    texts = [m.text or "" for m in api.session.messages.get(PERSON.id, {}).values()]
    return sum(text.startswith("Здравствуйте!") for text in texts)


async def test_an_update_of_a_killed_process_is_handled_once_after_a_restart(api, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    bot = BotProcess(tmp_path / "bot", api, url, UPDATE_LEASE_SECONDS="2")
    await bot.start()
    try:
        await killed_mid_update(api, bot)
        assert greetings(api) == 0
        await bot.start()  # the supervisor starts it again

        statuses = await delivered_again(api, bot.webhook)
    finally:
        await bot.kill()

    # Answered 503 while the dead process's claim held, then handled, then skipped.
    assert set(statuses[:-2]) <= {503} and statuses[-2:] == [200, 200]
    assert greetings(api) == 1


@pytest.mark.skipif(not (POSTGRES and REDIS), reason="the fleet shares PostgreSQL and Redis")
async def test_an_update_of_a_killed_process_is_handled_once_by_another(
    api, tmp_path, postgres_schema
):
    async with running_fleet(api, tmp_path, postgres_schema, UPDATE_LEASE_SECONDS="2") as (
        (one, two),
        _,
        _,
    ):
        await killed_mid_update(api, one)
        assert greetings(api) == 0

        statuses = await delivered_again(api, two.webhook)

    # Process two waited out process one's claim and lock, then handled it, then skipped it.
    assert set(statuses[:-2]) <= {503} and statuses[-2:] == [200, 200]
    assert greetings(api) == 1


@asynccontextmanager
async def running_fleet(
    api: FakeBotApi, folder: Path, url: str, **env: str
) -> AsyncIterator[tuple[list[BotProcess], Database, SmtpServer]]:
    """Two ``bot.py run`` processes sharing Redis and a database holding the demo's accounts,
    as billing's first import would leave it (a bot with a token writes no demo)."""
    assert REDIS is not None
    database = Database(url)
    names = ", ".join(table.name for table in metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await seed_demo(database, datetime.now(Settings(_env_file=None).zone).date())
    await forget_the_fleet(REDIS)  # a run that died may have left dialogs and update ids
    smtp = SmtpServer().start()
    shared = {
        "REDIS_URL": REDIS,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
        **env,
    }
    fleet = [BotProcess(folder / name, api, url, **shared) for name in ("one", "two")]
    try:
        for bot in fleet:  # one after the other: the first migrates
            await bot.start()
        yield fleet, database, smtp
    finally:
        for bot in fleet:
            await bot.kill()
        smtp.stop()
        await database.dispose()
        await forget_the_fleet(REDIS)


async def forget_the_fleet(redis_url: str) -> None:
    """Empties what the bot processes keep in Redis."""
    redis = Redis.from_url(redis_url)
    keys = [key async for key in redis.scan_iter("fsm:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()
