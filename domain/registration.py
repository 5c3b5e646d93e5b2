"""Registration (guide section 1): the profile with the consent to the user agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import EmailTaken
from domain.model import Gender, Profile, TelegramUser
from domain.ports import Clock, UnitOfWork

AGREEMENT_VERSION = "2018-12-20"


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


async def ensure_email_free(uow: UnitOfWork, email: str) -> str:
    if await uow.profiles.by_email(email) is not None:
        raise EmailTaken
    return email


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
        last_login_at=now,  # registering logs in: what it left empty was skipped just now
    )
    await uow.profiles.add(profile)
    user.profile_id = profile.id
    await uow.telegram_users.save(user)
    await uow.commit()
    return profile
