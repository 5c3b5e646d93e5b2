"""What the domain needs from the outside world. Storage and the bot's adapters implement
these protocols; the domain and its tests see nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from domain.model import Account, Bill, FaqEntry, Profile, Reading, TelegramUser


class TelegramUserRepository(Protocol):
    async def get(self, telegram_id: int) -> TelegramUser | None: ...

    async def save(self, user: TelegramUser) -> None: ...


class ProfileRepository(Protocol):
    async def get(self, profile_id: int) -> Profile | None: ...


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
    def now(self) -> datetime: ...

    def today(self) -> date: ...
