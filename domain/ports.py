"""What the domain needs from the outside world. Storage and the bot's adapters implement
these protocols; the domain and its tests see nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from domain.model import (
    Account,
    Bill,
    FaqEntry,
    MailingCompany,
    MarketingEmail,
    Profile,
    Reading,
    TelegramUser,
)

if TYPE_CHECKING:
    from domain.identity import CodePurpose, EmailCode, LoginFailure


class TelegramUserRepository(Protocol):
    async def get(self, telegram_id: int) -> TelegramUser | None: ...

    async def save(self, user: TelegramUser) -> None: ...


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
    async def add(self, code: EmailCode) -> None: ...

    async def save(self, code: EmailCode) -> None: ...

    async def get(self, code_id: int) -> EmailCode | None: ...

    async def current(self, purpose: CodePurpose, email: str) -> EmailCode | None:
        """The newest code for the address that is neither used nor voided."""

    async def last_sent(self, purpose: CodePurpose, email: str) -> EmailCode | None: ...

    async def by_token(self, token_hash: str) -> EmailCode | None: ...

    async def void_all(self, purpose: CodePurpose, email: str) -> None: ...


class LoginFailureRepository(Protocol):
    async def since(
        self, since: datetime, email: str, telegram_id: int
    ) -> Sequence[LoginFailure]: ...

    async def add(self, failure: LoginFailure) -> None: ...

    async def clear(self, email: str, telegram_id: int) -> None: ...


class AccountLinkRepository(Protocol):
    async def accounts_of(self, profile_id: int) -> Sequence[Account]: ...


class AccountRepository(Protocol):
    async def by_number(self, number: str) -> Account | None: ...

    async def all(self) -> Sequence[Account]: ...


class BillRepository(Protocol):
    async def latest(self, account_id: int) -> Bill | None: ...


@dataclass(frozen=True, slots=True)
class SubmittedReading:
    """A reading as the billing system takes it back: with the account and meter numbers."""

    account_number: str
    meter_number: str
    reading: Reading


class ReadingRepository(Protocol):
    async def submitted_since(self, since: datetime) -> Sequence[SubmittedReading]: ...


class FaqRepository(Protocol):
    async def entries(self, locale: str) -> Sequence[FaqEntry]: ...

    async def entry(self, entry_id: int) -> FaqEntry | None: ...


class UnitOfWork(Protocol):
    """One transaction over the repositories. Nothing is kept until ``commit``."""

    telegram_users: TelegramUserRepository
    profiles: ProfileRepository
    marketing: MarketingEmailRepository
    codes: EmailCodeRepository
    login_failures: LoginFailureRepository
    accounts: AccountRepository
    links: AccountLinkRepository
    bills: BillRepository
    readings: ReadingRepository
    faq: FaqRepository

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


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


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...
