from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Profile, TelegramUser
from storage.repositories.profiles import profile_from
from storage.tables import profiles, telegram_users

_WITH_PROFILE = (
    select(telegram_users, profiles)
    .outerjoin(profiles, profiles.c.id == telegram_users.c.profile_id)
    .where(telegram_users.c.telegram_id == bindparam("telegram_id"))
)


class SqlTelegramUserRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, telegram_id: int) -> TelegramUser | None:
        row = (
            await self._connection.execute(
                select(telegram_users).where(telegram_users.c.telegram_id == telegram_id)
            )
        ).one_or_none()
        return TelegramUser(**row._mapping) if row else None

    async def with_profile(self, telegram_id: int) -> tuple[TelegramUser | None, Profile | None]:
        row = (
            await self._connection.execute(_WITH_PROFILE, {"telegram_id": telegram_id})
        ).one_or_none()
        if row is None:
            return None, None
        values = row._mapping
        user = TelegramUser(**{c.name: values[c] for c in telegram_users.c})
        if values[profiles.c.id] is None:
            return user, None
        return user, profile_from({c.name: values[c] for c in profiles.c})

    async def bound_to(self, profile_id: int) -> Sequence[int]:
        rows = await self._connection.execute(
            select(telegram_users.c.telegram_id).where(telegram_users.c.profile_id == profile_id)
        )
        return list(rows.scalars())

    async def bound(self) -> Sequence[TelegramUser]:
        rows = await self._connection.execute(
            select(telegram_users)
            .where(telegram_users.c.profile_id.is_not(None))
            .order_by(telegram_users.c.telegram_id)
        )
        return [TelegramUser(**row._mapping) for row in rows]

    async def save(self, user: TelegramUser) -> None:
        values = {
            "profile_id": user.profile_id,
            "locale": user.locale,
            "last_account_id": user.last_account_id,
        }
        updated = await self._connection.execute(
            update(telegram_users)
            .where(telegram_users.c.telegram_id == user.telegram_id)
            .values(**values)
        )
        if updated.rowcount == 0:
            await self._connection.execute(
                insert(telegram_users).values(telegram_id=user.telegram_id, **values)
            )

    async def reachable(self, telegram_id: int) -> None:
        await self._connection.execute(
            update(telegram_users)
            .where(
                telegram_users.c.telegram_id == telegram_id,
                telegram_users.c.unreachable_at.is_not(None),
            )
            .values(unreachable_at=None)
        )

    async def unbind_others(self, profile_id: int, keep: int | None) -> Sequence[int]:
        others = telegram_users.c.profile_id == profile_id
        if keep is not None:
            others &= telegram_users.c.telegram_id != keep
        rows = await self._connection.execute(
            update(telegram_users)
            .where(others)
            .values(profile_id=None, last_account_id=None)
            .returning(telegram_users.c.telegram_id)
        )
        return sorted(rows.scalars())
