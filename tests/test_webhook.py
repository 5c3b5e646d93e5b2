"""Updates by webhook: Telegram posts them with the secret; anything else is refused."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer
from pydantic import AnyHttpUrl, SecretStr

from bot.app import BOT_DEFAULTS, LOCAL_TOKEN, build_dispatcher, scheduler
from bot.transports.local import LocalSession
from bot.webhook import web_app, webhook_app
from domain.model import Notification, NotificationKind
from storage.database import Database
from storage.migrate import upgrade

SECRET = "s3cret-token-for-telegram"
ROOT = Path(__file__).resolve().parent.parent


def update(update_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 10 + update_id,
            "date": 1_790_000_000,
            "text": text,
            "chat": {"id": 123, "type": "private", "first_name": "Ирина"},
            "from": {"id": 123, "is_bot": False, "first_name": "Ирина", "language_code": "ru"},
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


@pytest.fixture
async def client(settings, bot_database, mailer):
    settings = settings.model_copy(
        update={
            "webhook_url": AnyHttpUrl("https://bot.example.org/telegram"),
            "webhook_secret": SecretStr(SECRET),
        }
    )
    session = LocalSession()
    bot = Bot(LOCAL_TOKEN, session=session, default=BOT_DEFAULTS)
    dp = build_dispatcher(settings, bot_database, mailer)
    async with TestClient(TestServer(webhook_app(dp, bot, settings, bot_database))) as client:
        yield client, session


async def test_an_update_with_the_secret_is_handled(client):
    http, session = client
    response = await http.post(
        "/telegram", json=update(1, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 200
    # Handled before the 200: a process that died before that would have it delivered again.
    [reply] = session.messages[123].values()
    assert "/faq — вопросы и ответы" in reply.text


async def test_a_request_without_the_secret_is_refused(client):
    http, session = client
    response = await http.post(
        "/telegram", json=update(2, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
    )
    assert response.status == 401
    assert session.messages == {}


async def test_health_and_readiness(client, settings, mailer):
    http, _session = client
    assert (await http.get("/healthz")).status == 200
    response = await http.get("/readyz")
    assert response.status == 200 and await response.text() == "ready"

    # A database that does not answer (nothing listens on its port): alive, not ready.
    gone = Database("postgresql+asyncpg://postgres@127.0.0.1:9/test")
    dp = build_dispatcher(settings, gone, mailer)
    async with TestClient(TestServer(web_app(dp, gone))) as down:
        assert (await down.get("/healthz")).status == 200
        response = await down.get("/readyz")
        assert response.status == 503 and "not ready" in await response.text()
    await gone.dispose()


async def test_a_sqlite_file_moved_or_replaced_under_the_bot_is_not_ready(
    tmp_path, settings, mailer
):
    folder = tmp_path / "data"
    folder.mkdir()
    database = Database(f"sqlite+aiosqlite:///{folder}/bot.sqlite3")
    await upgrade(database.engine)
    dp = build_dispatcher(settings, database, mailer)
    async with TestClient(TestServer(web_app(dp, database))) as http:
        assert (await http.get("/readyz")).status == 200

        folder.rename(tmp_path / "moved")  # the open connection would go on in the old file
        response = await http.get("/readyz")
        assert response.status == 503
        assert await response.text() == f"not ready: the database file {folder}/bot.sqlite3 is gone"

        folder.mkdir()
        (folder / "bot.sqlite3").write_bytes(b"not a database" * 1000)
        response = await http.get("/readyz")
        assert response.status == 503
        assert "was replaced while it was open" in await response.text()

        (folder / "bot.sqlite3").unlink()
        (tmp_path / "moved" / "bot.sqlite3").rename(folder / "bot.sqlite3")
        assert (await http.get("/readyz")).status == 200  # the operator put it back
    await database.dispose()


async def test_metrics_count_and_time_updates(chat, running, bot_database, settings):
    dp, bot, _session = running
    jobs = scheduler(bot, dp, bot_database, settings)
    await chat.send("/help")
    forget = jobs.get_job("forget-updates")
    await forget.func(*forget.args)
    async with bot_database.unit_of_work() as uow:
        await uow.notifications.queue(
            [Notification(chat_id=1, kind=NotificationKind.NEW_BILL, key="new-bill:1", args={})],
            dp["clock"].now() - timedelta(minutes=10),
        )
        await uow.commit()
    async with TestClient(TestServer(web_app(dp, bot_database))) as http:
        response = await http.get("/metrics")
        assert response.status == 200 and response.content_type == "text/plain"
        text = await response.text()
    assert 'bot_updates_total{type="message"} 1.0' in text
    assert 'bot_update_seconds_count{type="message"} 1.0' in text
    # Series exist before their first event, so that a rate can be alerted on.
    assert 'bot_update_errors_total{type="callback_query"} 0.0' in text
    assert 'bot_payments_total{status="canceled"} 0.0' in text
    assert 'bot_notifications_total{kind="payment-result",status="failed"} 0.0' in text
    assert 'bot_job_runs_total{outcome="failed",task="remind-readings"} 0.0' in text
    assert 'bot_job_runs_total{outcome="done",task="forget-updates"} 1.0' in text
    assert 'bot_job_seconds_count{task="forget-updates"} 1.0' in text
    assert 'bot_job_last_success_timestamp_seconds{task="remind-readings"} 0.0' in text
    # The fleet's backlog, counted at the scrape; the process; the build.
    assert 'bot_notifications_waiting{kind="new-bill",status="queued"} 1.0' in text
    assert 'bot_notifications_waiting{kind="reading-window",status="sending"} 0.0' in text
    assert "bot_notifications_overdue_seconds 600.0" in text
    assert "bot_payments_unsettled 0.0" in text
    assert "bot_payments_unsettled_oldest_seconds 0.0" in text
    assert "bot_updates_in_flight 0.0" in text and "bot_db_connections_in_use" in text
    assert "process_resident_memory_bytes" in text and "python_info{" in text
    assert 'bot_build_info{version="' in text

    # The alert rules and the dashboard shipped name only metrics that are served.
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "bot.json").read_text())
    expressions = [rule["expr"] for rule in rules["groups"][0]["rules"]] + [
        target["expr"] for panel in dashboard["panels"] for target in panel["targets"]
    ]
    named = {
        name
        for expression in expressions
        for name in re.findall(r"\b(?:bot|process)_[a-z_]+\b", expression)
    }
    served = set(re.findall(r"^(\w+)[{ ]", text, re.MULTILINE))
    assert len(named) > 15 and named <= served, named - served


@pytest.mark.parametrize(
    "body", [b"{not json", b"[" * 5000 + b"]" * 5000, b'{"update_id": "x"}', b"[]"]
)
async def test_a_body_that_is_no_update_gets_400(client, body):
    http, session = client
    response = await http.post(
        "/telegram",
        data=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
    )
    assert response.status == 400
    assert not session.messages
