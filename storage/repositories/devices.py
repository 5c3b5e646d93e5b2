from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Device
from storage.tables import account_links, devices

ACTIVE = devices.c.revoked_at.is_(None)
# A device counts only while the profile that issued it still has its account linked.
_LINKED = select(devices).join(
    account_links,
    (account_links.c.profile_id == devices.c.profile_id)
    & (account_links.c.account_id == devices.c.account_id),
)


class SqlDeviceRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    @staticmethod
    def _device(row) -> Device:
        return Device(**{name: row._mapping[name] for name in Device.__dataclass_fields__})

    async def add(self, device: Device, token_hash: str) -> None:
        values = asdict(device)
        del values["id"]
        added = await self._connection.execute(
            insert(devices).values(**values, token_hash=token_hash).returning(devices.c.id)
        )
        device.id = added.scalar_one()

    async def of_account(self, account_id: int) -> Sequence[Device]:
        rows = await self._connection.execute(
            _LINKED.where(devices.c.account_id == account_id, ACTIVE).order_by(
                devices.c.created_at, devices.c.id
            )
        )
        return [self._device(row) for row in rows]

    async def by_token(self, token_hash: str) -> Device | None:
        row = (
            await self._connection.execute(
                _LINKED.where(devices.c.token_hash == token_hash, ACTIVE)
            )
        ).one_or_none()
        return self._device(row) if row else None

    async def used(self, device_id: int, now: datetime) -> None:
        await self._connection.execute(
            update(devices).where(devices.c.id == device_id).values(last_used_at=now)
        )

    async def revoke(self, device_id: int, now: datetime) -> bool:
        revoked = await self._connection.execute(
            update(devices).where(devices.c.id == device_id, ACTIVE).values(revoked_at=now)
        )
        return revoked.rowcount == 1

    async def revoke_of(self, profile_id: int, account_id: int | None, now: datetime) -> None:
        of_account = () if account_id is None else (devices.c.account_id == account_id,)
        await self._connection.execute(
            update(devices)
            .where(devices.c.profile_id == profile_id, *of_account, ACTIVE)
            .values(revoked_at=now)
        )
