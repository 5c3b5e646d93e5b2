"""What the domain needs from the outside world. Storage and the bot's adapters implement
these protocols; the domain and its tests see nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from domain.model import (
    Account,
    AccountLink,
    Appeal,
    Bill,
    Broadcast,
    CodePurpose,
    Contract,
    Device,
    EmailCode,
    FaqEntry,
    MailingCompany,
    MarketingEmail,
    Meter,
    Notification,
    NotificationKind,
    NotificationStatus,
    Payment,
    PaymentStatus,
    Profile,
    Reading,
    Supplier,
    Tariff,
    TelegramUser,
    Zone,
)


class TelegramUserRepository(Protocol):
    async def get(self, telegram_id: int) -> TelegramUser | None: ...

    async def with_profile(self, telegram_id: int) -> tuple[TelegramUser | None, Profile | None]:
        """The Telegram user and the profile they are logged in to, in one query: every
        update asks."""

    async def bound_to(self, profile_id: int) -> Sequence[int]:
        """The Telegram ids bound to the profile."""

    async def bound(self) -> Sequence[TelegramUser]:
        """Every Telegram user bound to a profile."""

    async def save(self, user: TelegramUser) -> None: ...

    async def reachable(self, telegram_id: int) -> None:
        """They wrote to the bot: messages may go to them again."""

    async def unbind_others(self, profile_id: int, keep: int | None) -> Sequence[int]:
        """Logs every Telegram user but ``keep`` out of the profile; the ids logged out."""


class ProfileRepository(Protocol):
    async def get(self, profile_id: int) -> Profile | None: ...

    async def by_email(self, email: str) -> Profile | None: ...

    async def add(self, profile: Profile) -> None:
        """Inserts the profile and sets its ``id``."""

    async def save(self, profile: Profile) -> None: ...

    async def delete(self, profile_id: int) -> None: ...


class MarketingEmailRepository(Protocol):
    async def of(self, profile_id: int) -> Sequence[MarketingEmail]: ...

    async def replace(self, profile_id: int, email: str, companies: set[MailingCompany]) -> None:
        """The address receives exactly these companies' mailings (none: it is removed)."""


class EmailCodeRepository(Protocol):
    """Codes and link tokens are kept only as digests keyed with the server's secret, so that
    a copy of the table confirms nothing."""

    def digest(self, secret: str) -> str: ...

    async def add(self, code: EmailCode) -> None: ...

    async def save(self, code: EmailCode) -> None: ...

    async def get(self, code_id: int) -> EmailCode | None: ...

    async def current(self, purpose: CodePurpose, email: str) -> EmailCode | None:
        """The newest code for the address that is neither used nor voided."""

    async def pending(self, purpose: CodePurpose, profile_id: int) -> EmailCode | None:
        """The profile's newest code for the purpose that is neither used nor voided."""

    async def by_token(self, token_hash: str) -> EmailCode | None: ...

    async def void_all(self, purpose: CodePurpose, email: str) -> None: ...

    async def take_attempt(self, code_id: int, limit: int) -> int | None:
        """Counts one more guess at a usable code, in one statement: the number of guesses
        with this one, or None when the code is used, voided or out of guesses."""


class AttemptRepository(Protocol):
    async def take(
        self, scope: str, key: str, limit: int, window: timedelta, now: datetime
    ) -> int | None:
        """Takes one of ``limit`` attempts in one statement: the number of attempts used with
        this one, or None when none was left (within ``window`` of the last)."""

    async def locked_until(
        self, scope: str, key: str, limit: int, window: timedelta, now: datetime
    ) -> datetime | None: ...

    async def clear(self, scope: str, key: str) -> None: ...


class AccountLinkRepository(Protocol):
    async def accounts_of(self, profile_id: int) -> Sequence[Account]: ...

    async def is_linked(self, profile_id: int, account_id: int) -> bool: ...

    async def add(self, link: AccountLink) -> None: ...

    async def remove(self, profile_id: int, account_id: int) -> None: ...


class AccountRepository(Protocol):
    async def get(self, account_id: int) -> Account | None: ...

    async def by_number(self, number: str) -> Account | None: ...

    async def all(self) -> Sequence[Account]: ...


class BillRepository(Protocol):
    async def latest(self, account_id: int) -> Bill | None: ...

    async def of_account(
        self, account_id: int, since: date | None = None, until: date | None = None
    ) -> Sequence[Bill]:
        """Newest first, with their supplier lines; of the months from ``since`` to
        ``until`` when given."""

    async def get(self, bill_id: int) -> Bill | None: ...


class SupplierRepository(Protocol):
    async def get(self, supplier_id: int) -> Supplier | None: ...

    async def by_code(self, code: str) -> Supplier | None: ...


@dataclass(frozen=True, slots=True)
class PaidItem:
    """What a succeeded payment paid of one contract."""

    payment_id: int
    contract_id: int
    paid_at: datetime
    amount: Decimal
    in_billing: bool


@dataclass(frozen=True, slots=True)
class PaidPayment:
    """A payment made through the bot, as the billing system takes it back."""

    account_number: str
    payment: Payment
    items: Sequence[tuple[Contract, Supplier, Decimal]]


class PaymentRepository(Protocol):
    async def items_of_account(
        self,
        account_id: int,
        *,
        unbilled: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Sequence[PaidItem]:
        """The succeeded payments' items, newest first: those no bill counts yet when
        ``unbilled``, those paid from ``since`` until before ``until`` when given."""

    async def last_receipt_contact(self, profile_id: int) -> str | None:
        """Where the profile's latest payment asked its receipt to be sent."""

    async def add(self, payment: Payment) -> None:
        """Inserts the payment with its items and sets its ``id``."""

    async def get(self, payment_id: int) -> Payment | None: ...

    async def by_provider_id(self, provider_payment_id: str) -> Payment | None: ...

    async def save_provider(
        self, payment_id: int, provider_payment_id: str, confirmation_url: str | None
    ) -> None: ...

    async def settle(
        self,
        payment_id: int,
        status: PaymentStatus,
        came_from: Sequence[PaymentStatus],
        *,
        at: datetime,
        provider_payment_id: str | None = None,
        reason: str | None = None,
    ) -> bool:
        """Moves the payment to ``status`` in one statement, only from one of ``came_from``;
        False when it was not there (someone settled it first)."""

    async def void_pending(self, account_id: int, reason: str) -> Sequence[Payment]:
        """Cancels, with ``reason``, the account's pending payments through the bot; those
        it cancelled, as they were."""

    async def forget_payer(self, profile_id: int) -> None:
        """The profile's payments keep their money and lose who paid: the receipt's contact
        and the Telegram id."""

    async def due_for_check(self, now: datetime, limit: int) -> Sequence[Payment]:
        """Pending (or voided) payments at a provider whose next check has come, oldest
        first."""

    async def schedule_check(self, payment_id: int, checks: int, at: datetime | None) -> None:
        """When the provider is asked again; None: never."""

    async def paid_since(self, since: datetime) -> Sequence[PaidPayment]:
        """The payments made through the bot that succeeded from ``since`` on, oldest first."""


@dataclass(frozen=True, slots=True)
class SubmittedReading:
    """A reading as the billing system takes it back: with the account and meter numbers."""

    account_number: str
    meter_number: str
    reading: Reading


class ReadingRepository(Protocol):
    async def submitted_since(self, since: datetime) -> Sequence[SubmittedReading]: ...

    async def latest_of(self, meter_ids: Sequence[int]) -> dict[tuple[int, Zone], Reading]:
        """The latest reading of each zone of the meters, in one query."""

    async def last(
        self, meter_id: int, zone: Zone, replacing: date | None = None
    ) -> Reading | None:
        """The latest reading of the zone; with ``replacing``, leaving out the bot's own of
        that month, which a new one is to replace."""

    async def own_for(self, meter_id: int, zone: Zone, month: date) -> Reading | None:
        """The reading of the zone for the month sent through the bot, if one was sent."""

    async def of_months(self, meters: Sequence[Meter], first: date, last: date) -> list[Reading]:
        """Each meter's readings of the billing months ``first`` to ``last`` and, zone by
        zone, the last of a month before them (what the first one counts from); oldest
        first."""

    async def taken_in(
        self, meters: Sequence[Meter], since: datetime, until: datetime
    ) -> list[Reading]:
        """The meters' readings taken from ``since`` until before ``until``; oldest first."""

    async def taken_between(
        self, meter_id: int, since: datetime, until: datetime
    ) -> Sequence[datetime]:
        """When the meter's readings were taken, from ``since`` up to ``until``."""

    async def history(self, meter_id: int, zone: Zone, since: datetime) -> Sequence[Reading]: ...

    async def read_for(self, meter_id: int, month: date) -> bool:
        """Whether the meter has a reading for the month, from any source: the resident's
        own, or the billing system's (an inspector, a smart meter, another channel)."""

    async def get(self, reading_id: int) -> Reading | None: ...

    async def record(self, reading: Reading) -> None:
        """Records a reading sent through the bot (a resident's or a device's) for its month,
        replacing the one sent before for the same meter, zone and month (decided by the
        database, in one statement)."""


class MeterRepository(Protocol):
    async def get(self, meter_id: int) -> Meter | None: ...

    async def of_account(self, account_id: int) -> Sequence[Meter]: ...


class ContractRepository(Protocol):
    async def of_account(self, account_id: int) -> Sequence[tuple[Contract, Supplier]]: ...

    async def get(self, contract_id: int) -> tuple[Contract, Supplier] | None: ...

    async def tariffs(self, contract_id: int) -> Sequence[Tariff]: ...


class FaqRepository(Protocol):
    async def entries(self, locale: str) -> Sequence[FaqEntry]: ...

    async def entry(self, entry_id: int) -> FaqEntry | None: ...


class AppealRepository(Protocol):
    async def add(self, appeal: Appeal) -> None: ...

    async def save(self, appeal: Appeal) -> None: ...

    async def get(self, appeal_id: int) -> Appeal | None: ...

    async def claim_post(self, appeal_id: int, now: datetime, expired: datetime) -> bool:
        """Claims the unposted appeal for posting, in one statement, unless another claim
        made after ``expired`` holds it; False when it is posted or claimed."""

    async def release_post(self, appeal_id: int) -> None: ...

    async def settle(self, appeal: Appeal) -> bool:
        """Records the answer or the closing only if the appeal is still open, in one
        statement; False when someone settled it first."""

    async def of_account(self, account_id: int) -> Sequence[Appeal]:
        """Newest first."""

    async def of_profile(self, profile_id: int) -> Sequence[Appeal]:
        """Newest first."""

    async def open(self) -> Sequence[Appeal]:
        """Unanswered and not closed, oldest first."""

    async def unposted(self) -> Sequence[Appeal]:
        """Not yet in the staff group, oldest first."""

    async def by_staff_message(self, chat_id: int, message_id: int) -> Appeal | None:
        """The appeal whose post, or whose answer prompt, is that message."""


@dataclass(frozen=True, slots=True)
class Recipient:
    """What a sender needs to know of a chat: its language, whether it takes messages, and
    the kinds its resident turned off."""

    locale: str | None = None
    unreachable: bool = False
    muted: frozenset[NotificationKind] = frozenset()


class NotificationRepository(Protocol):
    """The queue of notifications. A notification is queued for a chat once per key; the
    ``queue_*`` selections each run as one statement in the database, whatever the number of
    residents, appending the subject's id to ``key_prefix``."""

    async def broadcast(self, kind: NotificationKind, key: str, now: datetime) -> int:
        """The id of the run named ``key``, created the first time it is asked for."""

    async def queue(self, notifications: Sequence[Notification], now: datetime) -> int:
        """Queues those not queued before; how many were new."""

    async def queue_reading_window(
        self,
        broadcast_id: int,
        key_prefix: str,
        month: date,
        today: date,
        deadline: date,
        now: datetime,
    ) -> int:
        """Every bound Telegram user, per linked account that has meters in verification
        with no reading, from any source, for ``month``; ``args``: account_id, number,
        address, meters (how many), deadline."""

    async def queue_meter_expiring(
        self,
        broadcast_id: int,
        key_prefix: str,
        verified_until: date,
        days_left: int,
        now: datetime,
    ) -> int:
        """Every bound Telegram user, per meter of a linked account whose verification runs
        out on ``verified_until``; ``args``: account_id, number, meter, until, days."""

    async def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[Notification]:
        """Takes up to ``limit`` due notifications (queued, or claimed by a sender whose lease
        ran out) for this sender until ``lease_until``, oldest first, skipping those another
        sender holds."""

    async def recipients(self, chat_ids: Sequence[int]) -> dict[int, Recipient]:
        """Those of the chats the bot knows as Telegram users."""

    async def finish(
        self,
        outcomes: Sequence[tuple[int, NotificationStatus, str | None]],
        now: datetime,
    ) -> None:
        """Records (id, final status, error) of notifications a sender took."""

    async def retry(self, notification_id: int, due_at: datetime, error: str | None) -> None:
        """Puts a taken notification back in the queue until ``due_at``."""

    async def unreachable(self, chat_id: int, now: datetime) -> None:
        """The chat refuses messages: its user is marked and what is queued for it blocked."""

    async def broadcasts(self, limit: int) -> Sequence[Broadcast]:
        """The latest runs, newest first, with their notifications counted by status."""

    async def muted(self, profile_id: int) -> frozenset[NotificationKind]: ...

    async def mute(self, profile_id: int, kind: NotificationKind, muted: bool) -> None: ...


class AppealNotifier(Protocol):
    """Tells people of an appeal's life: the staff of a new one, the resident of its answer."""

    async def filed(self, uow: UnitOfWork, appeal: Appeal) -> bool:
        """Posts the appeal to staff and records the post; False when it could not be posted
        now (it stays unposted for the retry job)."""

    async def prompt_answer(self, appeal: Appeal) -> int | None:
        """Asks staff for the answer as a reply; the id of the prompt, if it was sent."""

    async def settled(self, uow: UnitOfWork, appeal: Appeal) -> None:
        """The appeal was answered or closed: the resident hears of it, the post shows it."""


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One line of a 54-FZ receipt: what is paid for, and how much."""

    description: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """What the payment provider is asked to charge."""

    payment_id: int
    amount: Decimal
    description: str
    receipt_contact: str
    lines: Sequence[ReceiptLine]
    idempotence_key: str
    return_url: str


@dataclass(frozen=True, slots=True)
class ProviderPayment:
    """A payment as the provider reports it. ``status``: pending, waiting_for_capture,
    succeeded or canceled."""

    id: str
    status: str
    amount: Decimal
    payment_id: int | None  # ours, from the metadata it was created with
    confirmation_url: str | None = None
    cancel_reason: str | None = None


class PaymentGateway(Protocol):
    """The payment provider's API. Every failure to reach it or to be understood raises
    :class:`domain.errors.PaymentServiceDown`."""

    async def create(self, order: PaymentOrder) -> ProviderPayment:
        """Creates the payment; the same ``idempotence_key`` returns the same payment."""

    async def fetch(self, provider_payment_id: str) -> ProviderPayment:
        """Raises :class:`domain.errors.PaymentUnknown` for an id the provider does not
        know."""

    async def capture(
        self, provider_payment_id: str, amount: Decimal, idempotence_key: str
    ) -> ProviderPayment:
        """Takes the money a payment holds (``waiting_for_capture``); the same key, asked
        again, takes nothing more."""

    async def cancel(self, provider_payment_id: str, idempotence_key: str) -> ProviderPayment:
        """Lets the money a payment holds go back to the payer."""


class PaymentNotifier(Protocol):
    # The group told of money taken that needs a person: a payment on a replaced form, one
    # that pays a bill twice, one that names no payment of ours.
    staff_chat_id: int | None

    async def settled(self, uow: UnitOfWork, payment: Payment) -> None:
        """Tells the payer the outcome of their payment."""


class SessionNotifier(Protocol):
    async def sessions_ended(self, uow: UnitOfWork, telegram_ids: Sequence[int]) -> None:
        """Tells each Telegram user, once, that they were logged out elsewhere."""


class DeviceRepository(Protocol):
    async def add(self, device: Device, token_hash: str) -> None: ...

    async def of_account(self, account_id: int) -> Sequence[Device]:
        """The account's devices that are not revoked and whose profile still has the
        account linked, oldest first."""

    async def by_token(self, token_hash: str) -> Device | None:
        """The device the token was issued to, unless it was revoked or its profile no
        longer has the account linked."""

    async def used(self, device_id: int, now: datetime) -> None: ...

    async def revoke(self, device_id: int, now: datetime) -> bool:
        """False when it was revoked already."""

    async def revoke_of(self, profile_id: int, account_id: int | None, now: datetime) -> None:
        """Revokes the profile's devices of the account (of every account: None)."""


class UnitOfWork(Protocol):
    """One transaction over the repositories. Nothing is kept until ``commit``."""

    telegram_users: TelegramUserRepository
    profiles: ProfileRepository
    marketing: MarketingEmailRepository
    codes: EmailCodeRepository
    attempts: AttemptRepository
    accounts: AccountRepository
    links: AccountLinkRepository
    meters: MeterRepository
    contracts: ContractRepository
    bills: BillRepository
    suppliers: SupplierRepository
    payments: PaymentRepository
    readings: ReadingRepository
    faq: FaqRepository
    appeals: AppealRepository
    notifications: NotificationRepository
    devices: DeviceRepository

    async def commit(self) -> None: ...

    async def personal_data(self, profile_id: int) -> dict[str, Any]:
        """Everything kept about the profile, as plain values (docs/privacy.md)."""

    async def rollback(self) -> None: ...


class Store(Protocol):
    """Where units of work come from, for work done outside an update (scheduled jobs)."""

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]: ...

    def fleet_lock(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Whether this process holds the lock ``name``, which one process holds at a time."""


@dataclass(frozen=True, slots=True)
class Letter:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    """Sends a letter or raises :class:`MailNotSent`."""

    async def send(self, letter: Letter) -> None: ...


class MailNotSent(Exception):
    """The mail server could not be reached or refused the letter."""


class Clock(Protocol):
    def now(self) -> datetime:
        """Now, aware, in UTC."""

    def today(self) -> date:
        """Today in the utility's time zone."""

    def local(self, moment: datetime) -> datetime:
        """A stored (UTC) moment in the utility's time zone, to show it."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...
