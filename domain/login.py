"""Login and logout (guide section 2) and password recovery (section 3)."""

from __future__ import annotations

from datetime import timedelta

from domain.attempts import locked_until
from domain.codes import LetterWriter, check_code, send_code
from domain.errors import CodeNotFound, LoginLocked, WrongCredentials
from domain.model import CodePurpose, LoginFailure, Profile, TelegramUser
from domain.ports import Clock, Mailer, PasswordHasher, UnitOfWork

LOGIN_ATTEMPTS = 5
LOGIN_LOCK = timedelta(minutes=15)


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
    checked = await check_code(uow, clock, CodePurpose.RECOVER_PASSWORD, email, code)
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
