from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import CodePurpose, EmailCode, LoginFailure
from storage.tables import email_codes, login_failures


class SqlEmailCodeRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def _first(self, *conditions) -> EmailCode | None:
        row = (
            await self._connection.execute(
                select(email_codes).where(*conditions).order_by(email_codes.c.id.desc()).limit(1)
            )
        ).one_or_none()
        if row is None:
            return None
        values = dict(row._mapping)
        values["purpose"] = CodePurpose(values["purpose"])
        return EmailCode(**values)

    async def add(self, code: EmailCode) -> None:
        values = asdict(code)
        del values["id"]
        code.id = (
            await self._connection.execute(
                insert(email_codes).values(**values).returning(email_codes.c.id)
            )
        ).scalar_one()

    async def save(self, code: EmailCode) -> None:
        values = asdict(code)
        del values["id"]
        await self._connection.execute(
            update(email_codes).where(email_codes.c.id == code.id).values(**values)
        )

    async def get(self, code_id: int) -> EmailCode | None:
        return await self._first(email_codes.c.id == code_id)

    async def current(self, purpose: CodePurpose, email: str) -> EmailCode | None:
        return await self._first(
            email_codes.c.purpose == purpose,
            email_codes.c.email == email,
            email_codes.c.used_at.is_(None),
            email_codes.c.voided.is_(False),
        )

    async def last_sent(self, purpose: CodePurpose, email: str) -> EmailCode | None:
        return await self._first(
            email_codes.c.purpose == purpose,
            email_codes.c.email == email,
            email_codes.c.sent_at.is_not(None),
        )

    async def by_token(self, token_hash: str) -> EmailCode | None:
        return await self._first(email_codes.c.token_hash == token_hash)

    async def void_all(self, purpose: CodePurpose, email: str) -> None:
        await self._connection.execute(
            update(email_codes)
            .where(
                email_codes.c.purpose == purpose,
                email_codes.c.email == email,
                email_codes.c.used_at.is_(None),
            )
            .values(voided=True)
        )


class SqlLoginFailureRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def since(self, since: datetime, email: str, telegram_id: int) -> Sequence[LoginFailure]:
        rows = await self._connection.execute(
            select(login_failures.c.email, login_failures.c.telegram_id, login_failures.c.at).where(
                login_failures.c.at >= since,
                or_(login_failures.c.email == email, login_failures.c.telegram_id == telegram_id),
            )
        )
        return [LoginFailure(**row._mapping) for row in rows]

    async def add(self, failure: LoginFailure) -> None:
        await self._connection.execute(insert(login_failures).values(**asdict(failure)))

    async def clear(self, email: str, telegram_id: int) -> None:
        await self._connection.execute(
            delete(login_failures).where(
                or_(login_failures.c.email == email, login_failures.c.telegram_id == telegram_id)
            )
        )
