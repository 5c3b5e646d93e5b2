"""Login and logout (guide section 2) and password recovery (section 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain import profile as profile_
from domain.attempts import Limit, clear_attempts, take_attempt
from domain.codes import LetterWriter, check_code, send_code
from domain.errors import CodeNotFound, LoginLocked, WrongCredentials, WrongPassword
from domain.model import CodePurpose, Profile, TelegramUser
from domain.ports import Clock, Mailer, PasswordHasher, SessionNotifier, UnitOfWork
from domain.sessions import end_other_sessions

LOGIN_ATTEMPTS = 5
LOGIN_LOCK = timedelta(minutes=15)
BY_EMAIL = Limit("login-email", LOGIN_ATTEMPTS, LOGIN_LOCK)
BY_USER = Limit("login-user", LOGIN_ATTEMPTS, LOGIN_LOCK)


@dataclass(frozen=True, slots=True)
class LoggedIn:
    profile: Profile
    to_complete: list[str]  # the fields to ask for before the menu (Fig. 7)


def _limits(email: str, user: TelegramUser) -> tuple[tuple[Limit, str], ...]:
    """Guessing is limited per address and per Telegram user."""
    return (BY_EMAIL, email), (BY_USER, str(user.telegram_id))


async def log_in(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    user: TelegramUser,
    email: str,
    password: str,
) -> LoggedIn:
    """Binds the Telegram user to the profile until they log out (the guide's "remember
    me"). Five passwords tried for an address, or by a Telegram user, without a right one lock
    further tries: each is counted before it is checked."""
    now = clock.now()
    for limit, key in _limits(email, user):
        taken = await take_attempt(uow, limit, key, now)
        if taken.locked:
            assert taken.until is not None
            raise LoginLocked(taken.until)
    profile = await uow.profiles.by_email(email)
    if profile is None or not hasher.verify(profile.password_hash, password):
        raise WrongCredentials
    for limit, key in _limits(email, user):
        await clear_attempts(uow, limit, key)
    to_complete = profile_.to_complete(profile, first_login=profile.last_login_at is None)
    profile.last_login_at = now
    await uow.profiles.save(profile)
    user.profile_id = profile.id
    await uow.telegram_users.save(user)
    await uow.commit()
    return LoggedIn(profile, to_complete)


async def check_current_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    user: TelegramUser,
    profile: Profile,
    current: str,
) -> None:
    """The password asked before it is changed, guessed under the login's limits (a phone
    left unlocked must not let a stranger try passwords without end)."""
    now = clock.now()
    for limit, key in _limits(profile.email, user):
        taken = await take_attempt(uow, limit, key, now)
        if taken.locked:
            assert taken.until is not None
            raise LoginLocked(taken.until)
    if not hasher.verify(profile.password_hash, current):
        raise WrongPassword
    for limit, key in _limits(profile.email, user):
        await clear_attempts(uow, limit, key)
    await uow.commit()


async def log_out(uow: UnitOfWork, clock: Clock, user: TelegramUser) -> None:
    """The Telegram user leaves the profile; when nobody is logged in to it any more, its
    devices stop sending too."""
    profile_id = user.profile_id
    user.profile_id = None
    user.last_account_id = None
    await uow.telegram_users.save(user)
    if profile_id is not None and not await uow.telegram_users.bound_to(profile_id):
        await uow.devices.revoke_of(profile_id, None, clock.now())
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
    checked = await check_code(uow, clock, CodePurpose.RECOVER_PASSWORD, email, code)
    assert checked.id is not None
    return checked.id


async def reset_password(
    uow: UnitOfWork,
    sessions: SessionNotifier,
    clock: Clock,
    user: TelegramUser,
    code_id: int,
    password_hash: str,
) -> Profile:
    """Sets the new password, confirms the address the letter reached, and logs in; whoever
    else was logged in to the profile is logged out."""
    used = await uow.codes.get(code_id)
    if used is None or not used.usable(clock.now()) or used.profile_id is None:
        raise CodeNotFound
    profile = await uow.profiles.get(used.profile_id)
    if profile is None:
        raise CodeNotFound
    profile.password_hash = password_hash
    profile.email_confirmed = profile.email_confirmed or profile.email == used.email
    used.used_at = profile.last_login_at = clock.now()
    await uow.codes.save(used)
    await uow.profiles.save(profile)
    for limit, key in _limits(profile.email, user):
        await clear_attempts(uow, limit, key)
    user.profile_id = profile.id
    await uow.telegram_users.save(user)
    await uow.commit()
    assert profile.id is not None
    await end_other_sessions(uow, sessions, profile.id, keep=user.telegram_id)
    return profile
