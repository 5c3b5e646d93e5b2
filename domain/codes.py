"""Codes sent by e-mail (guide sections 1, 3 and 4): each letter carries a six-digit code to
type and a deep link that does the same; a few wrong codes void it."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from domain.errors import (
    CodeExpired,
    CodeNotFound,
    CodeVoided,
    EmailTaken,
    ResendTooSoon,
    WrongCode,
)
from domain.model import CodePurpose, EmailCode, Profile
from domain.ports import Clock, Letter, Mailer, UnitOfWork

CODE_LIFETIME = timedelta(minutes=30)
RESEND_COOLDOWN = timedelta(seconds=60)
CODE_ATTEMPTS = 5


def digest(secret: str) -> str:
    """Codes and link tokens are kept only as digests."""
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


async def check_code(
    uow: UnitOfWork, clock: Clock, purpose: CodePurpose, email: str, code: str
) -> EmailCode:
    """The waiting code the resident typed; a wrong one counts, and the last allowed voids
    the code."""
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
    used = await check_code(uow, clock, purpose, email or profile.email, code)
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
