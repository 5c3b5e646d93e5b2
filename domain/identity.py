"""Registration, e-mail confirmation, login, password recovery and the profile (guide
sections 1-4)."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.attempts import locked_until
from domain.model import Gender, MailingCompany, MarketingEmail, Profile, TelegramUser
from domain.ports import Clock, Letter, Mailer, PasswordHasher, UnitOfWork

CODE_LIFETIME = timedelta(minutes=30)
RESEND_COOLDOWN = timedelta(seconds=60)
CODE_ATTEMPTS = 5
LOGIN_ATTEMPTS = 5
LOGIN_LOCK = timedelta(minutes=15)
AGREEMENT_VERSION = "2018-12-20"
MIN_AGE_YEARS = 14
MAX_AGE_YEARS = 120


class CodePurpose(StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    CHANGE_EMAIL = "change_email"
    RECOVER_PASSWORD = "recover_password"


# --- What a valid answer is ---------------------------------------------------------------


class InvalidInput(ValueError):
    """An answer the bot cannot take; ``reason`` names what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$"
)
_NAME = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' \-]*$")


def normalize_email(text: str) -> str:
    email = text.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput("email")
    return email.lower()


def normalize_phone(text: str) -> str:
    """+7XXXXXXXXXX from what people type: +7 913 825-00-75, 8 (913) 825 00 75, 9138250075."""
    digits = re.sub(r"[\s()\-]", "", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("7"):
            raise InvalidInput("phone")
    if not digits.isdigit():
        raise InvalidInput("phone")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "3489":
        raise InvalidInput("phone")
    return "+7" + digits


def check_password(password: str) -> str:
    """At least 8 characters with digits and upper- and lower-case Latin letters."""
    if len(password) < 8:
        raise InvalidInput("password-short")
    if len(password) > 128:
        raise InvalidInput("password-long")
    if not (
        re.search(r"\d", password)
        and re.search(r"[a-z]", password)
        and re.search(r"[A-Z]", password)
    ):
        raise InvalidInput("password-weak")
    return password


class PasswordsDiffer(Exception):
    pass


def new_password_hash(hasher: PasswordHasher, password: str) -> str:
    """A new password is checked against the policy and kept only as its hash from then on,
    also while the conversation waits for the repeat."""
    return hasher.hash(check_password(password))


def check_repeat(hasher: PasswordHasher, password_hash: str, repeat: str) -> None:
    if not hasher.verify(password_hash, repeat):
        raise PasswordsDiffer


def check_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > 100 or not _NAME.match(name):
        raise InvalidInput("name")
    return name


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # the 29th of February
        return day.replace(year=day.year - years, day=28)


def parse_birth_date(text: str, today: date) -> date:
    """DD.MM.YYYY, a real date, of someone between 14 and 120 years old."""
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text.strip())
    if not match:
        raise InvalidInput("date-format")
    day, month, year = (int(part) for part in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidInput("date-impossible") from None
    if born > _years_before(today, MIN_AGE_YEARS):
        raise InvalidInput("date-too-late")
    if born < _years_before(today, MAX_AGE_YEARS):
        raise InvalidInput("date-too-early")
    return born


# --- Errors a conversation explains ---------------------------------------------------------


class EmailTaken(Exception):
    """The address belongs to a profile; whose is not said."""


class ResendTooSoon(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class CodeNotFound(Exception):
    """No code is waiting: never sent, used, voided, or a link that is not ours."""


class CodeExpired(Exception):
    pass


class WrongCode(Exception):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


class CodeVoided(Exception):
    """Too many wrong codes: this one no longer works; a new one must be sent."""


class LoginLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class WrongCredentials(Exception):
    pass


class WrongPassword(Exception):
    pass


# --- Codes sent by e-mail -----------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class LoginFailure:
    email: str
    telegram_id: int
    at: datetime


@dataclass(slots=True, kw_only=True)
class EmailCode:
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


def digest(secret: str) -> str:
    """Codes and link tokens are kept only as digests: a leaked table confirms nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """What goes into the letter: the code to type and the token of the deep link."""

    code: str
    token: str
    lifetime_minutes: int


LetterWriter = Callable[[IssuedCode], Letter]


async def send_code(
    uow: UnitOfWork,
    mailer: Mailer,
    clock: Clock,
    *,
    purpose: CodePurpose,
    email: str,
    profile_id: int | None,
    write: LetterWriter,
) -> None:
    """Sends a new code, voiding the earlier ones for the same purpose and address. Raises
    :class:`ResendTooSoon` within the cool-down, and ``MailNotSent`` when the mail server
    fails: the code is kept unsent, and sending again is allowed at once."""
    now = clock.now()
    last = await uow.codes.last_sent(purpose, email)
    if last is not None and last.sent_at is not None and now < last.sent_at + RESEND_COOLDOWN:
        raise ResendTooSoon(math.ceil((last.sent_at + RESEND_COOLDOWN - now).total_seconds()))
    await uow.codes.void_all(purpose, email)
    code = f"{secrets.randbelow(1_000_000):06d}"
    token = secrets.token_urlsafe(24)
    issued = EmailCode(
        purpose=purpose,
        email=email,
        profile_id=profile_id,
        code_hash=digest(code),
        token_hash=digest(token),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    await uow.codes.add(issued)
    await uow.commit()
    await mailer.send(write(IssuedCode(code, token, int(CODE_LIFETIME.total_seconds() // 60))))
    issued.sent_at = now
    await uow.codes.save(issued)
    await uow.commit()


async def _check_code(
    uow: UnitOfWork, clock: Clock, purpose: CodePurpose, email: str, code: str
) -> EmailCode:
    now = clock.now()
    current = await uow.codes.current(purpose, email)
    if current is None:
        raise CodeNotFound
    if now >= current.expires_at:
        raise CodeExpired
    if digest(code.strip()) != current.code_hash:
        current.attempts += 1
        current.voided = current.attempts >= CODE_ATTEMPTS
        await uow.codes.save(current)
        await uow.commit()
        if current.voided:
            raise CodeVoided
        raise WrongCode(CODE_ATTEMPTS - current.attempts)
    return current


async def _by_token(uow: UnitOfWork, clock: Clock, token: str) -> EmailCode:
    found = await uow.codes.by_token(digest(token))
    if found is None or found.used_at is not None or found.voided:
        raise CodeNotFound
    if clock.now() >= found.expires_at:
        raise CodeExpired
    return found


async def _apply_email(uow: UnitOfWork, clock: Clock, used: EmailCode) -> Profile:
    assert used.profile_id is not None
    profile = await uow.profiles.get(used.profile_id)
    if profile is None:
        raise CodeNotFound
    if used.purpose is CodePurpose.CHANGE_EMAIL:
        if await uow.profiles.by_email(used.email) is not None:
            raise EmailTaken
        profile.email = used.email
    profile.email_confirmed = True
    used.used_at = clock.now()
    await uow.codes.save(used)
    await uow.profiles.save(profile)
    await uow.commit()
    return profile


async def confirm_email(
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    code: str,
    purpose: CodePurpose = CodePurpose.CONFIRM_EMAIL,
    email: str | None = None,
) -> Profile:
    """The code from the letter confirms the profile's address, or the new one it asked for."""
    used = await _check_code(uow, clock, purpose, email or profile.email, code)
    if used.profile_id != profile.id:
        raise CodeNotFound
    return await _apply_email(uow, clock, used)


async def open_link(uow: UnitOfWork, clock: Clock, token: str) -> EmailCode:
    """A deep link from a letter. Confirmation links take effect at once; a recovery link
    returns its code for the new password to be set."""
    used = await _by_token(uow, clock, token)
    if used.purpose is not CodePurpose.RECOVER_PASSWORD:
        await _apply_email(uow, clock, used)
    return used


# --- Registration ---------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class NewProfile:
    """What the registration collected. The password arrives hashed: the conversation keeps
    no password between messages."""

    phone: str | None
    email: str
    password_hash: str
    surname: str
    name: str
    patronymic: str | None
    birth_date: date | None
    gender: Gender | None


async def ensure_email_free(uow: UnitOfWork, email: str) -> None:
    if await uow.profiles.by_email(email) is not None:
        raise EmailTaken


async def register(uow: UnitOfWork, clock: Clock, user: TelegramUser, new: NewProfile) -> Profile:
    """Creates the profile with the consent to the user agreement and binds the Telegram
    user to it; the e-mail stays unconfirmed until its code is entered."""
    await ensure_email_free(uow, new.email)
    now = clock.now()
    profile = Profile(
        email=new.email,
        password_hash=new.password_hash,
        phone=new.phone,
        surname=new.surname,
        name=new.name,
        patronymic=new.patronymic,
        birth_date=new.birth_date,
        gender=new.gender,
        consent_version=AGREEMENT_VERSION,
        consent_at=now,
        created_at=now,
    )
    await uow.profiles.add(profile)
    user.profile_id = profile.id
    await uow.telegram_users.save(user)
    await uow.commit()
    return profile


# --- Login, logout, recovery ----------------------------------------------------------------


async def log_in(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    user: TelegramUser,
    email: str,
    password: str,
) -> Profile:
    """Binds the Telegram user to the profile until they log out (the guide's "remember
    me"). Five wrong passwords for an address, or from a Telegram user, lock further tries."""
    now = clock.now()
    recent = await uow.login_failures.since(now - 2 * LOGIN_LOCK, email, user.telegram_id)
    for failures in (
        [f.at for f in recent if f.email == email],
        [f.at for f in recent if f.telegram_id == user.telegram_id],
    ):
        until = locked_until(failures, LOGIN_ATTEMPTS, LOGIN_LOCK)
        if until is not None and now < until:
            raise LoginLocked(until)
    profile = await uow.profiles.by_email(email)
    if profile is None or not hasher.verify(profile.password_hash, password):
        await uow.login_failures.add(
            LoginFailure(email=email, telegram_id=user.telegram_id, at=now)
        )
        await uow.commit()
        raise WrongCredentials
    await uow.login_failures.clear(email, user.telegram_id)
    user.profile_id = profile.id
    await uow.telegram_users.save(user)
    await uow.commit()
    return profile


async def log_out(uow: UnitOfWork, user: TelegramUser) -> None:
    user.profile_id = None
    user.last_account_id = None
    await uow.telegram_users.save(user)
    await uow.commit()


async def request_recovery(
    uow: UnitOfWork, mailer: Mailer, clock: Clock, email: str, write: LetterWriter
) -> None:
    """Sends a recovery code when the address is registered; the caller answers the same
    either way, so that a stranger learns nothing."""
    profile = await uow.profiles.by_email(email)
    if profile is None:
        return
    await send_code(
        uow,
        mailer,
        clock,
        purpose=CodePurpose.RECOVER_PASSWORD,
        email=email,
        profile_id=profile.id,
        write=write,
    )


async def check_recovery_code(uow: UnitOfWork, clock: Clock, email: str, code: str) -> int:
    """The id of the recovery code the resident proved to have."""
    checked = await _check_code(uow, clock, CodePurpose.RECOVER_PASSWORD, email, code)
    assert checked.id is not None
    return checked.id


async def reset_password(
    uow: UnitOfWork, clock: Clock, user: TelegramUser, code_id: int, password_hash: str
) -> Profile:
    """Sets the new password, confirms the address the letter reached, and logs in."""
    used = await uow.codes.get(code_id)
    if used is None or not used.usable(clock.now()) or used.profile_id is None:
        raise CodeNotFound
    profile = await uow.profiles.get(used.profile_id)
    if profile is None:
        raise CodeNotFound
    profile.password_hash = password_hash
    profile.email_confirmed = profile.email_confirmed or profile.email == used.email
    used.used_at = clock.now()
    await uow.codes.save(used)
    await uow.profiles.save(profile)
    await uow.login_failures.clear(profile.email, user.telegram_id)
    user.profile_id = profile.id
    await uow.telegram_users.save(user)
    await uow.commit()
    return profile


# --- Profile ----------------------------------------------------------------------------------


def missing_required(profile: Profile) -> bool:
    """The fields the guide's Fig. 7 asks for on first login."""
    return profile.phone is None


async def save_profile(uow: UnitOfWork, profile: Profile) -> Profile:
    await uow.profiles.save(profile)
    await uow.commit()
    return profile


def check_current_password(hasher: PasswordHasher, profile: Profile, current: str) -> None:
    if not hasher.verify(profile.password_hash, current):
        raise WrongPassword


async def change_password(uow: UnitOfWork, profile: Profile, password_hash: str) -> None:
    profile.password_hash = password_hash
    await save_profile(uow, profile)


async def marketing_emails(uow: UnitOfWork, profile: Profile) -> list[MarketingEmail]:
    assert profile.id is not None
    return list(await uow.marketing.of(profile.id))


async def subscribe(
    uow: UnitOfWork, profile: Profile, email: str, companies: set[MailingCompany]
) -> None:
    assert profile.id is not None
    await uow.marketing.replace(profile.id, email, companies)
    await uow.commit()


async def delete_profile(uow: UnitOfWork, profile: Profile) -> None:
    """Personal data go; the accounts and their billing data stay."""
    assert profile.id is not None
    await uow.profiles.delete(profile.id)
    await uow.commit()
