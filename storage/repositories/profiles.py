from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Gender, MailingCompany, MarketingEmail, Profile
from storage.tables import marketing_emails, profiles


def profile_from(values: Mapping[Any, Any]) -> Profile:
    profile = Profile(**values)
    profile.gender = Gender(profile.gender) if profile.gender else None
    return profile


class SqlProfileRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def _one(self, condition) -> Profile | None:
        row = (await self._connection.execute(select(profiles).where(condition))).one_or_none()
        return profile_from(row._mapping) if row else None

    async def get(self, profile_id: int) -> Profile | None:
        return await self._one(profiles.c.id == profile_id)

    async def by_email(self, email: str) -> Profile | None:
        return await self._one(profiles.c.email == email)

    async def add(self, profile: Profile) -> None:
        values = asdict(profile)
        del values["id"]
        profile.id = (
            await self._connection.execute(
                insert(profiles).values(**values).returning(profiles.c.id)
            )
        ).scalar_one()

    async def save(self, profile: Profile) -> None:
        values = asdict(profile)
        del values["id"]
        await self._connection.execute(
            update(profiles).where(profiles.c.id == profile.id).values(**values)
        )

    async def delete(self, profile_id: int) -> None:
        await self._connection.execute(delete(profiles).where(profiles.c.id == profile_id))


class SqlMarketingEmailRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def of(self, profile_id: int) -> Sequence[MarketingEmail]:
        rows = await self._connection.execute(
            select(marketing_emails)
            .where(marketing_emails.c.profile_id == profile_id)
            .order_by(marketing_emails.c.email, marketing_emails.c.company)
        )
        return [
            MarketingEmail(
                id=row.id,
                profile_id=row.profile_id,
                email=row.email,
                company=MailingCompany(row.company),
            )
            for row in rows
        ]

    async def replace(self, profile_id: int, email: str, companies: set[MailingCompany]) -> None:
        await self._connection.execute(
            delete(marketing_emails).where(
                marketing_emails.c.profile_id == profile_id, marketing_emails.c.email == email
            )
        )
        for company in sorted(companies):
            await self._connection.execute(
                insert(marketing_emails).values(
                    profile_id=profile_id, email=email, company=company.value
                )
            )
