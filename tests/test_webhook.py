"""Updates by webhook: Telegram posts them with the secret; anything else is refused."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer
from pydantic import AnyHttpUrl, SecretStr

from bot.app import BOT_DEFAULTS, LOCAL_TOKEN, build_dispatcher
from bot.transports.local import LocalSession
from bot.webhook import web_app, webhook_app
from storage.database import Database

SECRET = "s3cret-token-for-telegram"


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


async def test_metrics_count_and_time_updates(chat, running, bot_database):
    dp, _bot, _session = running
    await chat.send("/help")
    async with TestClient(TestServer(web_app(dp, bot_database))) as http:
        response = await http.get("/metrics")
        assert response.status == 200 and response.content_type == "text/plain"
        text = await response.text()
    assert 'bot_updates_total{type="message"} 1.0' in text
    assert 'bot_update_seconds_count{type="message"} 1.0' in text
    assert "bot_db_connections_in_use" in text and "bot_payments_total" in text


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
