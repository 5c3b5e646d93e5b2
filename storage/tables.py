"""The schema. Column names match the fields of the domain entities, so that a row becomes
an entity with ``Entity(**row._mapping)``."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)

from domain.model import OWN_SOURCES, NotificationStatus
from storage.types import FixedDecimal, Money, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

READING_SCALE = 6  # enough for any meter's digits after the point
QUANTITY_SCALE = 6
# The predicate of the partial index of the bot's own readings, also written where an upsert
# names that index: PostgreSQL matches the two by their text.
# Notices a sender is still to send: queued, or claimed and not yet sent. Written as the
# partial index's condition, and so in the query that the index serves.
PENDING_NOTICE = f"status IN ('{NotificationStatus.QUEUED}', '{NotificationStatus.SENDING}')"
UNPOSTED_APPEAL = "staff_message_id IS NULL"
OWN_READING = "source IN ({})".format(", ".join(f"'{source}'" for source in OWN_SOURCES))


def _id() -> Column:
    return Column("id", Integer, primary_key=True, autoincrement=True)


suppliers = Table(
    "suppliers",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("inn", String(12), nullable=False),
    Column("bank_name", String(255), nullable=False),
    Column("bic", String(9), nullable=False),
    Column("settlement_account", String(20), nullable=False),
    Column("correspondent_account", String(20), nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    _id(),
    Column("number", String(32), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("address", String(500), nullable=False),
    Column("owner_name", String(255), nullable=False),
    Column("total_area", FixedDecimal(2), nullable=False),
    Column("living_area", FixedDecimal(2), nullable=False),
    Column("registered_persons", Integer, nullable=False),
    Column("link_code", String(32), nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    _id(),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("service", String(255), nullable=False),
    Column("supplier_account_number", String(32), nullable=False),
    Column("tariff_name", String(500), nullable=False),
    Column("tariff_value", FixedDecimal(QUANTITY_SCALE), nullable=False),
    Column("tariff_unit", String(64), nullable=False),
    UniqueConstraint("account_id", "supplier_id", "service"),
)

tariffs = Table(
    "tariffs",
    metadata,
    _id(),
    Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("value", FixedDecimal(QUANTITY_SCALE), nullable=False),
    Column("period", String(64), nullable=False),
    UniqueConstraint("contract_id", "starts_on"),
)

tariff_rates = Table(
    # A tariff's prices by zone and consumption band (domain.model.Rate); a tariff without
    # rates costs its value for everything. An import gives a tariff's rates whole.
    "tariff_rates",
    metadata,
    _id(),
    Column("tariff_id", ForeignKey("tariffs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("zone", String(16)),
    Column("above", FixedDecimal(QUANTITY_SCALE), nullable=False),
    Column("value", FixedDecimal(QUANTITY_SCALE), nullable=False),
)

meters = Table(
    "meters",
    metadata,
    _id(),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("contract_id", ForeignKey("contracts.id", ondelete="SET NULL")),
    Column("number", String(64), nullable=False),
    Column("service", String(32), nullable=False),
    Column("unit", String(32), nullable=False),
    Column("digits_before", Integer, nullable=False),
    Column("digits_after", Integer, nullable=False),
    Column("zone_count", Integer, nullable=False),
    Column("verified_until", Date, nullable=False),
    UniqueConstraint("account_id", "number"),
)

readings = Table(
    "readings",
    metadata,
    _id(),
    Column("meter_id", ForeignKey("meters.id", ondelete="CASCADE"), nullable=False),
    Column("zone", String(16), nullable=False),
    Column("value", FixedDecimal(READING_SCALE), nullable=False),
    Column("taken_at", UtcDateTime, nullable=False, index=True),
    Column("billing_month", Date, nullable=False),
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("used_in", Date),
    Column("reason", String(256)),
    Column("photo", String(256)),
    UniqueConstraint("meter_id", "zone", "taken_at"),
    # Whether a meter has its month's reading (the reminder asks it of every meter).
    Index("ix_readings_meter_id_billing_month", "meter_id", "billing_month"),
    # One reading sent through the bot per meter, zone and month (the guide's one per
    # period), from the chat or a device: a later one replaces it, however many send at once.
    Index(
        "uq_readings_own_month",
        "meter_id",
        "zone",
        "billing_month",
        unique=True,
        sqlite_where=text(OWN_READING),
        postgresql_where=text(OWN_READING),
    ),
)

bills = Table(
    "bills",
    metadata,
    _id(),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("period", Date, nullable=False),
    # When billing's file brought it: news only to residents linked before then.
    Column("arrived_at", UtcDateTime, nullable=False),
    UniqueConstraint("account_id", "period"),
    # The bills an import brought, whose news it queues.
    Index("ix_bills_arrived_at_period", "arrived_at", "period"),
)

bill_suppliers = Table(
    "bill_suppliers",
    metadata,
    _id(),
    Column("bill_id", ForeignKey("bills.id", ondelete="CASCADE"), nullable=False),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("debt_start", Money(), nullable=False),
    Column("paid", Money(), nullable=False),
    Column("charged", Money(), nullable=False),
    Column("social_support", Money(), nullable=False),
    Column("corrections", Money(), nullable=False),
    Column("to_pay", Money(), nullable=False),
    Column("penalties", Money(), nullable=False),
    UniqueConstraint("bill_id", "supplier_id"),
)

bill_services = Table(
    "bill_services",
    metadata,
    _id(),
    Column("bill_supplier_id", ForeignKey("bill_suppliers.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("service", String(255), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("quantity", FixedDecimal(QUANTITY_SCALE), nullable=False),
    Column("tariff", FixedDecimal(QUANTITY_SCALE), nullable=False),
    Column("price_per_unit", Money(), nullable=False),
    Column("debt_start", Money(), nullable=False),
    Column("paid", Money(), nullable=False),
    Column("charged", Money(), nullable=False),
    Column("social_support", Money(), nullable=False),
    Column("corrections", Money(), nullable=False),
    Column("debt_end", Money(), nullable=False),
    UniqueConstraint("bill_supplier_id", "position"),
)

profiles = Table(
    "profiles",
    metadata,
    _id(),
    Column("email", String(254), nullable=False, unique=True),
    Column("email_confirmed", Boolean, nullable=False, default=False),
    Column("password_hash", String(255), nullable=False),
    Column("phone", String(16)),
    Column("surname", String(100), nullable=False),
    Column("name", String(100), nullable=False),
    Column("patronymic", String(100)),
    Column("birth_date", Date),
    Column("gender", String(8)),
    Column("consent_version", String(32)),
    Column("consent_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_login_at", UtcDateTime),
)

marketing_emails = Table(
    "marketing_emails",
    metadata,
    _id(),
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(254), nullable=False),
    Column("company", String(32), nullable=False),
    UniqueConstraint("profile_id", "email", "company"),
)

account_links = Table(
    "account_links",
    metadata,
    _id(),
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("relation", String(32), nullable=False),
    Column("linked_at", UtcDateTime, nullable=False),
    UniqueConstraint("profile_id", "account_id"),
    # Who is linked to an account: the news of its bill, of its readings.
    Index("ix_account_links_account_id", "account_id"),
)

telegram_users = Table(
    "telegram_users",
    metadata,
    Column("telegram_id", BigInteger, primary_key=True, autoincrement=False),
    Column("profile_id", ForeignKey("profiles.id", ondelete="SET NULL"), index=True),
    Column("locale", String(8)),
    Column("last_account_id", ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("unreachable_at", UtcDateTime),
)

payments = Table(
    "payments",
    metadata,
    _id(),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("profile_id", ForeignKey("profiles.id", ondelete="SET NULL")),
    Column("status", String(16), nullable=False),
    Column("amount", Money(), nullable=False),
    Column("receipt_contact", String(254)),
    Column("provider_payment_id", String(64), unique=True),
    Column("external_id", String(64), unique=True),  # the billing system's id
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("paid_at", UtcDateTime),
    Column("method", String(16), nullable=False, server_default="billing"),
    Column("telegram_id", BigInteger),
    # The key the provider is asked with: asking again never creates a second payment.
    Column("idempotence_key", String(64), unique=True),
    Column("confirmation_url", String(2048)),
    Column("cancel_reason", String(64)),
    Column("expires_at", UtcDateTime),
    Column("in_billing", Boolean, nullable=False, server_default=true()),
    Column("checks", Integer, nullable=False, server_default="0"),
    Column("next_check_at", UtcDateTime, index=True),
    Index("ix_payments_account_id_status", "account_id", "status"),
    # The receipt's address a profile gave last; and a deleted profile's payments, found
    # without a scan to be detached from it.
    Index("ix_payments_profile_id_created_at", "profile_id", "created_at"),
    # The export of what was paid since a date.
    Index("ix_payments_paid_at", "paid_at"),
)

payment_items = Table(
    "payment_items",
    metadata,
    _id(),
    Column("payment_id", ForeignKey("payments.id", ondelete="CASCADE"), nullable=False),
    Column("contract_id", ForeignKey("contracts.id"), nullable=False),
    Column("amount", Money(), nullable=False),
    UniqueConstraint("payment_id", "contract_id"),
)

appeals = Table(
    "appeals",
    metadata,
    _id(),
    Column("kind", String(16), nullable=False),
    Column("profile_id", ForeignKey("profiles.id", ondelete="SET NULL")),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("supplier_id", ForeignKey("suppliers.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("attachments", JSON, nullable=False, default=list),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("answer", Text),
    Column("answered_by", String(255)),
    Column("answered_at", UtcDateTime),
    Column("close_reason", String(16)),
    Column("staff_chat_id", BigInteger),
    Column("staff_message_id", BigInteger),
    Column("staff_prompt_id", BigInteger),
    # Set by the process that is posting the appeal to staff, so that no other posts it too.
    Column("post_claimed_at", UtcDateTime),
    Column("forgotten_at", UtcDateTime),  # its author's profile was deleted, and its words
    # An account's and a resident's appeals, the open ones for staff, and the ones not yet
    # posted to staff, which the poster asks for every minute.
    Index("ix_appeals_account_id_id", "account_id", "id"),
    Index("ix_appeals_profile_id_id", "profile_id", "id"),
    Index("ix_appeals_status", "status"),
    Index(
        "ix_appeals_unposted",
        "id",
        sqlite_where=text(UNPOSTED_APPEAL),
        postgresql_where=text(UNPOSTED_APPEAL),
    ),
)

faq_entries = Table(
    "faq_entries",
    metadata,
    _id(),
    Column("locale", String(8), nullable=False),
    Column("position", Integer, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    UniqueConstraint("locale", "position"),
)

email_codes = Table(
    "email_codes",
    metadata,
    _id(),
    Column("purpose", String(32), nullable=False),
    Column("email", String(254), nullable=False),
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE")),
    Column("code_hash", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("used_at", UtcDateTime),
    Column("voided", Boolean, nullable=False, default=False),
    Index("ix_email_codes_purpose_email", "purpose", "email"),
)

attempt_limits = Table(
    # Guesses under a limit (a login, a control question, a resend), one row per thing
    # guessed at: taken by a conditional update, so that concurrent guesses cannot pass it.
    "attempt_limits",
    metadata,
    Column("scope", String(32), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("used", Integer, nullable=False),
    Column("last_at", UtcDateTime, nullable=False),
)

processed_updates = Table(
    # Telegram delivers an update again when a webhook answered late or a process restarted:
    # the ids of the last day's updates make each of them processed once, across processes.
    "processed_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("received_at", UtcDateTime, nullable=False, index=True),  # when it was taken
    Column("done_at", UtcDateTime),  # when it was handled; until then, a claim with a lease
)

# A run of a scheduled notification (a month's reading reminder), for staff to follow.
broadcasts = Table(
    "broadcasts",
    metadata,
    _id(),
    Column("kind", String(32), nullable=False),
    Column("key", String(128), nullable=False, unique=True),
    Column("started_at", UtcDateTime, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    _id(),
    Column("chat_id", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("key", String(128), nullable=False),
    Column("args", JSON, nullable=False),
    Column("broadcast_id", ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # When a queued one may be sent; for one a sender took, when its lease runs out.
    Column("due_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("error", String(256)),
    UniqueConstraint("chat_id", "key"),
    # The senders' claim: the next pending ones in order, read from the index without
    # sorting the queue (an index on status and due_at sorted every pending row).
    Index(
        "ix_notifications_pending_due_at",
        "due_at",
        "id",
        sqlite_where=text(PENDING_NOTICE),
        postgresql_where=text(PENDING_NOTICE),
    ),
)

# The kinds a resident turned off; a row per kind off.
notification_optouts = Table(
    "notification_optouts",
    metadata,
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(32), primary_key=True),
)

devices = Table(
    "devices",
    metadata,
    _id(),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("profile_id", ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
)
