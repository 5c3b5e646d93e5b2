"""The command line of `python bot.py`: run (the default), chat, migrate, import, export,
seed-demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from datetime import date, datetime, time
from functools import partial
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.config import Settings, SettingsError, StartError, load_settings
from bot.logs import setup_logging

logger = logging.getLogger("bot")

DEMO_STAFF_CHAT = -1000000000777  # the demo's staff group, which the demo chat switches to
DEMO_STAFF_USER = 700777


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run",
        help="migrate and serve Telegram; without BOT_TOKEN, the demo chat on the demo data",
    )
    commands.add_parser("chat", help="talk to the bot in the terminal on the demo data")
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    way = migrate.add_mutually_exclusive_group()
    way.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 unless the schema is the one this build needs",
    )
    way.add_argument(
        "--to",
        metavar="REVISION",
        help="move the schema to REVISION, back as well (before starting an older build)",
    )
    load = commands.add_parser("import", help="import a billing file (docs/billing-format.md)")
    load.add_argument("file", type=Path)
    export = commands.add_parser(
        "export", help="export what residents submitted or paid through the bot"
    )
    export.add_argument("what", choices=["readings", "payments"])
    export.add_argument(
        "--since",
        required=True,
        type=date.fromisoformat,
        help="first day, YYYY-MM-DD, in the configured time zone",
    )
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--output", type=Path, help="a file instead of standard output")
    commands.add_parser("seed-demo", help="write the demo data and print the demo accounts")
    return parser


async def _database(settings: Settings, *, migrate: bool, to: str = "head"):
    """The database, its schema moved to ``to`` (``migrate``) or checked to be this
    build's: an import or an export never changes the schema under a running fleet."""
    from asyncpg import PostgresError
    from sqlalchemy.exc import SQLAlchemyError

    from storage.database import Database
    from storage.migrate import SchemaMismatch, check, move

    if settings.database_url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database_path = make_url(settings.database_url).database
        if database_path and database_path != ":memory:":
            Path(database_path).parent.mkdir(parents=True, exist_ok=True)
    key = settings.secret_key.get_secret_value().encode() if settings.secret_key else None
    if key is None and settings.bot_token is not None:
        logger.warning(
            "SECRET_KEY is not set: e-mail codes sent before a restart will not be accepted"
        )
    database = Database(settings.database_url, key, settings.pool_size)
    try:
        await (move(database.engine, to) if migrate else check(database.engine))
    except SchemaMismatch as mismatch:
        await database.dispose()
        raise StartError(str(mismatch)) from None
    except (OSError, SQLAlchemyError, PostgresError) as error:
        await database.dispose()
        reason = getattr(error, "orig", None) or error  # the driver's words, not SQLAlchemy's
        raise StartError(
            f"DATABASE_URL: the database cannot be opened: {str(reason).splitlines()[0]}"
        ) from None
    return database


async def _seed_demo(settings: Settings, database, *, write: bool = True) -> None:
    """Writes the demo data (unless ``write`` is False) and prints its accounts."""
    from storage.demo import demo_accounts, seed_demo

    today = datetime.now(settings.zone).date()
    accounts = await seed_demo(database, today) if write else await demo_accounts(database)
    for account in accounts:
        print(
            f"{account.number}  {account.kind:<12} link code {account.link_code}  "
            f"latest total {account.latest_total}  {account.address}"
        )


async def _chat(settings: Settings, database) -> None:
    from aiogram.types import Chat
    from aiohttp import web

    from bot.app import Background, freeze_start_up_objects, reading_reminders, start_local
    from bot.config import DEVICE_API_PATH
    from bot.console import Console
    from bot.local_yookassa import LocalYooKassa
    from bot.mail import OutboxMailer, build_mailer
    from bot.payments import NOTIFICATIONS_PATH
    from bot.transports.local import LocalChat
    from bot.webhook import web_app

    # Each update's log line would break up the conversation on the screen.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # Both ways to pay work in the demo: invoices in the local Telegram, and YooKassa's API
    # and page played by a local server, whose notifications reach the bot's own endpoint.
    yookassa = LocalYooKassa()
    await yookassa.start()
    # The bot's web server (YooKassa's notifications, the device API) on a port of its own.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        web_port = probe.getsockname()[1]
    settings = settings.model_copy(
        update={
            "device_api_url": f"http://127.0.0.1:{web_port}{DEVICE_API_PATH}",
            "staff_chat_id": DEMO_STAFF_CHAT,
            "payments_provider_token": SecretStr("381764678:TEST:demo"),
            "yookassa_shop_id": yookassa.shop_id,
            "yookassa_secret_key": SecretStr(yookassa.secret_key),
            "yookassa_api_url": yookassa.api_url,
        }
    )
    mailer = build_mailer(settings)
    dp, bot, session = await start_local(settings, database, mailer)
    server = web.AppRunner(web_app(dp, database))
    await server.setup()
    await web.TCPSite(server, "127.0.0.1", web_port).start()
    yookassa.notify_url = f"http://127.0.0.1:{web_port}{NOTIFICATIONS_PATH}"
    staff = LocalChat(
        dp,
        bot,
        session,
        user_id=DEMO_STAFF_USER,
        first_name="Оператор",
        last_name=None,
        group=Chat(id=DEMO_STAFF_CHAT, type="supergroup", title="Обращения"),
    )
    background = Background(bot, dp, database, settings)
    background.start()
    console = Console(
        LocalChat(dp, bot, session),
        yookassa=yookassa,
        files=settings.outbox_dir.parent / "demo-files",
        staff=staff,
        remind=reading_reminders(database, dp["clock"], settings, any_day=True),
    )
    if isinstance(mailer, OutboxMailer):
        mailer.listeners.append(console.show_letter)
    freeze_start_up_objects()
    try:
        await console.run()
    finally:
        await background.stop()
        await dp.emit_shutdown(bot=bot, bots=[bot], dispatcher=dp, **dp.workflow_data)
        await server.cleanup()
        await yookassa.stop()


async def _poll(settings: Settings, database) -> None:
    """Serves Telegram (by webhook or polling) until SIGTERM or SIGINT, then finishes what is
    in flight. The web server (the operator's checks, the devices, YooKassa's notifications)
    serves at once, also while Telegram does not answer yet."""
    from bot.app import (
        Background,
        build_dispatcher,
        freeze_start_up_objects,
        meet_telegram,
        telegram_bot,
    )
    from bot.mail import build_mailer
    from bot.polling import PollingConflict, poll
    from bot.presence import TelegramRefused, once_reachable
    from bot.webhook import serve, set_webhook, web_app, webhook_app

    bot = telegram_bot(settings)
    dp = build_dispatcher(settings, database, build_mailer(settings))
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    failure: list[str] = []

    async def telegram() -> None:
        try:
            if not await meet_telegram(dp, bot, settings, stopping):
                return
            if settings.webhook_url:
                await once_reachable(partial(set_webhook, dp, bot, settings), stopping)
            else:
                await poll(dp, bot, stopping, dp["in_flight"])
        except TelegramRefused as refused:
            failure.append(f"BOT_TOKEN: Telegram refuses it ({refused})")
        except PollingConflict as conflict:
            failure.append(
                "Another process is receiving this bot's updates (Telegram says: "
                f"{conflict}). Run one poller per token, or set WEBHOOK_URL and run several "
                "processes behind one webhook."
            )
        finally:
            if failure or not settings.webhook_url:
                stopping.set()  # the web server stops with polling

    # The webhook's host only: its path and query are the operator's to keep.
    mode = (
        f"webhook at {urlsplit(str(settings.webhook_url)).netloc}"
        if settings.webhook_url
        else "polling"
    )
    started = (
        f"started: version {version('tes-resident-bot')}, {mode}, "
        f"database {database.engine.dialect.name}, fleet state in "
        f"{'Redis' if settings.redis_url else 'memory'}"
    )

    async def web() -> None:
        app = (
            webhook_app(dp, bot, settings, database)
            if settings.webhook_url
            else web_app(dp, database)
        )
        try:
            await serve(app, settings, stopping, dp["in_flight"], started)
        finally:
            stopping.set()  # a web server that could not start stops the rest

    background = Background(bot, dp, database, settings)
    background.start()
    freeze_start_up_objects()
    try:
        await asyncio.gather(web(), telegram())
    finally:
        await background.stop()
        await bot.session.close()  # closed already when the webhook's app closed
    if failure:
        raise StartError(failure[0])
    logger.info("stopped")


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    from storage.billing import ImportRefused, format_payments, format_readings, import_billing
    from storage.demo import is_empty

    if args.command == "migrate" and args.check:
        await (await _database(settings, migrate=False)).dispose()
        print("The database schema is this build's.")
        return 0
    if args.command == "migrate" and args.to:
        await (await _database(settings, migrate=True, to=args.to)).dispose()
        print(f"The database schema is at revision {args.to}.")
        return 0
    database = await _database(settings, migrate=args.command not in ("import", "export"))
    try:
        match args.command:
            case "migrate":
                print("The database schema is up to date.")
            case "import":
                try:
                    stream = args.file.open("rb")
                except OSError as error:  # missing, a folder, not readable
                    print(f"{args.file}: cannot be read: {error.strerror}", file=sys.stderr)
                    return 1
                try:
                    with stream:
                        counts = await import_billing(database.engine, stream, zone=settings.zone)
                except ImportRefused as refused:
                    shown = refused.problems[:30]
                    more = len(refused.problems) - len(shown) + refused.more
                    print(f"{args.file}: refused, nothing was imported:", file=sys.stderr)
                    for problem in shown:
                        print(f"  {problem}", file=sys.stderr)
                    if more:
                        print(f"  ... and {more} more", file=sys.stderr)
                    return 1
                told = counts.pop("notifications queued", 0)
                print(
                    ", ".join(f"{name}: {n}" for name, n in sorted(counts.items()))
                    or "Nothing changed."
                )
                if told:  # queued in the import's transaction, sent by the running bot
                    print(f"New bills queued for residents: {told}.")
            case "export":
                since = datetime.combine(args.since, time(), tzinfo=settings.zone)
                async with database.unit_of_work() as uow:
                    if args.what == "payments":
                        text = format_payments(await uow.payments.paid_since(since), args.format)
                    else:
                        text = format_readings(
                            await uow.readings.submitted_since(since), args.format
                        )
                if args.output:
                    try:
                        args.output.write_text(text, encoding="utf-8")
                    except OSError as error:  # a folder that is not there, not writable
                        message = f"{args.output}: cannot be written: {error.strerror}"
                        raise StartError(message) from None
                else:
                    sys.stdout.write(text)
            case "seed-demo":
                await _seed_demo(settings, database)
            case "chat" | "run" | None:
                if _is_demo(args, settings):
                    # The demo's accounts: written into an empty database, shown on every start.
                    await _seed_demo(settings, database, write=await is_empty(database))
                    await _chat(settings, database)
                else:
                    # A bot with a token never writes the demo: its accounts are billing's.
                    if await is_empty(database):
                        logger.warning(
                            "the database holds no accounts yet: import billing's file "
                            "with `bot.py import FILE` (docs/billing-format.md)"
                        )
                    await _poll(settings, database)
    finally:
        await database.dispose()
    return 0


def _is_demo(args: argparse.Namespace, settings: Settings) -> bool:
    return args.command == "chat" or (args.command in ("run", None) and not settings.bot_token)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    # The demo chat is the terminal: the log goes to a file beside the demo's letters.
    log_file = settings.outbox_dir.parent / "demo.log" if _is_demo(args, settings) else None
    setup_logging(settings.log_level, settings.secrets(), log_file, settings.log_format)
    try:
        return asyncio.run(_main(args, settings))
    except StartError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
