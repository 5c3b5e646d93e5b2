"""The profile (guide section 4): each field's edit, the mailing addresses, and deletion.
Every edit validates what was typed and is committed before it returns."""

from __future__ import annotations

from domain import appeals
from domain.errors import EmailTaken, InvalidInput
from domain.model import Gender, MailingCompany, MarketingEmail, Profile, TelegramUser
from domain.ports import AppealNotifier, Clock, SessionNotifier, UnitOfWork
from domain.sessions import end_other_sessions
from domain.validation import (
    parse_birth_date,
    parse_email,
    parse_full_name,
    parse_name,
    parse_phone,
)

REQUIRED = ("phone",)
OPTIONAL = ("patronymic", "birth_date", "gender")


def to_complete(profile: Profile, *, first_login: bool) -> list[str]:
    """The fields the guide's Fig. 7 asks for, in its order: the phone whenever it is
    missing (it is required), the optional ones only at the first login."""
    fields = REQUIRED + OPTIONAL if first_login else REQUIRED
    return [field for field in fields if getattr(profile, field) is None]


async def _save(uow: UnitOfWork, profile: Profile) -> Profile:
    await uow.profiles.save(profile)
    await uow.commit()
    return profile


async def rename(uow: UnitOfWork, profile: Profile, text: str) -> Profile:
    """ "Surname Name [Patronymic]" in one message."""
    profile.surname, profile.name, profile.patronymic = parse_full_name(text)
    return await _save(uow, profile)


async def set_patronymic(uow: UnitOfWork, profile: Profile, text: str) -> Profile:
    profile.patronymic = parse_name(text, "patronymic")
    return await _save(uow, profile)


async def set_birth_date(uow: UnitOfWork, clock: Clock, profile: Profile, text: str) -> Profile:
    profile.birth_date = parse_birth_date(text, clock.today())
    return await _save(uow, profile)


async def clear_birth_date(uow: UnitOfWork, profile: Profile) -> Profile:
    """The date of birth is optional: a resident may take it out of the profile."""
    profile.birth_date = None
    return await _save(uow, profile)


async def set_phone(uow: UnitOfWork, profile: Profile, phone: str) -> Profile:
    profile.phone = parse_phone(phone)
    return await _save(uow, profile)


async def set_gender(uow: UnitOfWork, profile: Profile, gender: Gender | None) -> Profile:
    """``None`` takes the (optional) gender out of the profile."""
    profile.gender = gender
    return await _save(uow, profile)


async def new_email(uow: UnitOfWork, profile: Profile, text: str) -> str:
    """The address a resident asks to move to: valid and nobody's. It becomes the login only
    once the code sent to it is entered."""
    email = parse_email(text)
    if email == profile.email:
        raise InvalidInput("same-email")
    if await uow.profiles.by_email(email) is not None:
        raise EmailTaken
    return email


async def change_password(
    uow: UnitOfWork,
    sessions: SessionNotifier,
    user: TelegramUser,
    profile: Profile,
    password_hash: str,
) -> Profile:
    """The new password; whoever else is logged in to the profile is logged out."""
    assert profile.id is not None
    profile.password_hash = password_hash
    await _save(uow, profile)
    await end_other_sessions(uow, sessions, profile.id, keep=user.telegram_id)
    return profile


async def marketing_emails(uow: UnitOfWork, profile: Profile) -> list[MarketingEmail]:
    assert profile.id is not None
    return list(await uow.marketing.of(profile.id))


async def subscribe(
    uow: UnitOfWork, profile: Profile, email: str, companies: set[MailingCompany]
) -> None:
    assert profile.id is not None
    await uow.marketing.replace(profile.id, email, companies)
    await uow.commit()


async def delete_profile(
    uow: UnitOfWork,
    clock: Clock,
    sessions: SessionNotifier,
    desk: AppealNotifier,
    user: TelegramUser,
    profile: Profile,
) -> None:
    """Personal data go, also where they were copied: the profile's appeals lose their words
    and their staff posts the resident's name and contacts; payments keep their money but
    not the receipt's contact. The accounts and their billing data stay. Whoever else was
    logged in to it is told."""
    assert profile.id is not None
    await end_other_sessions(uow, sessions, profile.id, keep=user.telegram_id)
    forgotten = await appeals.forget_author(uow, clock, profile.id)
    await uow.payments.forget_payer(profile.id)
    await uow.profiles.delete(profile.id)
    await uow.commit()
    for appeal in forgotten:
        await desk.settled(uow, appeal)
