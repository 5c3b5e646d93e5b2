"""Entities and value objects, named as the user guide names them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any


class AccountKind(StrEnum):
    """ЕПД (a single bill with the housing agents) or Электроэнергия (electricity only)."""

    EPD = "epd"
    ELECTRICITY = "electricity"


class MeterService(StrEnum):
    ELECTRICITY = "electricity"
    HOT_WATER = "hot_water"
    COLD_WATER = "cold_water"
    HEATING = "heating"
    GAS = "gas"


class Zone(StrEnum):
    """A tariff zone of a meter: one for a single-rate meter, day and night for two-rate."""

    SINGLE = "single"
    DAY = "day"
    NIGHT = "night"


class ReadingSource(StrEnum):
    """Who took a reading. The bot's own are the resident's (typed in the chat) and a device's
    (sent through the device API); the rest come with the billing import."""

    RESIDENT = "resident"
    DEVICE = "device"
    WEB = "web"  # the web cabinet
    INSPECTOR = "inspector"
    AVERAGE = "average"  # billing's estimate from the usual consumption
    NORM = "norm"  # billing's estimate from the consumption norm
    BILLING = "billing"  # the billing system's, of no named source

    @property
    def ours(self) -> bool:
        """Sent through the bot: one per meter, zone and month, which a newer replaces."""
        return self in OWN_SOURCES


OWN_SOURCES = (ReadingSource.RESIDENT, ReadingSource.DEVICE)


class ReadingStatus(StrEnum):
    """Where a reading sent through the bot is: sent, then received by billing (the import
    carries it back), then used in a bill or replaced by the utility's own value."""

    SENT = "sent"
    RECEIVED = "received"
    USED = "used"
    REPLACED = "replaced"


class Relation(StrEnum):
    """How a resident stands to an account they link."""

    OWNER = "owner"
    CO_OWNER = "co_owner"
    TENANT = "tenant"
    FAMILY = "family"
    REPRESENTATIVE = "representative"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class MailingCompany(StrEnum):
    """The companies whose advertising mailings a resident may subscribe an address to."""

    TOMSKRTS = "tomskrts"
    TOMSKENERGOSBYT = "tomskenergosbyt"


class PaymentStatus(StrEnum):
    """A payment is created pending; succeeded, canceled and expired are its only moves."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"
    EXPIRED = "expired"


class PaymentMethod(StrEnum):
    BILLING = "billing"  # paid elsewhere (a bank, the post office): known from the import
    TELEGRAM = "telegram"  # a Telegram invoice, through the payments provider
    YOOKASSA = "yookassa"  # YooKassa's payment page


class CodePurpose(StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    CHANGE_EMAIL = "change_email"
    RECOVER_PASSWORD = "recover_password"


class AppealKind(StrEnum):
    APPEAL = "appeal"
    QUESTION = "question"


class AppealStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class CloseReason(StrEnum):
    """Why staff closed an appeal without an answer, as the resident is told."""

    DUPLICATE = "duplicate"  # the same as another appeal of theirs, answered there
    RESOLVED = "resolved"  # settled by phone or on the spot
    NOT_OURS = "not-ours"  # for another organisation
    UNCLEAR = "unclear"  # nothing to act on


@dataclass(slots=True, kw_only=True)
class Supplier:
    """A resource supplier or housing agent, with the bank details printed on its bills."""

    id: int | None = None
    code: str
    name: str
    inn: str
    bank_name: str
    bic: str
    settlement_account: str
    correspondent_account: str


@dataclass(slots=True, kw_only=True)
class Account:
    """A personal account (лицевой счёт)."""

    id: int | None = None
    number: str
    kind: AccountKind
    address: str
    owner_name: str
    total_area: Decimal
    living_area: Decimal
    registered_persons: int
    link_code: str


@dataclass(slots=True, kw_only=True)
class Contract:
    """A supplier's service on an account, with its own account number at the supplier."""

    id: int | None = None
    account_id: int
    supplier_id: int
    service: str
    supplier_account_number: str
    tariff_name: str
    tariff_value: Decimal
    tariff_unit: str


@dataclass(slots=True, kw_only=True)
class Tariff:
    id: int | None = None
    contract_id: int
    starts_on: date
    value: Decimal
    period: str
    rates: list[Rate] = field(default_factory=list)

    def price(self, zone: Zone) -> list[Rate]:
        """The zone's consumption bands, lowest first: the zone's own rates, else the
        tariff's rates for every zone, else its one value."""
        own = [rate for rate in self.rates if rate.zone is zone]
        common = [rate for rate in self.rates if rate.zone is None]
        return sorted(own or common or [Rate(value=self.value)], key=lambda rate: rate.above)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """A price of a tariff: for one zone (None: any), for consumption a month above ``above``
    (the social norm's band starts at 0, the one above it at the norm)."""

    zone: Zone | None = None
    above: Decimal = Decimal(0)
    value: Decimal


def zones_of(zone_count: int) -> tuple[Zone, ...]:
    """The tariff zones of a meter: day and night for a two-rate one, else a single one."""
    return (Zone.DAY, Zone.NIGHT) if zone_count == 2 else (Zone.SINGLE,)


def on_dial(value: Decimal, digits_after: int) -> Decimal:
    """A value as the meter shows it: with exactly its digits after the point (74.000)."""
    return value.quantize(Decimal(1).scaleb(-digits_after))


@dataclass(slots=True, kw_only=True)
class Meter:
    """A meter (прибор учёта). Digits 6.3 mean six before the point and three after."""

    id: int | None = None
    account_id: int
    contract_id: int | None
    number: str
    service: MeterService
    unit: str
    digits_before: int
    digits_after: int
    zone_count: int
    verified_until: date

    @property
    def zones(self) -> tuple[Zone, ...]:
        return zones_of(self.zone_count)

    def on_dial(self, value: Decimal) -> Decimal:
        return on_dial(value, self.digits_after)

    def verification_expired(self, today: date) -> bool:
        return self.verified_until < today


@dataclass(slots=True, kw_only=True)
class Reading:
    id: int | None = None
    meter_id: int
    zone: Zone
    value: Decimal
    taken_at: datetime
    billing_month: date
    source: ReadingSource
    status: ReadingStatus = ReadingStatus.SENT
    used_in: date | None = None  # the month of the bill that used it
    reason: str | None = None  # why billing replaced it, as the import gives it
    photo: str | None = None  # Telegram's file id of the meter's photo


@dataclass(slots=True, kw_only=True)
class Device:
    """A smart reader (Waterius, a Home Assistant script) that sends an account's readings
    with a token; the token is shown once and kept only as its hash."""

    id: int | None = None
    account_id: int
    profile_id: int  # who created it
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(slots=True, kw_only=True)
class BillServiceLine:
    """One service of one supplier in a monthly bill (the guide's Fig. 26)."""

    service: str
    unit: str
    quantity: Decimal
    tariff: Decimal
    price_per_unit: Decimal
    debt_start: Decimal
    paid: Decimal
    charged: Decimal
    social_support: Decimal
    corrections: Decimal
    debt_end: Decimal


@dataclass(slots=True, kw_only=True)
class BillSupplierLine:
    """One supplier's block of a monthly bill (the guide's Fig. 25)."""

    supplier_id: int
    debt_start: Decimal
    paid: Decimal
    charged: Decimal
    social_support: Decimal
    corrections: Decimal
    to_pay: Decimal
    penalties: Decimal
    services: list[BillServiceLine] = field(default_factory=list)

    @property
    def debt_end(self) -> Decimal:
        """What the services owe at the end; the penalties are a debt of their own, which
        the total to pay adds."""
        return self.to_pay - self.penalties


@dataclass(slots=True, kw_only=True)
class Bill:
    """A payment document (платёжный документ) of an account for a month."""

    id: int | None = None
    account_id: int
    period: date
    suppliers: list[BillSupplierLine] = field(default_factory=list)

    @property
    def totals(self) -> list[Decimal]:
        """The "ИТОГО/ВСЕГО К ОПЛАТЕ" amounts printed on the bill: one per supplier block, and
        the grand total where the bill has several blocks."""
        per_supplier = [line.to_pay for line in self.suppliers]
        if len(per_supplier) > 1:
            per_supplier.append(sum(per_supplier, Decimal("0.00")))
        return per_supplier

    @property
    def total(self) -> Decimal:
        return sum((line.to_pay for line in self.suppliers), Decimal("0.00"))

    @property
    def issued_on(self) -> date:
        return issued_on(self.period)

    @property
    def pay_by(self) -> date:
        return pay_by(self.period)


def issued_on(period: date) -> date:
    """A month's bill is issued on the first of the next month, once its readings are in."""
    return (period.replace(day=28) + timedelta(days=4)).replace(day=1)


def pay_by(period: date) -> date:
    """Housing services are paid by the 10th of the month after the one billed (Housing Code,
    art. 155)."""
    return issued_on(period).replace(day=10)


def news_from(today: date) -> date:
    """The first period whose bill is still news on ``today``: one is, until its pay-by date."""
    this_month = today.replace(day=1)
    if today <= pay_by((this_month - timedelta(days=1)).replace(day=1)):
        return (this_month - timedelta(days=1)).replace(day=1)
    return this_month


@dataclass(slots=True, kw_only=True)
class PaymentItem:
    """What one payment pays of one contract."""

    contract_id: int
    amount: Decimal


@dataclass(slots=True, kw_only=True)
class Payment:
    """A payment of an account's services. Amounts are exact; the items add up to ``amount``.
    A payment made through the bot is ``in_billing`` once a billing import carries it."""

    id: int | None = None
    account_id: int
    profile_id: int | None = None
    telegram_id: int | None = None  # who is told of its outcome
    method: PaymentMethod
    status: PaymentStatus = PaymentStatus.PENDING
    amount: Decimal
    items: list[PaymentItem] = field(default_factory=list)
    receipt_contact: str | None = None
    provider_payment_id: str | None = None
    idempotence_key: str | None = None
    confirmation_url: str | None = None
    cancel_reason: str | None = None
    created_at: datetime
    expires_at: datetime | None = None
    paid_at: datetime | None = None
    in_billing: bool = False
    checks: int = 0  # how often the provider was asked about it
    next_check_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        """Past the time it may be paid in (whatever its status says yet)."""
        return self.expires_at is not None and now >= self.expires_at


@dataclass(slots=True, kw_only=True)
class Profile:
    id: int | None = None
    email: str
    email_confirmed: bool = False
    password_hash: str
    phone: str | None = None
    surname: str
    name: str
    patronymic: str | None = None
    birth_date: date | None = None
    gender: Gender | None = None
    consent_version: str | None = None
    consent_at: datetime | None = None
    created_at: datetime
    last_login_at: datetime | None = None


@dataclass(slots=True, kw_only=True)
class MarketingEmail:
    id: int | None = None
    profile_id: int
    email: str
    company: MailingCompany


@dataclass(slots=True, kw_only=True)
class AccountLink:
    id: int | None = None
    profile_id: int
    account_id: int
    relation: Relation
    linked_at: datetime


@dataclass(slots=True, kw_only=True)
class TelegramUser:
    """A Telegram user as the bot knows them: bound to at most one profile at a time, with
    the language they chose (``None``: follow Telegram's language)."""

    telegram_id: int
    profile_id: int | None = None
    locale: str | None = None
    last_account_id: int | None = None
    # Since when Telegram refuses messages to them (they blocked the bot); cleared when they
    # write again.
    unreachable_at: datetime | None = None


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or a document sent with an appeal, kept as Telegram's file id."""

    kind: AttachmentKind
    file_id: str

    @property
    def ref(self) -> str:
        """How it is stored: ``photo:<file id>``."""
        return f"{self.kind}:{self.file_id}"

    @classmethod
    def from_ref(cls, ref: str) -> Attachment:
        kind, _, file_id = ref.partition(":")
        return cls(AttachmentKind(kind), file_id)


@dataclass(slots=True, kw_only=True)
class Appeal:
    id: int | None = None
    kind: AppealKind
    profile_id: int | None
    account_id: int
    supplier_id: int
    text: str
    attachments: list[Attachment] = field(default_factory=list)
    created_at: datetime
    status: AppealStatus = AppealStatus.OPEN
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    close_reason: CloseReason | None = None
    staff_chat_id: int | None = None
    staff_message_id: int | None = None  # the post in the staff group
    staff_prompt_id: int | None = None  # the bot's "reply here with the answer" message
    forgotten_at: datetime | None = None  # its author deleted the profile: its words are gone

    @property
    def closed_for(self) -> str:
        """Why it was closed, as texts select on it: "none" where no reason was given."""
        return self.close_reason.value if self.close_reason else "none"


@dataclass(slots=True, kw_only=True)
class FaqEntry:
    id: int | None = None
    locale: str
    position: int
    question: str
    answer: str


@dataclass(slots=True, kw_only=True)
class EmailCode:
    """A code sent by e-mail, kept as keyed digests of the code and of its link's token."""

    id: int | None = None
    purpose: CodePurpose
    email: str
    profile_id: int | None
    code_hash: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    used_at: datetime | None = None
    voided: bool = False

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and not self.voided and now < self.expires_at


@dataclass(frozen=True, slots=True)
class Utility:
    """What the conversations and the rules need to know of the retailer, from settings."""

    reading_window: tuple[int, int]  # the days of the month readings are taken
    contact_phone: str
    user_agreement_url: str
    default_locale: str
    retailer_code: str  # the retailer among billing's suppliers
    device_api_url: str | None = None  # where smart readers send readings, told with a token


class NotificationKind(StrEnum):
    """What the bot tells people on its own initiative."""

    READING_WINDOW = "reading-window"
    METER_EXPIRING = "meter-expiring"
    NEW_BILL = "new-bill"
    PAYMENT_RESULT = "payment-result"
    APPEAL_ANSWERED = "appeal-answered"
    READING_REPLACED = "reading-replaced"
    APPEALS_DIGEST = "appeals-digest"  # to the staff group
    PAYMENT_ALERT = "payment-alert"  # to the staff group: money taken that needs a person


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender until its lease runs out
    SENT = "sent"
    BLOCKED = "blocked"  # the recipient blocked the bot
    MUTED = "muted"  # the resident turned the kind off
    FAILED = "failed"


@dataclass(slots=True, kw_only=True)
class Notification:
    """A message to one chat, kept before it is sent. ``key`` names what it is about (a
    month's reading window for an account, a payment): the same key is queued for a chat once,
    however often whatever queues it runs."""

    chat_id: int
    kind: NotificationKind
    key: str
    args: dict[str, Any] = field(default_factory=dict)
    broadcast_id: int | None = None
    id: int | None = None
    status: NotificationStatus = NotificationStatus.QUEUED
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One run of a scheduled notification (a month's reading reminder) and how it went."""

    id: int
    kind: NotificationKind
    key: str
    started_at: datetime
    counts: dict[NotificationStatus, int]
