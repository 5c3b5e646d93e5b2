"""The business rules as plain calls, without Telegram: the domain's services over a real
unit of work (SQLite, and PostgreSQL where it answers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain import accounts, appeals, history, login, payments, readings
from domain.accounts import ControlQuestion
from domain.errors import (
    AmountTooLarge,
    AppealNotFound,
    AppealNotOpen,
    AttachmentsFull,
    BelowLast,
    HighConsumption,
    InvalidInput,
    LinkLocked,
    LoginLocked,
    LowerThanLast,
    MeterExpired,
    MeterNotFound,
    NothingToPay,
    PaymentRefused,
    RulesNotAccepted,
    TooManyDigits,
    WrongAnswer,
    WrongCredentials,
    ZonesMissing,
)
from domain.model import (
    Appeal,
    AppealKind,
    AppealStatus,
    Attachment,
    AttachmentKind,
    CloseReason,
    PaymentMethod,
    PaymentStatus,
    Profile,
    Reading,
    ReadingSource,
    Relation,
    TelegramUser,
    Zone,
)
from domain.payments import PaymentTerms
from storage.demo import seed_demo
from tests.data import bind_resident

EPD = "700100103492"  # water meters: 517480 in service, 927213 past its verification
DAY_NIGHT = "800200415527"
WINDOW = (15, 25)
STAFF_CHAT = -100


class Hasher:
    """Plain text stands in for Argon2 here: the rules, not the hash, are under test."""

    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain:" + password


class RecordingNotifier:
    """The AppealNotifier port as a reachable staff group that records what it was told."""

    def __init__(self) -> None:
        self.filed_ids: list[int] = []
        self.settled_ids: list[tuple[int, AppealStatus]] = []

    async def filed(self, uow, appeal: Appeal) -> bool:
        self.filed_ids.append(appeal.id)
        await appeals.mark_posted(uow, appeal, STAFF_CHAT, 1000 + appeal.id)
        return True

    async def prompt_answer(self, appeal: Appeal) -> int | None:
        return 2000 + appeal.id

    async def settled(self, uow, appeal: Appeal) -> None:
        self.settled_ids.append((appeal.id, appeal.status))


@pytest.fixture
async def world(database, clock):
    """The demo data and a resident with both demo accounts linked."""
    demo = {a.number: a for a in await seed_demo(database, clock.today())}
    profile_id = await bind_resident(
        database, 500001, link=(EPD, DAY_NIGHT), password_hash=Hasher().hash("Secret123")
    )
    async with database.unit_of_work() as uow:
        profile = await uow.profiles.get(profile_id)
    return demo, profile


async def _meters(database, profile: Profile):
    async with database.unit_of_work() as uow:
        return [
            m
            for account in await uow.links.accounts_of(profile.id)
            for m in await uow.meters.of_account(account.id)
        ]


async def meter(database, profile: Profile, number: str):
    return next(m for m in await _meters(database, profile) if m.number == number)


async def test_five_wrong_control_answers_lock_the_account_and_the_right_one_then_fails(
    database, clock, world
):
    demo, _ = world
    stranger = await bind_resident(database, 500002)
    user = TelegramUser(telegram_id=500002, profile_id=stranger)
    async with database.unit_of_work() as uow:
        profile = await uow.profiles.get(stranger)

        async def link(code: str):
            return await accounts.answer_control_question(
                uow, clock, user, profile, EPD, Relation.OWNER, ControlQuestion.LINK_CODE, code
            )

        for left in (4, 3, 2, 1):
            with pytest.raises(WrongAnswer) as wrong:
                await link("0000")
            assert wrong.value.attempts_left == left
        for code in ("0000", demo[EPD].link_code):
            with pytest.raises(LinkLocked) as locked:
                await link(code)
        assert locked.value.until == clock.now() + accounts.LINK_LOCK
        assert await uow.links.accounts_of(stranger) == []


async def test_five_wrong_passwords_lock_the_login(database, clock, world):
    _, profile = world
    user = TelegramUser(telegram_id=500003)
    async with database.unit_of_work() as uow:
        for _attempt in range(login.LOGIN_ATTEMPTS):
            with pytest.raises(WrongCredentials):
                await login.log_in(uow, Hasher(), clock, user, profile.email, "Wrong123")
        with pytest.raises(LoginLocked):
            await login.log_in(uow, Hasher(), clock, user, profile.email, "Secret123")
        clock.advance(minutes=16)
        logged_in = await login.log_in(uow, Hasher(), clock, user, profile.email, "Secret123")
        assert logged_in.profile.id == profile.id


async def test_a_reading_is_checked_in_the_domain_whoever_submits_it(database, clock, world):
    _, profile = world
    water = await meter(database, profile, "517480")
    async with database.unit_of_work() as uow:
        last = (await readings.last_reading(uow, water, Zone.SINGLE)).value
        with pytest.raises(TooManyDigits):
            await readings.submit_reading(
                uow, clock, WINDOW, profile, water.id, {Zone.SINGLE: Decimal("1234567")}
            )
        for confirmed in (frozenset(), frozenset({Zone.SINGLE})):  # no confirmation helps
            with pytest.raises(LowerThanLast) as lower:
                await readings.submit_reading(
                    uow, clock, WINDOW, profile, water.id, {Zone.SINGLE: last - 1}, confirmed
                )
            assert lower.value.last == last
        with pytest.raises(HighConsumption):
            await readings.submit_reading(
                uow, clock, WINDOW, profile, water.id, {Zone.SINGLE: last + 500}
            )
        submitted = await readings.submit_reading(
            uow,
            clock,
            WINDOW,
            profile,
            water.id,
            {Zone.SINGLE: last + 500},
            confirmed=frozenset({Zone.SINGLE}),
        )
        assert submitted.month == clock.today().replace(day=1)
        assert (await readings.last_reading(uow, water, Zone.SINGLE)).value == last + 500


async def test_an_expired_meter_another_residents_meter_and_a_missing_zone_are_refused(
    database, clock, world
):
    _, profile = world
    expired = await meter(database, profile, "927213")
    two_zones = next(m for m in await _meters(database, profile) if m.zone_count == 2)
    other = await bind_resident(database, 500004)
    async with database.unit_of_work() as uow:
        with pytest.raises(MeterExpired) as error:
            await readings.submit_reading(
                uow, clock, WINDOW, profile, expired.id, {Zone.SINGLE: Decimal(1)}
            )
        assert error.value.number == "927213"
        with pytest.raises(MeterNotFound):
            await readings.submit_reading(
                uow,
                clock,
                WINDOW,
                await uow.profiles.get(other),
                two_zones.id,
                {Zone.DAY: Decimal(1), Zone.NIGHT: Decimal(1)},
            )
        with pytest.raises(ZonesMissing) as missing:
            await readings.submit_reading(
                uow, clock, WINDOW, profile, two_zones.id, {Zone.DAY: Decimal(99999)}
            )
        assert missing.value.zones == (Zone.NIGHT,)


async def test_an_appeal_is_filed_answered_once_and_then_cannot_be_closed(database, clock, world):
    _, profile = world
    desk = RecordingNotifier()
    async with database.unit_of_work() as uow:
        account = next(a for a in await uow.links.accounts_of(profile.id) if a.number == EPD)
        supplier = (await appeals.suppliers_of(uow, profile, account.id, "tes"))[0]
        photo = Attachment(AttachmentKind.PHOTO, "file-1")
        with pytest.raises(AttachmentsFull):
            appeals.attach([photo] * appeals.ATTACHMENT_LIMIT, photo)
        appeal = await appeals.submit(
            uow,
            clock,
            desk,
            profile,
            account.id,
            supplier.id,
            AppealKind.APPEAL,
            " Течёт ",
            [photo],
            retailer="tes",
        )
        assert desk.filed_ids == [appeal.id]
        assert (await uow.appeals.get(appeal.id)).attachments == [photo]

        with pytest.raises(AppealNotFound):
            await appeals.answer_post(uow, clock, desk, STAFF_CHAT, 999_999, "Ответ", "Оператор")
        answered = await appeals.answer_post(
            uow, clock, desk, STAFF_CHAT, 1000 + appeal.id, "Мастер придёт завтра", "Оператор"
        )
        assert answered.text == "Течёт" and answered.answer == "Мастер придёт завтра"
        with pytest.raises(AppealNotOpen):
            await appeals.close(uow, clock, desk, appeal.id, "Другой оператор", CloseReason.UNCLEAR)
        assert desk.settled_ids == [(appeal.id, AppealStatus.ANSWERED)]
        assert (await uow.appeals.get(appeal.id)).answered_by == "Оператор"


async def test_a_dial_going_round_is_taken_once_confirmed(database, clock, world):
    _, profile = world
    water = await meter(database, profile, "517480")  # six digits before the point
    async with database.unit_of_work() as uow:
        await uow.readings.record(
            Reading(
                meter_id=water.id,
                zone=Zone.SINGLE,
                value=Decimal("999990.5"),
                taken_at=clock.now() - timedelta(days=1),
                billing_month=clock.today().replace(day=1),
                source=ReadingSource.BILLING,
            )
        )
        await uow.commit()
        with pytest.raises(BelowLast) as below:
            await readings.submit_reading(
                uow, clock, WINDOW, profile, water.id, {Zone.SINGLE: Decimal("12")}
            )
        assert below.value.last == Decimal("999990.5")
        with pytest.raises(LowerThanLast):  # 500,000 is not "near zero"
            await readings.submit_reading(
                uow, clock, WINDOW, profile, water.id, {Zone.SINGLE: Decimal("500000")}
            )
        await readings.submit_reading(
            uow,
            clock,
            WINDOW,
            profile,
            water.id,
            {Zone.SINGLE: Decimal("12")},
            confirmed=frozenset({Zone.SINGLE}),
        )
        assert (await readings.last_reading(uow, water, Zone.SINGLE)).value == Decimal("12")


class RecordingPayer:
    """The PaymentNotifier port: what the payer was told, payment by payment."""

    def __init__(self) -> None:
        self.told: list[tuple[int, PaymentStatus]] = []

    async def settled(self, uow, payment) -> None:
        self.told.append((payment.id, payment.status))


TERMS = PaymentTerms(
    max_amount=Decimal("2000.00"), sms_receipts=False, lifetime=timedelta(hours=1), vat_code=1
)


def test_amounts_and_receipt_contacts_are_read_as_residents_type_them():
    assert payments.read_amount("1 000,5", TERMS) == Decimal("1000.50")
    assert payments.read_amount("0", TERMS) == Decimal("0.00")
    for wrong in ("-1", "1,005", "сто", "1e3", ""):
        with pytest.raises(InvalidInput):
            payments.read_amount(wrong, TERMS)
    with pytest.raises(AmountTooLarge):
        payments.read_amount("2 000,01", TERMS)
    assert payments.read_contact(" Pay@Example.org ", TERMS) == "pay@example.org"
    with pytest.raises(InvalidInput):
        payments.read_contact("+7 913 825-00-75", TERMS)  # no SMS receipts here
    sms = PaymentTerms(TERMS.max_amount, True, TERMS.lifetime, TERMS.vat_code)
    assert payments.read_contact("8 (913) 825 00 75", sms) == "+79138250075"


async def test_a_payment_is_stored_pending_and_settled_once(database, clock, world):
    _, profile = world
    user = TelegramUser(telegram_id=500001, profile_id=profile.id)
    payer = RecordingPayer()
    async with database.unit_of_work() as uow:
        account = await uow.accounts.by_number(DAY_NIGHT)
        due = await payments.due_of(uow, profile, account.id)
        [line] = due.lines
        with pytest.raises(RulesNotAccepted):
            await payments.start_payment(
                uow,
                clock,
                user,
                profile,
                account.id,
                {line.contract_id: Decimal(5)},
                profile.email,
                PaymentMethod.TELEGRAM,
                TERMS,
                rules_accepted=False,
            )
        with pytest.raises(NothingToPay):  # a contract of another account is no line here
            await payments.start_payment(
                uow,
                clock,
                user,
                profile,
                account.id,
                {999: Decimal(5)},
                profile.email,
                PaymentMethod.TELEGRAM,
                TERMS,
                rules_accepted=True,
            )
        payment = await payments.start_payment(
            uow,
            clock,
            user,
            profile,
            account.id,
            {line.contract_id: Decimal("12.34")},
            profile.email,
            PaymentMethod.TELEGRAM,
            TERMS,
            rules_accepted=True,
        )
    payload = payments.invoice_payload(payment)
    async with database.unit_of_work() as uow:
        with pytest.raises(PaymentRefused, match="changed"):
            await payments.check_checkout(uow, clock, 500001, payload, "RUB", 1235)
        with pytest.raises(PaymentRefused, match="unknown"):
            await payments.check_checkout(uow, clock, 500002, payload, "RUB", 1234)
        await payments.check_checkout(uow, clock, 500001, payload, "RUB", 1234)
        for _ in range(2):
            await payments.record_telegram_payment(
                uow, clock, payer, None, 500001, payload, "RUB", 1234, "yk-1"
            )
        with pytest.raises(PaymentRefused, match="paid"):
            await payments.check_checkout(uow, clock, 500001, payload, "RUB", 1234)
        after = await payments.due_of(uow, profile, account.id)
    assert payer.told == [(payment.id, PaymentStatus.SUCCEEDED)]
    assert after.lines[0].due == line.due - Decimal("12.34")


def test_a_pending_payment_is_asked_about_less_and_less_often():
    assert [payments.next_check(n).total_seconds() for n in range(7)] == [
        30,
        60,
        120,
        240,
        480,
        900,
        900,
    ]


async def test_the_chart_counts_every_month_of_the_period_zone_by_zone(database, clock, world):
    _, profile = world
    two_zone = await meter(database, profile, "201704012803")
    async with database.unit_of_work() as uow:
        period = history.last_months(clock.today(), 3)
        shown = await history.consumption(
            uow, clock, WINDOW, profile, two_zone.account_id, two_zone.id, period
        )
        readings_ = await uow.readings.of_months([two_zone], date.min, date.max)
    assert [m.month for m in shown.months] == [9, 10, 11]
    assert list(shown.by_zone) == [Zone.DAY, Zone.NIGHT]
    # September counts from August's reading, before the period; November is not read yet.
    last = {(r.zone, r.billing_month): r.value for r in readings_}
    august, september, october = date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)
    assert shown.by_zone[Zone.NIGHT][0] == last[Zone.NIGHT, september] - last[Zone.NIGHT, august]
    assert [v is not None and v > 0 for v in shown.by_zone[Zone.DAY]] == [True, True, False]

    # A month with no reading is shown as such; the next counts from the last one before it.
    gap = [r for r in readings_ if r.billing_month != september]
    november = date(2026, 11, 1)
    found = history.monthly_consumption(two_zone, gap, period, november)
    assert found.by_zone[Zone.DAY][0] is None
    assert found.by_zone[Zone.DAY][1] == last[Zone.DAY, october] - last[Zone.DAY, august]
    assert shown.partial is None  # November, still open, is not read yet

    # Read now, November counts only up to today's reading: the chart says it is not over.
    early = replace(readings_[-1], id=None, taken_at=clock.now(), billing_month=november)
    early.value += 1
    found = history.monthly_consumption(two_zone, [*readings_, early], period, november)
    assert (found.partial, found.partial_until) == (2, clock.now())
    # Once November's window has closed, a reading counts for December, outside the period.
    after = replace(early, billing_month=date(2026, 12, 1))
    found = history.monthly_consumption(two_zone, [*readings_, after], period, after.billing_month)
    assert found.partial is None
