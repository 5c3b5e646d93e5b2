"""Codes sent by e-mail (guide sections 1, 3 and 4): each letter carries a six-digit code to
type and a deep link that does the same; a few wrong codes void it."""

from __future__ import annotations

import hmac
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from domain.attempts import Limit, clear_attempts, take_attempt
from domain.errors import (
    CodeExpired,
    CodeNotFound,
    CodeVoided,
    EmailTaken,
    InvalidInput,
    ResendTooSoon,
    WrongCode,
)
from domain.model import CodePurpose, EmailCode, Profile, TelegramUser
from domain.ports import Clock, Letter, Mailer, MailNotSent, SessionNotifier, UnitOfWork
from domain.sessions import end_other_sessions

CODE_LIFETIME = timedelta(minutes=30)
RESEND_COOLDOWN = timedelta(seconds=60)
CODE_ATTEMPTS = 5
CODE_FORMAT = re.compile(r"[0-9]{6}")
RESEND = Limit("resend", 1, RESEND_COOLDOWN)


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
    resend = f"{purpose}:{email}"
    taken = await take_attempt(uow, RESEND, resend, now)
    if taken.locked:
        assert taken.until is not None
        raise ResendTooSoon(math.ceil((taken.until - now).total_seconds()))
    await uow.codes.void_all(purpose, email)
    code = f"{secrets.randbelow(1_000_000):06d}"
    token = secrets.token_urlsafe(24)
    issued = EmailCode(
        purpose=purpose,
        email=email,
        profile_id=profile_id,
        code_hash=uow.codes.digest(code),
        token_hash=uow.codes.digest(token),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    await uow.codes.add(issued)
    await uow.commit()
    try:
        await mailer.send(write(IssuedCode(code, token, int(CODE_LIFETIME.total_seconds() // 60))))
    except MailNotSent:
        await clear_attempts(uow, RESEND, resend)
        await uow.commit()
        raise
    issued.sent_at = now
    await uow.codes.save(issued)
    await uow.commit()


async def check_code(
    uow: UnitOfWork, clock: Clock, purpose: CodePurpose, email: str, code: str
) -> EmailCode:
    """The waiting code the resident typed. Text that cannot be a code costs nothing; each
    code checked counts first (at most CODE_ATTEMPTS are ever checked, however many arrive
    at once), and the last wrong one voids the code."""
    typed = "".join(code.split())  # "475 651", as a code is read out or copied
    if not CODE_FORMAT.fullmatch(typed):
        raise InvalidInput("code-format")
    now = clock.now()
    current = await uow.codes.current(purpose, email)
    if current is None:
        raise CodeNotFound
    if now >= current.expires_at:
        raise CodeExpired
    assert current.id is not None
    attempts = await uow.codes.take_attempt(current.id, CODE_ATTEMPTS)
    await uow.commit()
    if attempts is None:
        raise CodeVoided
    if not hmac.compare_digest(uow.codes.digest(typed), current.code_hash):
        if attempts >= CODE_ATTEMPTS:
            current.attempts, current.voided = attempts, True
            await uow.codes.save(current)
            await uow.commit()
            raise CodeVoided
        raise WrongCode(CODE_ATTEMPTS - attempts)
    current.attempts = attempts
    return current


async def address_waiting(uow: UnitOfWork, clock: Clock, profile: Profile) -> str | None:
    """The new address a change of e-mail waits to confirm, while its code can still be
    typed: the resident who left the code for later finds it in the profile."""
    assert profile.id is not None
    code = await uow.codes.pending(CodePurpose.CHANGE_EMAIL, profile.id)
    return code.email if code is not None and code.usable(clock.now()) else None


async def _by_token(uow: UnitOfWork, clock: Clock, token: str) -> EmailCode:
    found = await uow.codes.by_token(uow.codes.digest(token))
    if found is None or found.used_at is not None or found.voided:
        raise CodeNotFound
    if clock.now() >= found.expires_at:
        raise CodeExpired
    return found


async def _apply_email(
    uow: UnitOfWork, sessions: SessionNotifier, clock: Clock, used: EmailCode, keep: int | None
) -> Profile:
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
    if used.purpose is CodePurpose.CHANGE_EMAIL:
        # The login changed: a session opened with the old one ends.
        await end_other_sessions(uow, sessions, used.profile_id, keep)
    return profile


async def confirm_email(
    uow: UnitOfWork,
    sessions: SessionNotifier,
    clock: Clock,
    user: TelegramUser,
    profile: Profile,
    code: str,
    purpose: CodePurpose = CodePurpose.CONFIRM_EMAIL,
    email: str | None = None,
) -> Profile:
    """The code from the letter confirms the profile's address, or the new one it asked for."""
    used = await check_code(uow, clock, purpose, email or profile.email, code)
    if used.profile_id != profile.id:
        raise CodeNotFound
    return await _apply_email(uow, sessions, clock, used, keep=user.telegram_id)


async def open_link(
    uow: UnitOfWork, sessions: SessionNotifier, clock: Clock, user: TelegramUser, token: str
) -> EmailCode:
    """A deep link from a letter. Confirmation links take effect at once; a recovery link
    returns its code for the new password to be set."""
    used = await _by_token(uow, clock, token)
    if used.purpose is not CodePurpose.RECOVER_PASSWORD:
        await _apply_email(uow, sessions, clock, used, keep=user.telegram_id)
    return used
