"""Smart readers: a resident issues a device a token in the bot, the device sends readings to
POST /api/v1/readings on the bot's real web server, and every rule of the chat holds there."""

from __future__ import annotations

import asyncio
import json
import re
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.webhook import web_app
from domain import devices
from storage.database import Database
from storage.tables import devices as devices_table
from storage.tables import meters, readings
from tests.chat import buttons, open_account
from tests.data import bind_resident
from tests.test_readings import last_value

ELECTRICITY = "830300527718"  # meter 39874512, single-zone electricity, and hot water 114509
TWO_ZONE = "800200415527"  # meter 201704012803, day and night
EPD = "700100103492"  # 927213 is past its verification
API = "/api/v1/readings"


@pytest.fixture
async def http(running, bot_database):
    dp, _bot, _session = running
    async with TestClient(TestServer(web_app(dp, bot_database))) as client:
        yield client


async def issue(database, clock, telegram_id: int, number: str, name: str = "Waterius") -> str:
    profile_id = await bind_resident(database, telegram_id, link=(number,))
    async with database.unit_of_work() as uow:
        profile = await uow.profiles.get(profile_id)
        account = await uow.accounts.by_number(number)
        assert profile is not None and account is not None and account.id is not None
        _device, token = await devices.issue_token(uow, clock, profile, account.id, name)
    return token


async def post(http, token: str | None, body, **headers: str):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if isinstance(body, (bytes, str)):
        response = await http.post(API, data=body, headers=headers)
    else:
        response = await http.post(API, json=body, headers=headers)
    return response.status, await response.json()


async def device_readings(database, number: str) -> list[tuple[str, Decimal, str]]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(readings.c.zone, readings.c.value, readings.c.source)
            .join(meters, meters.c.id == readings.c.meter_id)
            .where(meters.c.number == number, readings.c.source == "device")
        )
        return [tuple(row) for row in rows]


async def test_a_resident_issues_a_token_that_a_device_then_sends_readings_with(
    chat, http, bot_database, demo
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    await chat.press("📡 Умные счётчики и устройства")
    assert "Устройств пока нет." in chat.last.text
    await chat.press("➕ Подключить устройство")
    await chat.send("  Waterius,   ванная ")
    shown = [m.text for m in chat.bot_messages()][-2]
    assert shown.startswith("🔑 Токен устройства «Waterius, ванная»:")
    [token] = re.findall(r"tes_[A-Za-z0-9_-]{40,}", shown)
    assert "Waterius, ванная · подключено" in chat.last.text
    assert "ещё не передавало" in chat.last.text
    async with bot_database.engine.connect() as connection:
        kept = (await connection.execute(select(devices_table.c.token_hash))).scalars().all()
    assert kept == [devices.token_hash(token)] and token not in kept  # only its hash is kept

    last = await last_value(bot_database, "39874512")
    status, body = await post(
        http, token, {"readings": [{"meter": "39874512", "value": str(last + Decimal("120.5"))}]}
    )

    assert status == 200
    [result] = body["results"]
    assert result["status"] == "accepted" and result["meter"] == "39874512"
    assert result["estimate"]["consumption"] == {"single": "120.5"}
    assert Decimal(result["estimate"]["charge"]) > 0
    assert await device_readings(bot_database, "39874512") == [
        ("single", last + Decimal("120.5"), "device")
    ]
    await chat.press("◀️ Назад")
    await chat.press("📡 Умные счётчики и устройства")
    assert "последний раз" in chat.last.text


async def test_each_refusal_names_the_rule_it_broke(http, bot_database, demo, clock):
    token = await issue(bot_database, clock, 501, ELECTRICITY)
    last = await last_value(bot_database, "39874512")

    async def refused(value, meter: str = "39874512", **extra) -> str:
        status, body = await post(
            http, token, {"readings": [{"meter": meter, "value": value, **extra}]}
        )
        assert status == 422
        [result] = body["results"]
        assert result["status"] == "refused" and result["message"]
        return result["rule"]

    assert await refused("семьдесят") == "not_a_number"
    assert await refused("1234567,5") == "too_many_digits"
    assert await refused(str(last - 10)) == "lower_than_last"
    assert await refused(str(last + 5000)) == "high_consumption"
    assert await refused(1, meter="114509", zone="day") == "zones_missing"
    assert await refused("1", meter="517480") == "meter_not_found"  # another account's meter
    assert await device_readings(bot_database, "39874512") == []

    # A value the device insists on is taken, as a resident's confirmation is; numbers are
    # read exactly.
    status, body = await post(
        http,
        token,
        {"readings": [{"meter": "39874512", "value": float(last + 5000), "confirmed": True}]},
    )
    assert status == 200, body
    assert await device_readings(bot_database, "39874512") == [("single", last + 5000, "device")]

    # One meter refused does not take the others of the request with it.
    water = await last_value(bot_database, "114509")
    status, body = await post(
        http,
        token,
        {
            "readings": [
                {"meter": "39874512", "value": "1"},
                {"meter": "114509", "value": str(water + 2)},
            ]
        },
    )
    assert status == 422
    assert [(r["meter"], r["status"]) for r in body["results"]] == [
        ("39874512", "refused"),
        ("114509", "accepted"),
    ]
    assert await device_readings(bot_database, "114509") == [("single", water + 2, "device")]


async def test_a_meter_past_its_verification_and_a_two_zone_meter(http, bot_database, demo, clock):
    epd = await issue(bot_database, clock, 502, EPD)
    status, body = await post(http, epd, {"readings": [{"meter": "927213", "value": "1"}]})
    assert (status, body["results"][0]["rule"]) == (422, "meter_expired")

    two_zone = await issue(bot_database, clock, 503, TWO_ZONE)
    day = await last_value(bot_database, "201704012803", "day")
    night = await last_value(bot_database, "201704012803", "night")
    status, body = await post(
        http,
        two_zone,
        {
            "readings": [
                {"meter": "201704012803", "zone": "day", "value": str(day + 100)},
                {"meter": "201704012803", "zone": "night", "value": str(night + 60)},
            ]
        },
    )
    assert status == 200, body
    estimate = body["results"][0]["estimate"]
    assert estimate["consumption"] == {"day": "100.0", "night": "60.0"}
    assert sorted(await device_readings(bot_database, "201704012803")) == [
        ("day", day + 100, "device"),
        ("night", night + 60, "device"),
    ]


async def test_tokens_bodies_and_limits(http, bot_database, demo, clock):
    token = await issue(bot_database, clock, 504, ELECTRICITY)
    good = {"readings": [{"meter": "39874512", "value": "1"}]}

    assert (await post(http, None, good))[0] == 401
    status, body = await post(http, "tes_forged", good)
    assert (status, body["error"]["rule"]) == (401, "unauthorized")
    status, body = await post(http, token, b"{not json")
    assert (status, body["error"]["rule"]) == (400, "malformed")
    status, body = await post(http, token, {"readings": [{"meter": "39874512"}]})
    assert (status, body["error"]["rule"]) == (400, "malformed")
    assert "readings.0.value" in body["error"]["message"]
    status, body = await post(http, token, b'{"readings": [' + b"1," * 20000 + b"1]}")
    assert (status, body["error"]["rule"]) == (413, "too_large")

    # Requests at once from a device gone wrong: the limit holds for all of them together.
    answers = await asyncio.gather(*(post(http, token, good) for _ in range(40)))
    statuses = [status for status, _ in answers]
    malformed = 2  # the token was good: the two malformed bodies above counted
    assert statuses.count(429) == 40 - (devices.REQUESTS.attempts - malformed)
    limited = next(body for status, body in answers if status == 429)
    assert limited["error"]["rule"] == "rate_limited"

    profile_id = await bind_resident(bot_database, 505)
    assert profile_id  # a stranger cannot revoke another resident's device
    async with bot_database.unit_of_work() as uow:
        [device] = await uow.devices.of_account((await uow.accounts.by_number(ELECTRICITY)).id)
        owner = await uow.profiles.get(device.profile_id)
        await devices.revoke(uow, clock, owner, device.account_id, device.id)
    clock.advance(minutes=2)
    status, body = await post(http, token, good)
    assert (status, body["error"]["message"]) == (401, "the token is unknown or revoked")


async def test_a_resident_revokes_a_device_and_a_forged_one_is_refused(
    chat, bot_database, demo, clock
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    await chat.press("📡 Умные счётчики и устройства")
    await chat.press("➕ Подключить устройство")
    await chat.send("\u0000")
    assert chat.last.text.startswith("В сообщении есть невидимый служебный символ")
    await chat.send("\u0007")
    assert chat.last.text.startswith("Название — от 1 до 64 символов")
    await chat.send("Home Assistant")
    await chat.press("🔌 Отключить: Home Assistant")
    assert "Отключить устройство «Home Assistant»?" in chat.last.text
    await chat.press("Да, отключить")
    assert chat.last.text.startswith("Устройство отключено.")
    assert "Устройств пока нет." in chat.last.text
    async with bot_database.engine.connect() as connection:
        [revoked_at] = (await connection.execute(select(devices_table.c.revoked_at))).scalars()
    assert revoked_at is not None


async def test_a_device_goes_with_its_link_and_the_next_tenant_sees_none_of_it(
    chat, new_chat, http, bot_database, demo, clock
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    await chat.press("📡 Умные счётчики и устройства")
    await chat.press("➕ Подключить устройство")
    await chat.send("Waterius")
    [token] = re.findall(r"tes_[A-Za-z0-9_-]{40,}", chat.bot_messages()[-2].text)
    last = await last_value(bot_database, "39874512")
    reading = {"readings": [{"meter": "39874512", "value": str(last + 1)}]}
    assert (await post(http, token, reading))[0] == 200

    # The resident moves out: unlinks the account; a new tenant links it; the first logs out.
    await chat.send("/accounts")
    await chat.press(chat.inline_buttons()[0][1].text)
    await chat.press("🔗 Отключить лицевой счёт")
    assert "Устройства, передающие показания по этому счёту, будут отключены." in chat.last.text
    await chat.press("Да")
    tenant = new_chat(100777)
    await open_account(tenant, bot_database, ELECTRICITY, "📟 Передать показания")
    await chat.send("/logout")

    clock.advance(minutes=2)
    later = {"readings": [{"meter": "39874512", "value": str(last + 7)}]}
    status, body = await post(http, token, later)
    assert (status, body["error"]["message"]) == (401, "the token is unknown or revoked")
    assert await device_readings(bot_database, "39874512") == [("single", last + 1, "device")]
    async with bot_database.engine.connect() as connection:
        [revoked_at] = (await connection.execute(select(devices_table.c.revoked_at))).scalars()
    assert revoked_at is not None
    await tenant.press("📡 Умные счётчики и устройства")
    assert "Устройств пока нет." in tenant.last.text


async def test_the_last_logout_of_a_profile_stops_its_devices(
    chat, http, bot_database, demo, clock
):
    token = await issue(bot_database, clock, chat.user.id, ELECTRICITY)
    await chat.send("/logout")
    status, _ = await post(http, token, {"readings": [{"meter": "39874512", "value": "1"}]})
    assert status == 401


async def test_a_body_in_pieces_is_read_whole_and_a_stranger_s_is_not_parsed(
    http, bot_database, demo, clock
):
    token = await issue(bot_database, clock, 501, ELECTRICITY)
    last = await last_value(bot_database, "39874512")
    body = json.dumps({"readings": [{"meter": "39874512", "value": str(last + 3)}]}).encode()

    async def in_pieces():
        for start in range(0, len(body), 7):
            yield body[start : start + 7]
            await asyncio.sleep(0.01)  # each piece its own segment, as on a slow line

    response = await http.post(API, data=in_pieces(), headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200, await response.text()
    assert await device_readings(bot_database, "39874512") == [("single", last + 3, "device")]

    nested = "[" * 8000 + "]" * 8000  # within the size limit, past what the parser nests
    assert (await post(http, token, nested))[0] == 400
    status, answer = await post(http, token, {"readings": [{"meter": "39874\x00512", "value": 1}]})
    assert (status, answer["error"]["rule"]) == (400, "malformed")
    assert "readings.0.meter" in answer["error"]["message"]
    status, answer = await post(http, "tes_" + "x" * 43, nested)  # not parsed for a stranger
    assert (status, answer["error"]["rule"]) == (401, "unauthorized")


async def test_a_database_away_is_503_with_a_time_to_come_back(
    running, tmp_path, clock, logged_errors
):
    dp, _bot, _session = running
    away = Database(f"sqlite+aiosqlite:///{tmp_path}/missing/bot.sqlite3")
    async with TestClient(TestServer(web_app(dp, away))) as client:
        for _ in range(3):
            response = await client.post(
                API,
                json={"readings": [{"meter": "39874512", "value": "1"}]},
                headers={"Authorization": "Bearer tes_" + "x" * 43},
            )
            assert response.status == 503 and response.headers["Retry-After"] == "30"
            assert (await response.json())["error"]["rule"] == "unavailable"
    assert [r.getMessage().split(":")[0] for r in logged_errors] == ["device API"]  # once
    await away.dispose()


async def test_deleting_the_profile_stops_its_devices(chat, http, bot_database, demo, clock):
    token = await issue(bot_database, clock, chat.user.id, ELECTRICITY)
    await chat.send("/profile")
    await chat.press("🗑 Удалить профиль")
    await chat.press("Да, удалить профиль")
    status, _ = await post(http, token, {"readings": [{"meter": "39874512", "value": "1"}]})
    assert status == 401


async def test_a_device_name_with_markup_shows_as_typed_in_text_and_on_buttons(
    chat, bot_database, demo
):
    await open_account(chat, bot_database, ELECTRICITY, "📟 Передать показания")
    await chat.press("📡 Умные счётчики и устройства")
    await chat.press("➕ Подключить устройство")
    await chat.send("Кухня & <ванная>")
    assert "Кухня &amp; &lt;ванная&gt; · подключено" in chat.last.text  # HTML, shown as typed
    assert "🔌 Отключить: Кухня & <ванная>" in buttons(chat)
