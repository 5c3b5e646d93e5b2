from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import insert, or_, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Appeal, AppealKind, AppealStatus, Attachment, CloseReason
from storage.tables import UNPOSTED_APPEAL, appeals


def _appeal(row: Row) -> Appeal:
    values = dict(row._mapping)
    del values["post_claimed_at"]  # the posting process's business, not the appeal's
    values["kind"] = AppealKind(values["kind"])
    values["status"] = AppealStatus(values["status"])
    if values["close_reason"] is not None:
        values["close_reason"] = CloseReason(values["close_reason"])
    values["attachments"] = [Attachment.from_ref(ref) for ref in values["attachments"]]
    return Appeal(**values)


def _values(appeal: Appeal) -> dict:
    values = asdict(appeal)
    del values["id"]
    values["attachments"] = [attachment.ref for attachment in appeal.attachments]
    return values


class SqlAppealRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def _many(self, *conditions, newest_first: bool = False) -> Sequence[Appeal]:
        order = appeals.c.id.desc() if newest_first else appeals.c.id
        rows = await self._connection.execute(select(appeals).where(*conditions).order_by(order))
        return [_appeal(row) for row in rows]

    async def add(self, appeal: Appeal) -> None:
        values = _values(appeal)
        appeal.id = (
            await self._connection.execute(insert(appeals).values(**values).returning(appeals.c.id))
        ).scalar_one()

    async def save(self, appeal: Appeal) -> None:
        values = _values(appeal)
        await self._connection.execute(
            update(appeals).where(appeals.c.id == appeal.id).values(**values)
        )

    async def claim_post(self, appeal_id: int, now: datetime, expired: datetime) -> bool:
        claimed = await self._connection.execute(
            update(appeals)
            .where(
                appeals.c.id == appeal_id,
                appeals.c.staff_message_id.is_(None),
                appeals.c.post_claimed_at.is_(None) | (appeals.c.post_claimed_at <= expired),
            )
            .values(post_claimed_at=now)
        )
        return claimed.rowcount == 1

    async def release_post(self, appeal_id: int) -> None:
        await self._connection.execute(
            update(appeals).where(appeals.c.id == appeal_id).values(post_claimed_at=None)
        )

    async def settle(self, appeal: Appeal) -> bool:
        settled = await self._connection.execute(
            update(appeals)
            .where(appeals.c.id == appeal.id, appeals.c.status == AppealStatus.OPEN)
            .values(
                status=appeal.status,
                answer=appeal.answer,
                answered_by=appeal.answered_by,
                answered_at=appeal.answered_at,
                close_reason=appeal.close_reason,
            )
        )
        return settled.rowcount == 1

    async def get(self, appeal_id: int) -> Appeal | None:
        found = await self._many(appeals.c.id == appeal_id)
        return found[0] if found else None

    async def of_account(self, account_id: int) -> Sequence[Appeal]:
        return await self._many(appeals.c.account_id == account_id, newest_first=True)

    async def of_profile(self, profile_id: int) -> Sequence[Appeal]:
        return await self._many(appeals.c.profile_id == profile_id, newest_first=True)

    async def open(self) -> Sequence[Appeal]:
        return await self._many(appeals.c.status == AppealStatus.OPEN)

    async def unposted(self) -> Sequence[Appeal]:
        return await self._many(text(UNPOSTED_APPEAL))

    async def by_staff_message(self, chat_id: int, message_id: int) -> Appeal | None:
        found = await self._many(
            appeals.c.staff_chat_id == chat_id,
            or_(appeals.c.staff_message_id == message_id, appeals.c.staff_prompt_id == message_id),
        )
        return found[0] if found else None
