"""Money and data exactly once, under a seeded random mix of what residents, Telegram and
YooKassa do: taps and double taps, both ways to pay, paid and repeated successful payments,
YooKassa's notifications duplicated, late and out of order, the check job, unlinking and
linking again, appeals and devices. On PostgreSQL + Redis every update reaches one of two
dispatchers (two processes of a fleet) at random; on SQLite + memory, the one process.

After every step: every payment Telegram or YooKassa took is recorded once, and nothing is
recorded that was not taken; an account is never paid more than a form of it asked; no
appeal is stored twice; no device of a former link is accepted. At the end, once every
notification has arrived and the check job has run, nothing is left held and the export
gives each payment once.

``MONEY_SEED`` and ``MONEY_STEPS`` choose the run (a fixed seed and a short run by default);
``make money`` runs a long one with a new seed, and prints the seed to run it again."""

from __future__ import annotations

import copy
import json
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import fsm_storage as bot_fsm_storage
from bot.app import start_local
from bot.config import Settings
from bot.local_yookassa import LocalYooKassa
from bot.payments import check_payments
from bot.transports.local import LocalChat, LocalSession
from bot.webhook import web_app
from domain import devices
from storage import tables as t
from storage.billing import format_payments, import_billing
from storage.database import Database
from storage.demo import demo_billing, new_link_codes
from tests.chat import buttons
from tests.conftest import REDIS
from tests.data import bind_resident
from tests.test_devices import API
from tests.test_payments import ACCOUNT, CARD, EPD, said

SEED = int(os.environ.get("MONEY_SEED", "20261202"))
STEPS = int(os.environ.get("MONEY_STEPS", "40"))
ADDRESS = {ACCOUNT: "Советская ул., д.16", EPD: "Ласточкина ул."}


@pytest.fixture
def settings(payment_settings: Settings) -> Settings:
    return payment_settings


class FleetChat(LocalChat):
    """A resident's chat with the fleet: each update reaches one process, at random (two taps
    of a double tap may reach different ones)."""

    def __init__(self, fleet: list, rng: random.Random, session: LocalSession, user_id: int):
        super().__init__(*fleet[0], session, user_id=user_id)
        self.fleet = fleet
        self.rng = rng

    async def feed(self, **event) -> None:
        self.dispatcher, self.bot = self.rng.choice(self.fleet)
        await super().feed(**event)


@dataclass
class Resident:
    chat: FleetChat
    profile_id: int
    linked: set[str]
    devices: dict[str, str] = field(default_factory=dict)  # account: token, while linked
    former: list[str] = field(default_factory=list)  # tokens of links since undone


@dataclass
class World:
    rng: random.Random
    database: Database
    yookassa: LocalYooKassa
    fleet: list
    endpoints: list[str]  # each process's YooKassa notification address
    http: TestClient  # the device API of one process
    residents: list[Resident]
    link_codes: dict[str, str]
    bills: dict[str, dict]  # each account's latest bill, as billing sent it
    asked: dict[str, Decimal]  # what a form of the account asks for its bill (each alike)
    clock: object
    notes: list[str] = field(default_factory=list)  # YooKassa notifications yet to arrive
    appeals: int = 0
    log: list[str] = field(default_factory=list)

    # --- What a resident does -------------------------------------------------------------

    async def open_card(self, who: Resident, number: str) -> None:
        # What was queued meanwhile arrives first: the list is then the last message.
        await who.chat.deliver_notifications()
        await who.chat.send("/accounts")
        await who.chat.press(ADDRESS[number])

    async def taps(self, chat: LocalChat, label: str) -> None:
        await chat.press_at_once(label, self.rng.choice([1, 1, 2, 3]))

    async def form_telegram(self, who: Resident) -> None:
        await self.start_form(who, "💳 Оплатить в Telegram")

    async def form_page(self, who: Resident) -> None:
        await self.start_form(who, "🌐 Оплатить на сайте ЮKassa")

    async def start_form(self, who: Resident, way: str) -> None:
        if not who.linked:
            return
        await self.open_card(who, self.rng.choice(sorted(who.linked)))
        await who.chat.press("💳 Оплатить")
        if "Согласен с правилами" not in " ".join(buttons(who.chat)):
            return  # nothing to pay
        await who.chat.press("⬜ Согласен с правилами")
        await self.taps(who.chat, way)

    async def pay_invoice(self, who: Resident) -> None:
        invoices = [m for m in who.chat.bot_messages() if m.invoice is not None]
        if not invoices:
            return
        invoice = self.rng.choice(invoices)
        taken: list[tuple[str, int]] = []

        async def charge(sent, total: int) -> str:
            taken.append((await self.yookassa.charge(sent, total), total))
            return taken[-1][0]

        await who.chat.pay(invoice, CARD, charge)
        if taken and self.rng.random() < 0.3:  # Telegram's message of it, twice
            sent = who.chat.session.invoices[invoice.message_id]
            await who.chat.succeed(sent, taken[0][1], taken[0][0])

    async def pay_page(self, _who: Resident) -> None:
        pending = [i for i, p in self.yookassa.payments.items() if p["status"] == "pending"]
        if not pending:
            return
        paid = self.rng.choice(pending)
        await self.yookassa.pay(paid, notify=False)
        self.notes += [paid] * self.rng.choice([0, 1, 1, 2])  # lost, once, twice

    async def notification(self, _who: Resident) -> None:
        if not self.notes:
            return
        paid = self.notes.pop(self.rng.randrange(len(self.notes)))  # out of order
        self.yookassa.notify_url = self.rng.choice(self.endpoints)
        assert await self.yookassa.notify(paid) == 200

    async def check_job(self, _who: Resident) -> None:
        self.clock.advance(minutes=self.rng.choice([1, 5, 20]))
        dp, _bot = self.rng.choice(self.fleet)
        await check_payments(
            self.database, dp["clock"], dp["payment_notifier"], dp["payment_gateway"]
        )
        await self.residents[0].chat.deliver_notifications()

    async def unlink(self, who: Resident) -> None:
        if not who.linked:
            return
        number = self.rng.choice(sorted(who.linked))
        await self.open_card(who, number)
        await who.chat.press("🔗 Отключить лицевой счёт")
        await self.taps(who.chat, "Да, отключить")
        who.linked.discard(number)
        if number in who.devices:
            who.former.append(who.devices.pop(number))

    async def link(self, who: Resident) -> None:
        free = sorted(set(ADDRESS) - who.linked)
        if not free:
            return
        number = self.rng.choice(free)
        await who.chat.deliver_notifications()
        await who.chat.send("/accounts")
        await who.chat.press("➕ Подключить лицевой счёт")
        await who.chat.send(number)
        await who.chat.press("Собственник")
        await who.chat.press("Код для добавления договора из квитанции")
        await who.chat.send(self.link_codes[number])
        assert f"Лицевой счёт № {number} подключён" in " ".join(
            m.text or "" for m in who.chat.bot_messages()[-3:]
        )
        who.linked.add(number)

    async def appeal(self, who: Resident) -> None:
        if not who.linked:
            return
        await self.open_card(who, self.rng.choice(sorted(who.linked)))
        await who.chat.press("✉️ Обращения")
        await who.chat.press("✍️ Новое обращение")
        await who.chat.press(buttons(who.chat)[0])  # the first supplier
        self.appeals += 1
        await who.chat.send(f"Обращение {self.appeals}: прошу проверить начисление.")
        await self.taps(who.chat, "📨 Отправить")

    async def device(self, who: Resident) -> None:
        """A device issued for a linked account, or one of the resident's devices sending."""
        if who.linked and self.rng.random() < 0.5:
            number = self.rng.choice(sorted(who.linked))
            async with self.database.unit_of_work() as uow:
                profile = await uow.profiles.get(who.profile_id)
                account = await uow.accounts.by_number(number)
                assert profile is not None and account is not None and account.id is not None
                _device, who.devices[number] = await devices.issue_token(
                    uow, self.clock, profile, account.id, "Waterius"
                )
        tokens = [(token, True) for token in who.devices.values()]
        tokens += [(token, False) for token in who.former]
        if not tokens:
            return
        token, live = self.rng.choice(tokens)
        response = await self.http.post(
            API,
            json={"readings": [{"meter": "0", "value": "1"}]},
            headers={"Authorization": f"Bearer {token}"},
        )
        # A device of a former link is refused, whoever holds the account now; a live one
        # is let in (and told there is no such meter).
        assert (response.status == 401) is not live, (response.status, live)

    async def new_bill(self, _who: Resident) -> None:
        """Billing's month for an account: the payments it took in, and the next bill."""
        number = self.rng.choice(sorted(ADDRESS))
        bill = copy.deepcopy(self.bills[number])
        year, month = map(int, bill["period"].split("-"))
        bill["period"] = f"{year + month // 12}-{month % 12 + 1:02d}"
        async with self.database.unit_of_work() as uow:
            paid = await uow.payments.paid_since(self.clock.now() - timedelta(days=365))
        taken_in = [
            {
                "id": f"bank-{p['payment']}",
                "provider_payment_id": p["provider_payment_id"],
                "account": p["account"],
                "paid_at": p["paid_at"],
                "items": [
                    {k: item[k] for k in ("supplier", "service", "amount")} for item in p["items"]
                ],
            }
            for p in json.loads(format_payments(paid, "json"))["payments"]
            if p["account"] == number
        ]
        file = {"format": "tes-billing/1", "bills": [bill], "payments": taken_in}
        await import_billing(self.database.engine, json.dumps(file, ensure_ascii=False))
        self.bills[number] = bill

    # --- What must hold ----------------------------------------------------------------

    def trail(self) -> str:
        """How to run it again, and the steps that led here."""
        return f"MONEY_SEED={SEED}: {self.log[-5:]}"

    async def holds(self) -> None:
        async with self.database.engine.connect() as connection:
            rows = (await connection.execute(select(t.payments))).all()
            appeals = list((await connection.execute(select(t.appeals.c.text))).scalars())
            links = (await connection.execute(select(t.account_links))).all()
            accounts = select(t.accounts.c.id, t.accounts.c.number)
            numbers = dict((await connection.execute(accounts)).tuples().all())
        ours = [r for r in rows if r.method != "billing"]
        taken = {i for i, p in self.yookassa.payments.items() if p["status"] == "succeeded"}
        recorded = Counter(r.provider_payment_id for r in ours if r.status == "succeeded")
        # Every payment taken, recorded once; nothing recorded that was not taken.
        assert recorded == Counter(taken), self.trail()
        # Never more than a form of the account asked: the payments billing has not taken in
        # yet pay at most its latest bill.
        paid: Counter[str] = Counter()
        for r in ours:
            if r.status == "succeeded" and not r.in_billing:
                paid[numbers[r.account_id]] += r.amount
        for number, amount in paid.items():
            assert amount <= self.asked[number], (number, amount, self.trail())
        # Each appeal sent once, however many taps sent it.
        assert len(appeals) == len(set(appeals)) == self.appeals
        # The bot's idea of who is linked is the residents'.
        for who in self.residents:
            mine = {numbers[link.account_id] for link in links if link.profile_id == who.profile_id}
            assert mine == who.linked
            assert said(who.chat, "Что-то пошло не так") == 0


ACTIONS: list[tuple[str, int]] = [
    ("form_telegram", 4),
    ("form_page", 4),
    ("pay_invoice", 4),
    ("pay_page", 4),
    ("notification", 4),
    ("check_job", 2),
    ("unlink", 1),
    ("link", 2),
    ("appeal", 1),
    ("device", 1),
    ("new_bill", 1),
]


async def test_money_and_data_hold_under_a_random_mix(
    running, bot_database, backend, fsm_storage, settings, mailer, session, clock, demo, yookassa
):
    rng = random.Random(SEED)
    fleet = [running[:2]]
    second = None
    if backend[1] == "redis":
        assert isinstance(fsm_storage, RedisStorage) and REDIS
        assert isinstance(fsm_storage.key_builder, DefaultKeyBuilder)
        storage = bot_fsm_storage(REDIS, keep_days=1, prefix=fsm_storage.key_builder.prefix)
        dp, bot, _ = await start_local(settings, bot_database, mailer, storage, session, clock)
        second = (dp, bot, storage)
        fleet.append((dp, bot))
    runners = []
    for dp, _bot in fleet:
        runner = web.AppRunner(web_app(dp, bot_database))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
    endpoints = [f"http://127.0.0.1:{r.addresses[0][1]}/yookassa/notifications" for r in runners]
    residents = []
    for user_id, numbers in ((100001, (ACCOUNT, EPD)), (100002, (ACCOUNT,))):
        profile_id = await bind_resident(bot_database, user_id, link=numbers)
        chat = FleetChat(fleet, rng, session, user_id)
        residents.append(Resident(chat, profile_id, set(numbers)))
    async with TestClient(TestServer(web_app(fleet[0][0], bot_database))) as http:
        world = World(
            rng=rng,
            database=bot_database,
            yookassa=yookassa,
            fleet=fleet,
            endpoints=endpoints,
            http=http,
            residents=residents,
            link_codes={n: demo[n].link_code for n in ADDRESS},
            bills={
                n: [
                    b
                    for b in demo_billing(clock.today(), new_link_codes())["bills"]
                    if b["account"] == n
                ][-1]
                for n in ADDRESS
            },
            asked={n: demo[n].latest_total for n in ADDRESS},
            clock=clock,
        )
        try:
            names = [name for name, _ in ACTIONS]
            weights = [weight for _, weight in ACTIONS]
            for step in range(STEPS):
                name = rng.choices(names, weights)[0]
                who = rng.choice(residents)
                world.log.append(f"{step}: {name} by {who.chat.user.id}")
                await getattr(world, name)(who)
                await world.holds()

            # Everything arrives in the end: every notification, the check job until nothing
            # is left to ask about.
            while world.notes:
                await world.notification(residents[0])
            for _ in range(12):
                clock.advance(minutes=20)
                await world.check_job(residents[0])
            await world.holds()
            held = [i for i, p in yookassa.payments.items() if p["status"] == "waiting_for_capture"]
            assert held == []
            async with bot_database.unit_of_work() as uow:
                exported = await uow.payments.paid_since(clock.now() - timedelta(days=30))
            taken = {i for i, p in yookassa.payments.items() if p["status"] == "succeeded"}
            assert sorted(p.payment.provider_payment_id for p in exported) == sorted(taken)
        finally:
            for runner in runners:
                await runner.cleanup()
            if second is not None:
                dp, bot, storage = second
                await dp.emit_shutdown(bot=bot, bots=[bot], dispatcher=dp, **dp.workflow_data)
                await storage.close()
    outcomes = Counter(p["status"] for p in yookassa.payments.values())
    print(f"MONEY_SEED={SEED} MONEY_STEPS={STEPS}: at YooKassa {dict(outcomes)}")
