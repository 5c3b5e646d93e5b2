"""Forgetting what is no longer needed (152-ФЗ: personal data are kept no longer than their
purpose needs). docs/privacy.md says what is kept, for how long and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.model import NotificationStatus
from storage.tables import attempt_limits, devices, email_codes, notifications

DONE = [
    NotificationStatus.SENT,
    NotificationStatus.BLOCKED,
    NotificationStatus.MUTED,
    NotificationStatus.FAILED,
]


@dataclass(frozen=True, slots=True)
class Retention:
    notifications: timedelta  # a notification after it was sent, or given up on
    codes: timedelta  # an e-mail code after it expired; a limit's count after its last guess
    devices: timedelta  # a revoked device's record


async def purge(engine: AsyncEngine, now: datetime, keep: Retention) -> dict[str, int]:
    """Deletes what its period has run out for; the rows deleted, by table. One statement a
    table, each on an index or a small table."""
    statements = {
        "notifications": delete(notifications).where(
            notifications.c.status.in_(DONE), notifications.c.due_at < now - keep.notifications
        ),
        "email_codes": delete(email_codes).where(email_codes.c.expires_at < now - keep.codes),
        "attempt_limits": delete(attempt_limits).where(attempt_limits.c.last_at < now - keep.codes),
        "devices": delete(devices).where(devices.c.revoked_at < now - keep.devices),
    }
    deleted = {}
    async with engine.begin() as connection:
        for table, statement in statements.items():
            deleted[table] = (await connection.execute(statement)).rowcount
    return deleted
