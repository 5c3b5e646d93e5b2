"""Linking accounts with the control question, the accounts' cards, unlinking (guide sections
5 and 6), on the demo data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.transports.local import LocalChat
from storage.demo import demo_billing, new_link_codes
from storage.tables import account_links, attempt_limits, telegram_users
from tests.chat import buttons
from tests.conftest import FakeClock
from tests.data import bind_resident
from tests.test_payments import seen

NBSP = "\u00a0"


@pytest.fixture
async def resident(chat: LocalChat, bot_database, demo) -> int:
    return await bind_resident(bot_database, chat.user.id)


async def links(database) -> list[tuple[int, int, str]]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(select(account_links))
        return [(r.profile_id, r.account_id, r.relation) for r in rows]


async def start_linking(chat: LocalChat, number: str) -> None:
    await chat.send("/accounts")
    await chat.press("➕ Подключить лицевой счёт")
    await chat.send(number)


async def test_an_account_is_linked_with_the_code_from_the_bill(chat, resident, bot_database, demo):
    await chat.send("/accounts")
    assert "Лицевые счета пока не подключены." in chat.last.text
    await chat.press("➕ Подключить лицевой счёт")
    await chat.send("7001 0010 3492")
    assert chat.last.text.startswith("Лицевой счёт № 700100103492 найден.")
    await chat.press("Собственник")
    await chat.press("Код для добавления договора из квитанции")
    await chat.send(demo["700100103492"].link_code)

    texts = [m.text for m in chat.bot_messages()]
    assert any(
        t.startswith("✅ Лицевой счёт № 700100103492 подключён: 634583, Томская обл.")
        for t in texts
    )
    card = chat.last.text
    assert card.startswith("<b>Лицевой счёт № 700100103492</b> · ЕПД")
    total = f"{demo['700100103492'].latest_total:,.2f}".replace(",", NBSP).replace(".", ",")
    assert f"к оплате {total}{NBSP}₽" in card
    assert "Последний счёт: октябрь 2026" in card  # November's comes after its readings
    assert await links(bot_database) == [(resident, 1, "owner")]
    async with bot_database.engine.connect() as connection:
        last = (await connection.execute(select(telegram_users.c.last_account_id))).scalar_one()
    assert last == 1


async def test_back_from_the_card_of_a_new_link_leads_to_the_list_then_the_menu(
    chat, resident, bot_database, demo
):
    await chat.send("/start")
    await chat.press("➕ Подключить лицевой счёт")
    await chat.send("7001 0010 3492")
    await chat.press("Собственник")
    await chat.press("Код для добавления договора из квитанции")
    await chat.send(demo["700100103492"].link_code)
    assert chat.last.text.startswith("<b>Лицевой счёт № 700100103492</b>")
    await chat.press("◀️ Назад")
    assert chat.last.text.startswith("<b>Ваши счета</b>")
    await chat.press("◀️ Назад")
    assert "добро пожаловать в личный кабинет!" in chat.last.text
    assert "Подключён 1 лицевой счёт." in chat.last.text


def _latest_totals(number: str) -> list[Decimal]:
    """The totals printed on the account's latest demo bill: each supplier's, then the
    grand total."""
    bills = [
        b
        for b in demo_billing(FakeClock().today(), new_link_codes())["bills"]
        if b["account"] == number
    ]
    per_supplier = [Decimal(line["to_pay"]) for line in bills[-1]["suppliers"]]
    return [*per_supplier, sum(per_supplier, Decimal(0))]


@pytest.mark.parametrize(
    ("which", "written"),
    [
        (0, lambda amount: f"{amount:.2f}"),
        (0, lambda amount: f"{amount:.2f}".replace(".", ",")),
        (-1, lambda amount: f"{amount:.2f}"),
        (-1, lambda amount: f"{amount:,.2f}".replace(",", " ").replace(".", ",")),
    ],
)
async def test_any_total_of_the_latest_bill_is_right(chat, resident, bot_database, which, written):
    """The electricity + ТомскРТС bill has a total per supplier and a grand total, typed as
    a resident would."""
    await start_linking(chat, "830300527718")
    await chat.press("Наниматель / арендатор")
    await chat.press("Сумма «ИТОГО / ВСЕГО К ОПЛАТЕ»")
    assert "с точностью до копеек" in chat.last.text
    await chat.send(written(_latest_totals("830300527718")[which]))
    assert chat.last.text.startswith("<b>Лицевой счёт № 830300527718</b>")
    assert [relation for _, _, relation in await links(bot_database)] == ["tenant"]


async def test_a_wrong_or_missing_number_gets_the_guides_error_and_a_retry(chat, resident):
    for number in ("12ab", "999999999", "1"):
        await start_linking(chat, number)
        assert chat.last.text.startswith("Лицевой счёт не найден. Проверьте")
    await chat.send("800200415527")
    assert chat.last.text.startswith("Лицевой счёт № 800200415527 найден.")


async def test_five_wrong_answers_lock_the_account_for_a_day(
    chat, resident, bot_database, clock, demo
):
    await start_linking(chat, "800200415527")
    await chat.press("Собственник")
    await chat.press("Сумма «ИТОГО / ВСЕГО К ОПЛАТЕ»")
    for left in ("4 попытки", "3 попытки", "2 попытки", "1 попытка"):
        await chat.send("1.00")
        assert chat.last.text.startswith(
            f"Ответ неверный. Осталось {left}".replace("Осталось 1", "Осталась 1")
        )
        await chat.send("1 001,98 руб.")  # not an amount: a hint, and no attempt used
        assert chat.last.text.startswith("Введите сумму цифрами")
    await chat.send("2.00")
    said = chat.bot_messages()[-2].text
    assert said.startswith(
        "Слишком много неверных ответов на контрольный вопрос. "
        "Подключить этот счёт можно будет после 25.11.2026 10:00."
    )
    assert "позвоните в контакт-центр: +7 (3822) 75-00-75" in said
    # The step ends there, back where the linking began.
    assert chat.last.text.startswith("<b>Ваши счета</b>")
    await start_linking(chat, "800200415527")  # the number is refused until then
    assert chat.last.text.startswith("Слишком много неверных ответов")
    assert await links(bot_database) == []

    clock.advance(hours=24, seconds=1)
    await start_linking(chat, "800200415527")
    await chat.press("Собственник")
    await chat.press("Код для добавления договора из квитанции")
    await chat.send(demo["800200415527"].link_code)
    assert len(await links(bot_database)) == 1
    async with bot_database.engine.connect() as connection:
        assert (await connection.execute(select(attempt_limits))).all() == []


async def test_an_account_already_linked_says_so(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("800200415527",))
    await start_linking(chat, "800200415527")
    assert chat.last.text.startswith("Этот лицевой счёт уже подключён к вашему кабинету.")


async def test_an_unconfirmed_email_links_nothing(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, email_confirmed=False)
    await start_linking(chat, "800200415527")
    assert "сначала подтвердите e-mail" in [m.text for m in chat.bot_messages()][-2]


async def test_accounts_are_listed_and_unlinked_after_a_confirmation(chat, bot_database, demo):
    profile = await bind_resident(bot_database, chat.user.id, link=("700100103492", "800200415527"))
    await chat.send("/accounts")
    titles = [b.text for _, b in chat.inline_buttons()]
    # What tells two accounts apart comes first: street, house and flat, then the settlement.
    assert titles[0] == "ЕПД · Ласточкина ул., д.13, кв.11 (Октябрьское с.)"
    assert "Электроэнергия · Советская ул., д.16, кв.1 (г. Томск)" in titles

    await chat.press("Электроэнергия · Советская ул., д.16, кв.1 (г. Томск)")
    await chat.press("🔗 Отключить лицевой счёт")
    assert chat.last.text.startswith("Отключить лицевой счёт № 800200415527")
    await chat.press("Нет")
    assert len(await links(bot_database)) == 2
    await chat.press("🔗 Отключить лицевой счёт")
    await chat.press("Да, отключить")
    assert chat.last.text.startswith("Лицевой счёт отключён.")
    assert [(p, a) for p, a, _ in await links(bot_database)] == [(profile, 1)]


async def test_with_several_accounts_readings_start_with_the_choice_of_whose(
    chat, bot_database, demo
):
    await bind_resident(bot_database, chat.user.id, link=("700100103492", "800200415527"))
    await chat.send("/accounts")
    assert "⭐" not in seen(chat)  # nothing opened yet: nothing to mark
    await chat.press("Электроэнергия · Советская ул., д.16, кв.1 (г. Томск)")
    await chat.send("/start")
    await chat.press("📟 Передать показания")
    assert "Выберите лицевой счёт, по которому передать показания." in seen(chat)
    assert "⭐ — счёт, который вы открывали последним." in seen(chat)
    assert "⭐ Электроэнергия · Советская ул., д.16, кв.1 (г. Томск)" in buttons(chat)
    await chat.press("ЕПД · Ласточкина ул., д.13, кв.11 (Октябрьское с.)")
    assert "Ласточкина ул., д.13, кв.11" in seen(chat) and "Передача показаний" in seen(chat)
    # Back is the choice again, and another account is one tap away.
    await chat.press("◀️ Назад")
    assert "⭐ ЕПД · Ласточкина ул., д.13, кв.11 (Октябрьское с.)" in buttons(chat)
    await chat.press("Электроэнергия · Советская ул., д.16, кв.1 (г. Томск)")
    assert "Советская ул., д.16, кв.1" in seen(chat)


async def test_with_one_account_readings_open_at_once(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("800200415527",))
    await chat.send("/start")
    await chat.press("📟 Передать показания")
    assert "634050, г. Томск, Советская ул., д.16, кв.1" in seen(chat)


async def test_forged_account_buttons_show_nothing(chat, new_chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("700100103492",))
    other = new_chat(800008)
    await bind_resident(bot_database, other.user.id, link=("800200415527",))
    await other.send("/accounts")
    theirs, their_button = other.inline_buttons()[0]
    forged = their_button.callback_data.rsplit(":", 1)[0] + ":1"  # account 1 is not theirs
    await other.press_data(theirs, forged)

    assert other.last.text.startswith("Этот лицевой счёт не подключён к вашему кабинету.")
    assert "700100103492" not in other.last.text and "Ласточкина" not in other.last.text
    async with bot_database.engine.connect() as connection:
        remembered = (
            await connection.execute(
                select(telegram_users.c.last_account_id).where(
                    telegram_users.c.telegram_id == other.user.id
                )
            )
        ).scalar_one()
    assert remembered is None


async def test_a_long_list_of_accounts_pages_with_words_not_arrows(chat, bot_database):
    await bind_resident(bot_database, chat.user.id, accounts=10)
    await chat.send("/accounts")
    pager = [b.text for _, b in chat.inline_buttons()][8:11]
    assert pager == ["· 1 из 2 ·", "Следующие ⏩", "➕ Подключить лицевой счёт"]
    await chat.press("Следующие ⏩")
    labels = [b.text for _, b in chat.inline_buttons()]
    assert labels[2:4] == ["⏪ Предыдущие", "· 2 из 2 ·"] and "<" not in labels


async def test_a_number_with_a_null_byte_is_refused_and_linking_goes_on(chat, resident):
    await start_linking(chat, "7001\x000010 3492")
    assert chat.last.text.startswith("В сообщении есть невидимый служебный символ")
    await chat.send("7001 0010 3492")
    assert chat.last.text.startswith("Лицевой счёт № 700100103492 найден.")


async def test_the_main_menu_pays_what_it_says_is_due(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("700100103492", "800200415527"))
    await chat.send("/start")
    assert "К оплате" in seen(chat)
    await chat.press("💳 Оплатить")
    assert "Выберите лицевой счёт, который оплатить." in seen(chat)
    assert "➕ Подключить лицевой счёт" not in buttons(chat)
    await chat.press("ЕПД · Ласточкина ул., д.13, кв.11 (Октябрьское с.)")
    assert seen(chat).startswith("Оплата · ЛС № 700100103492")
    await chat.press("◀️ Назад")
    assert "Выберите лицевой счёт, который оплатить." in seen(chat)


async def test_logging_out_from_the_menu_asks_first(chat, bot_database, demo):
    await bind_resident(bot_database, chat.user.id, link=("800200415527",))
    await chat.send("/start")
    await chat.press("🚪 Выйти")
    assert seen(chat).startswith("Выйти из личного кабинета в этом чате?")
    await chat.press("◀️ Назад")
    assert "добро пожаловать в личный кабинет" in seen(chat)
    await chat.press("🚪 Выйти")
    await chat.press("🚪 Да, выйти")
    assert "Вы вышли из личного кабинета" in "\n".join(m.text or "" for m in chat.bot_messages())
    await chat.send("/start")
    assert "📝 Регистрация" in buttons(chat)


async def test_with_no_account_yet_every_choice_of_one_offers_to_link_one(
    chat, resident, bot_database, demo
):
    await chat.send("/start")
    await chat.press("📟 Передать показания")
    assert "Лицевые счета пока не подключены." in chat.last.text
    await chat.press("➕ Подключить лицевой счёт")
    assert chat.last.text.startswith("Введите номер лицевого счёта")
    await chat.send("/faq")
    await chat.press("✍️ Задать вопрос")
    await chat.press("➕ Подключить лицевой счёт")
    assert chat.last.text.startswith("Введите номер лицевого счёта")
