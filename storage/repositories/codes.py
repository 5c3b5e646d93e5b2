from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import CodePurpose, EmailCode
from storage.tables import email_codes


def _waiting(purpose: CodePurpose) -> tuple[Any, ...]:
    """A code of the purpose that is neither used nor voided."""
    return (
        email_codes.c.purpose == purpose,
        email_codes.c.used_at.is_(None),
        email_codes.c.voided.is_(False),
    )


class SqlEmailCodeRepository:
    def __init__(self, connection: AsyncConnection, key: bytes) -> None:
        self._connection = connection
        self._key = key

    def digest(self, secret: str) -> str:
        # HMAC, not a plain hash: six digits hashed alone are found back in seconds.
        return hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()

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
        return await self._first(email_codes.c.email == email, *_waiting(purpose))

    async def pending(self, purpose: CodePurpose, profile_id: int) -> EmailCode | None:
        return await self._first(email_codes.c.profile_id == profile_id, *_waiting(purpose))

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

    async def take_attempt(self, code_id: int, limit: int) -> int | None:
        taken = await self._connection.execute(
            update(email_codes)
            .where(
                email_codes.c.id == code_id,
                email_codes.c.used_at.is_(None),
                email_codes.c.voided.is_(False),
                email_codes.c.attempts < limit,
            )
            .values(attempts=email_codes.c.attempts + 1)
            .returning(email_codes.c.attempts)
        )
        return taken.scalar_one_or_none()
