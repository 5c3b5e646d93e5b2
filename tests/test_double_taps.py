"""A button that changes data acts once under a double or triple tap: the taps' updates
arrive together and the dispatcher handles them at the same time, on SQLite with memory and
on PostgreSQL with Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from storage import tables as t
from tests.chat import buttons
from tests.data import STAFF, bind_resident
from tests.test_payments import ACCOUNT, CARD, bot_payments, open_payment, said

EPD = "700100103492"


@pytest.fixture
def settings(tmp_path: Path, yookassa) -> Settings:
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


async def count(database, table) -> int:
    async with database.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


def invoices(chat) -> list:
    return [m for m in chat.bot_messages() if m.invoice is not None]


def apologies(chat) -> int:
    return said(chat, "Что-то пошло не так")


@pytest.mark.parametrize("times", [2, 3])
async def test_pay_in_telegram_tapped_at_once_sends_one_invoice(
    chat, bot_database, demo, yookassa, times
):
    await open_payment(chat, bot_database)
    await chat.press("☑️ Согласен с правилами")

    await chat.press_at_once("💳 Оплатить в Telegram", times)

    assert len(invoices(chat)) == 1
    assert len(await bot_payments(bot_database)) == 1
    assert apologies(chat) == 0
    # The one invoice is paid, once.
    assert await chat.pay(invoices(chat)[0], CARD, yookassa.charge) is None
    assert [p.status for p in await bot_payments(bot_database)] == ["succeeded"]


@pytest.mark.parametrize("times", [2, 3])
async def test_pay_on_the_page_tapped_at_once_creates_one_payment_at_yookassa(
    chat, bot_database, demo, yookassa, times
):
    await open_payment(chat, bot_database)
    await chat.press("☑️ Согласен с правилами")

    await chat.press_at_once("🌐 Оплатить на сайте ЮKassa", times)

    assert len(yookassa.payments) == 1
    assert len(await bot_payments(bot_database)) == 1
    assert said(chat, "Платёж создан") >= 1 and apologies(chat) == 0


@pytest.mark.parametrize("times", [2, 3])
async def test_send_an_appeal_tapped_at_once_stores_and_posts_one(chat, bot_database, demo, times):
    await bind_resident(bot_database, chat.user.id, link=(EPD,))
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("✉️ Обращения")
    await chat.press("✍️ Новое обращение")
    await chat.press('ООО "ЗТК"')
    await chat.send("Прошу проверить начисление за отопление в ноябре.")

    await chat.press_at_once("📨 Отправить", times)

    assert await count(bot_database, t.appeals) == 1
    assert said(chat, "зарегистрировано") == 1
    assert apologies(chat) == 0


async def test_unlink_confirmed_at_once_unlinks_once(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=(EPD, ACCOUNT))
    await chat.send("/accounts")
    await chat.press(buttons(chat)[0])
    await chat.press("🔗 Отключить лицевой счёт")

    await chat.press_at_once("Да")

    assert await count(bot_database, t.account_links) == 1
    assert apologies(chat) == 0
