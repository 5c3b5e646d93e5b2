"""The reverse proxy of deploy/nginx, run by nginx itself in front of the bot's web server:
Telegram's update, YooKassa's notification and a device's reading go through; a client that
claims YooKassa's address in its own X-Forwarded-For is refused; health and metrics stay
inside."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pydantic import AnyHttpUrl, SecretStr

from bot.config import Settings
from bot.webhook import UpdatesHandler, web_app
from domain import devices
from tests.chat import open_account
from tests.data import bind_resident, last_value
from tests.test_devices import device_readings

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
SECRET = "s3cret-token-for-telegram"
EPD = "700100103492"  # several suppliers: a payment over several contracts
ELECTRICITY = "830300527718"  # meter 39874512, single-zone

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (.ci/run installs it)"
)


@pytest.fixture
def settings(payment_settings: Settings) -> Settings:
    return payment_settings.model_copy(
        update={
            "webhook_url": AnyHttpUrl("https://bot.example.org/telegram"),
            "webhook_secret": SecretStr(SECRET),
        }
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def answers(port: int) -> None:
    """Until nginx listens on ``port``: it binds after it has read its configuration."""
    async with asyncio.timeout(10):
        while True:
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            return


@pytest.fixture
async def proxy(running, settings, bot_database, tmp_path, backend):
    """The bot's web server on a port of its own, and nginx in front of it with the shipped
    locations. The server block around them stands for the operator's: plain HTTP on the
    loopback instead of TLS, and a load balancer at 127.0.0.1 whose X-Forwarded-For nginx
    believes (the local YooKassa posts from there, naming YooKassa's address)."""
    if backend != ("sqlite", "memory"):
        pytest.skip("the proxy routes requests, whatever the storage: once is enough")
    dp, bot, _session = running
    # webhook_app's routes on a dispatcher that has started already (it would start it again).
    app = web_app(dp, bot_database)
    UpdatesHandler(dispatcher=dp, bot=bot, secret_token=SECRET).register(app, path="/telegram")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = free_port()
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
pid {tmp_path}/nginx.pid;
error_log stderr warn;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    upstream bot {{ server 127.0.0.1:{runner.addresses[0][1]}; }}
    server {{
        listen 127.0.0.1:{port};
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Forwarded-For;
        include {ROOT}/deploy/nginx/bot-locations.conf;
    }}
}}
"""
    )
    nginx = await asyncio.create_subprocess_exec(
        NGINX, "-p", str(tmp_path), "-c", str(config), stderr=asyncio.subprocess.PIPE
    )
    try:
        await answers(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        nginx.terminate()
        _out, errors = await nginx.communicate()
        await runner.cleanup()
    assert nginx.returncode == 0, errors.decode()


async def test_an_update_goes_through_and_the_operator_s_addresses_do_not(proxy, session):
    update = {
        "update_id": 1,
        "message": {
            "message_id": 11,
            "date": 1_790_000_000,
            "text": "/help",
            "chat": {"id": 123, "type": "private", "first_name": "Ирина"},
            "from": {"id": 123, "is_bot": False, "first_name": "Ирина", "language_code": "ru"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    async with aiohttp.ClientSession() as http:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(f"{proxy}/telegram", json=update, headers=headers) as response:
            assert response.status == 200
        for inside in ("/healthz", "/readyz", "/metrics", "/telegram/../metrics"):
            async with http.get(f"{proxy}{inside}") as response:
                assert response.status == 404, inside
    [reply] = session.messages[123].values()
    assert "/faq — вопросы и ответы" in reply.text


async def test_yookassa_s_notification_goes_through_and_a_forged_one_is_refused(
    proxy, chat, bot_database, demo, yookassa, caplog
):
    yookassa.notify_url = f"{proxy}/yookassa/notifications"
    await open_account(chat, bot_database, EPD, "💳 Оплатить")
    await chat.press("⬜ Согласен с правилами")
    await chat.press("🌐 Оплатить на сайте ЮKassa")
    [provider_id] = yookassa.payments

    # A client that says it is YooKassa: nginx passes on the address it sees, 127.0.0.2.
    forged = {"type": "notification", "event": "payment.succeeded", "object": {"id": provider_id}}
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        headers = {"X-Forwarded-For": yookassa.sender}
        async with http.post(yookassa.notify_url, json=forged, headers=headers) as response:
            assert response.status == 403
    assert "a payment notification from 127.0.0.2 was refused" in caplog.text

    await yookassa.pay(provider_id)  # and YooKassa tells the bot, through the proxy
    await chat.deliver_notifications()
    assert any("Оплата прошла" in (m.text or "") for m in chat.bot_messages())


async def test_a_device_s_reading_goes_through(proxy, bot_database, demo, clock):
    profile_id = await bind_resident(bot_database, 501, link=(ELECTRICITY,))
    async with bot_database.unit_of_work() as uow:
        profile = await uow.profiles.get(profile_id)
        account = await uow.accounts.by_number(ELECTRICITY)
        _device, token = await devices.issue_token(uow, clock, profile, account.id, "Waterius")
    value = await last_value(bot_database, "39874512") + 12
    body = {"readings": [{"meter": "39874512", "value": str(value)}]}
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(f"{proxy}/api/v1/readings", json=body, headers=headers) as response:
            assert response.status == 200, await response.text()
    assert await device_readings(bot_database, "39874512") == [("single", value, "device")]
