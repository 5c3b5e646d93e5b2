"""Settings from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    Field,
    IPvAnyNetwork,
    RedisDsn,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from domain.model import PaymentMethod, Utility
from domain.payments import PaymentTerms
from storage.retention import Retention

DEVICE_API_PATH = "/api/v1/readings"


class Settings(BaseSettings):
    # A setting left blank (SMTP_USER= in an env file) is not set: an empty login or chat id
    # is never what an operator means.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    bot_token: SecretStr | None = None
    telegram_api_url: AnyHttpUrl | None = None
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # Updates Telegram sends a process at once (its default); the database pool takes half as
    # many connections and opens as many again for a burst, one per update at most.
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    # How long a process's claim on an update, and its lock on the resident, hold: longer than
    # an update takes and than Telegram waits for an answer (60 s). The update of a process
    # that died is taken again after it.
    update_lease_seconds: float = Field(default=90, ge=1, le=3600)
    database_url: str = "sqlite+aiosqlite:///data/bot.sqlite3"
    database_pool_size: int | None = Field(default=None, ge=1, le=100)
    redis_url: RedisDsn | None = None
    secret_key: SecretStr | None = Field(default=None, validate_default=True)

    smtp_host: str | None = Field(default=None, validate_default=True)
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "ssl"] = "starttls"
    mail_from: str = Field(default="Томскэнергосбыт <noreply@tomskenergosbyt.ru>", min_length=3)
    outbox_dir: Path = Path("data/outbox")

    staff_chat_id: int | None = None
    # The device API's public address, told to residents with a device's token; by default
    # the webhook's origin with the API's path.
    device_api_url: AnyHttpUrl | None = None

    yookassa_shop_id: str | None = None
    yookassa_secret_key: SecretStr | None = None
    yookassa_api_url: AnyHttpUrl | None = None
    yookassa_timeout: float = Field(default=15.0, gt=0, le=120)
    payments_provider_token: SecretStr | None = None
    payments_max_amount: Decimal = Field(default=Decimal("500000.00"), gt=0, decimal_places=2)
    payments_sms_receipts: bool = False
    payments_lifetime_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)
    payments_vat_code: int = Field(default=1, ge=1, le=12)
    # The reverse proxies whose X-Forwarded-For names the client of a request (YooKassa's
    # notifications are let in from YooKassa's own networks only). Written as operators write
    # them: "10.0.0.0/8, 192.168.1.10".
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=lambda: [IPv4Network("127.0.0.1/32"), IPv6Network("::1/128")]  # type: ignore[arg-type]
    )

    # Notifications: Telegram takes about 30 messages a second from a bot in all.
    notify_rate: float = Field(default=25, gt=0, le=30)
    reminder_days_before: int = Field(default=2, ge=0, le=27)
    reminder_hour: int = Field(default=10, ge=0, le=23)  # local time, as the jobs below
    appeals_digest_days: int = Field(default=3, ge=1, le=60)
    appeals_digest_hour: int = Field(default=9, ge=0, le=23)

    # Retention (docs/privacy.md), in days. A notification is kept past the longest period
    # a job selects on (a month), or the job would queue it again.
    keep_notifications_days: int = Field(default=90, ge=45, le=3650)
    keep_codes_days: int = Field(default=30, ge=2, le=365)  # past a day's attempt limits
    keep_devices_days: int = Field(default=365, ge=1, le=3650)  # a revoked device
    keep_outbox_days: int = Field(default=7, ge=1, le=365)  # letters kept as files
    keep_sessions_days: int = Field(default=30, ge=1, le=365)  # an idle conversation in Redis

    timezone: str = "Asia/Tomsk"
    default_locale: Literal["ru", "en"] = "ru"
    readings_window: str = "15-25"
    contact_phone: str = "+7 (3822) 75-00-75"
    # The retailer's own code among billing's suppliers: residents may write to it about any
    # account, a single bill (ЕПД) of other suppliers' services too.
    retailer_code: str = Field(default="tes", min_length=1, max_length=32)
    user_agreement_url: AnyHttpUrl = AnyHttpUrl("https://lk.tomskenergosbyt.ru/agreement")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
            url.port  # noqa: B018 - a port that is no number is refused when it is read
        except (ArgumentError, ValueError):
            raise ValueError("not a database URL") from None
        if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
            raise ValueError("use sqlite+aiosqlite:// or postgresql+asyncpg://")
        # Without a name, a driver picks a default database (the user's), and the bot would
        # write its schema there.
        if not url.database:
            raise ValueError("name the database: …/bot.sqlite3 or postgresql+asyncpg://…/bot")
        if url.drivername == "postgresql+asyncpg" and "sslmode" in url.query:
            raise ValueError("asyncpg takes ?ssl=require, not libpq's sslmode")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # Without the secret anyone who finds the address can post updates as any user.
        if info.data.get("webhook_url") and value is None:
            raise ValueError("required when WEBHOOK_URL is set")
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()
        ):
            raise ValueError("16 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # Several processes behind one webhook must key e-mail codes alike.
        if info.data.get("webhook_url") and value is None:
            raise ValueError("required when WEBHOOK_URL is set")
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("at least 32 characters")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("smtp_host")
    @classmethod
    def _smtp_host(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Without a mail server, letters go to files in OUTBOX_DIR: the demo's way, never a
        # real bot's, whose residents would wait for a code that is on the server's disk.
        if info.data.get("bot_token") and not value:
            raise ValueError("required when BOT_TOKEN is set (codes must reach residents)")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("readings_window")
    @classmethod
    def _readings_window(cls, value: str) -> str:
        first, _, last = value.partition("-")
        if not (first.strip().isdigit() and last.strip().isdigit()) or not (
            1 <= int(first) <= int(last) <= 31
        ):
            raise ValueError("days of the month as FIRST-LAST, e.g. 15-25")
        return value

    @property
    def pool_size(self) -> int:
        return self.database_pool_size or max(1, self.webhook_max_connections // 2)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def reading_days(self) -> tuple[int, int]:
        first, last = self.readings_window.split("-")
        return int(first), int(last)

    def utility(self) -> Utility:
        return Utility(
            reading_window=self.reading_days,
            contact_phone=self.contact_phone,
            retailer_code=self.retailer_code,
            user_agreement_url=str(self.user_agreement_url),
            default_locale=self.default_locale,
            device_api_url=self.device_api_address,
        )

    @property
    def device_api_address(self) -> str | None:
        if self.device_api_url is not None:
            return str(self.device_api_url)
        if self.webhook_url is None:
            return None
        parts = urlsplit(str(self.webhook_url))
        return f"{parts.scheme}://{parts.netloc}{DEVICE_API_PATH}"

    @field_validator("yookassa_secret_key")
    @classmethod
    def _yookassa(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if bool(value) != bool(info.data.get("yookassa_shop_id")):
            raise ValueError("set with YOOKASSA_SHOP_ID, or neither")
        return value

    def payment_terms(self) -> PaymentTerms:
        return PaymentTerms(
            max_amount=self.payments_max_amount,
            sms_receipts=self.payments_sms_receipts,
            lifetime=timedelta(minutes=self.payments_lifetime_minutes),
            vat_code=self.payments_vat_code,
        )

    @property
    def payment_methods(self) -> tuple[PaymentMethod, ...]:
        """The ways to pay the settings switch on: a Telegram invoice, YooKassa's page."""
        methods = []
        if self.payments_provider_token:
            methods.append(PaymentMethod.TELEGRAM)
        if self.yookassa_shop_id:
            methods.append(PaymentMethod.YOOKASSA)
        return tuple(methods)

    def retention(self) -> Retention:
        return Retention(
            notifications=timedelta(days=self.keep_notifications_days),
            codes=timedelta(days=self.keep_codes_days),
            devices=timedelta(days=self.keep_devices_days),
        )

    def secrets(self) -> list[str]:
        """The values no log line may show."""
        values = [
            self.bot_token,
            self.webhook_secret,
            self.secret_key,
            self.smtp_password,
            self.yookassa_secret_key,
            self.payments_provider_token,
        ]
        return [v.get_secret_value() for v in values if v and v.get_secret_value()]


class SettingsError(Exception):
    """A setting has a bad value; the message is one line that names it."""


class StartError(Exception):
    """What keeps a command from starting (a database that cannot be opened, a port in use,
    a token Telegram refuses); the message is one line that names the setting to look at."""


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
