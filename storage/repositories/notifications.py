"""The notification queue. Selections of recipients are single INSERT ... SELECT statements:
the database finds and queues a hundred thousand residents without a row passing through
Python, and the (chat, key) unique constraint keeps whatever was queued before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    cast,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Broadcast, Notification, NotificationKind, NotificationStatus
from domain.ports import Recipient
from storage.tables import (
    PENDING_NOTICE,
    account_links,
    accounts,
    bills,
    broadcasts,
    meters,
    notification_optouts,
    notifications,
    readings,
    telegram_users,
)
from storage.types import UtcDateTime

n = notifications.c
QUEUED = NotificationStatus.QUEUED.value
SENDING = NotificationStatus.SENDING.value
# The columns a selection fills; the rest take their defaults.
SELECTED = ("chat_id", "kind", "key", "args", "broadcast_id", "status", "due_at", "created_at")


def _notification(row: Row) -> Notification:
    return Notification(
        id=row.id,
        chat_id=row.chat_id,
        kind=NotificationKind(row.kind),
        key=row.key,
        args=row.args,
        broadcast_id=row.broadcast_id,
        status=NotificationStatus(row.status),
        attempts=row.attempts,
    )


class SqlNotificationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"

    # --- Queueing ---------------------------------------------------------------------------

    async def broadcast(self, kind: NotificationKind, key: str, now: datetime) -> int:
        insert_ = pg_insert if self._postgres else sqlite_insert
        await self._connection.execute(
            insert_(broadcasts)
            .values(kind=kind.value, key=key, started_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        found = await self._connection.execute(
            select(broadcasts.c.id).where(broadcasts.c.key == key)
        )
        return found.scalar_one()

    async def queue(self, notices: Sequence[Notification], now: datetime) -> int:
        if not notices:
            return 0
        insert_ = pg_insert if self._postgres else sqlite_insert
        rows = [
            {
                "chat_id": notice.chat_id,
                "kind": notice.kind.value,
                "key": notice.key,
                "args": notice.args,
                "broadcast_id": notice.broadcast_id,
                "status": QUEUED,
                "due_at": now,
                "created_at": now,
            }
            for notice in notices
        ]
        queued = await self._connection.execute(
            insert_(notifications)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["chat_id", "key"])
            .returning(n.id)
        )
        return len(queued.all())

    def _json(self, **values: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON object built in the database (keys are ours, not input)."""
        build = func.json_build_object if self._postgres else func.json_object
        pairs = [
            part for key, value in values.items() for part in (literal_column(f"'{key}'"), value)
        ]
        return build(*pairs)

    def _columns(
        self,
        kind: NotificationKind,
        broadcast_id: int | None,
        key_prefix: str,
        subject: ColumnElement[Any],
        now: datetime,
        **args: ColumnElement[Any],
    ) -> list[ColumnElement[Any]]:
        return [
            telegram_users.c.telegram_id,
            literal(kind.value),
            literal(key_prefix) + cast(subject, String),
            self._json(**args),
            literal(broadcast_id),
            literal(QUEUED),
            literal(now, UtcDateTime),
            literal(now, UtcDateTime),
        ]

    async def _queue_selected(self, selection: Select[Any]) -> int:
        insert_ = pg_insert if self._postgres else sqlite_insert
        queued = await self._connection.execute(
            insert_(notifications)
            .from_select(SELECTED, selection)
            .on_conflict_do_nothing(index_elements=["chat_id", "key"])
        )
        return queued.rowcount

    @staticmethod
    def _linked() -> Any:
        """Bound Telegram users with the accounts their profile links."""
        return telegram_users.join(
            account_links, account_links.c.profile_id == telegram_users.c.profile_id
        ).join(accounts, accounts.c.id == account_links.c.account_id)

    async def queue_reading_window(
        self,
        broadcast_id: int,
        key_prefix: str,
        month: date,
        today: date,
        deadline: date,
        now: datetime,
    ) -> int:
        read = exists().where(readings.c.meter_id == meters.c.id, readings.c.billing_month == month)
        selection = (
            select(
                *self._columns(
                    NotificationKind.READING_WINDOW,
                    broadcast_id,
                    key_prefix,
                    accounts.c.id,
                    now,
                    account_id=accounts.c.id,
                    number=accounts.c.number,
                    address=accounts.c.address,
                    meters=func.count(meters.c.id),
                    deadline=literal(deadline.isoformat()),
                )
            )
            .select_from(self._linked().join(meters, meters.c.account_id == accounts.c.id))
            # A meter past its verification takes no reading (Meter.verification_expired).
            .where(meters.c.verified_until >= today, ~read)
            .group_by(
                telegram_users.c.telegram_id, accounts.c.id, accounts.c.number, accounts.c.address
            )
        )
        return await self._queue_selected(selection)

    async def queue_meter_expiring(
        self,
        broadcast_id: int,
        key_prefix: str,
        verified_until: date,
        days_left: int,
        now: datetime,
    ) -> int:
        selection = (
            select(
                *self._columns(
                    NotificationKind.METER_EXPIRING,
                    broadcast_id,
                    key_prefix,
                    meters.c.id,
                    now,
                    account_id=accounts.c.id,
                    number=accounts.c.number,
                    meter=meters.c.number,
                    until=literal(verified_until.isoformat()),
                    days=literal(days_left),
                )
            )
            .select_from(self._linked().join(meters, meters.c.account_id == accounts.c.id))
            .where(meters.c.verified_until == verified_until)
        )
        return await self._queue_selected(selection)

    async def queue_new_bills(
        self, broadcast_id: int, key_prefix: str, period: date, now: datetime, arrived_at: datetime
    ) -> int:
        """The news of the bills of ``period`` that the billing import of ``arrived_at``
        brought, to the residents linked to their accounts then."""
        selection = (
            select(
                *self._columns(
                    NotificationKind.NEW_BILL,
                    broadcast_id,
                    key_prefix,
                    accounts.c.id,
                    now,
                    account_id=accounts.c.id,
                    number=accounts.c.number,
                    period=literal(period.isoformat()),
                )
            )
            .select_from(self._linked().join(bills, bills.c.account_id == accounts.c.id))
            # A bill that was there when the account was linked is not news to its resident.
            .where(
                bills.c.period == period,
                bills.c.arrived_at == arrived_at,
                account_links.c.linked_at < arrived_at,
            )
        )
        return await self._queue_selected(selection)

    async def queue_readings_replaced(self, reading_ids: Select[Any], now: datetime) -> int:
        """Everyone linked to a reading's account hears that billing replaced it."""
        selection = (
            select(
                *self._columns(
                    NotificationKind.READING_REPLACED,
                    None,
                    f"{NotificationKind.READING_REPLACED}:",
                    readings.c.id,
                    now,
                    reading_id=readings.c.id,
                    account_id=accounts.c.id,
                )
            )
            .select_from(
                self._linked()
                .join(meters, meters.c.account_id == accounts.c.id)
                .join(readings, readings.c.meter_id == meters.c.id)
            )
            .where(readings.c.id.in_(reading_ids))
        )
        return await self._queue_selected(selection)

    # --- Sending ----------------------------------------------------------------------------

    async def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[Notification]:
        due = (
            select(n.id)
            .where(text(PENDING_NOTICE), n.due_at <= now)
            .order_by(n.due_at, n.id)
            .limit(limit)
        )
        if self._postgres:
            due = due.with_for_update(skip_locked=True)
        taken = await self._connection.execute(
            update(notifications)
            .where(n.id.in_(due.scalar_subquery()))
            .values(status=SENDING, due_at=lease_until)
            .returning(*notifications.c)
        )
        return sorted((_notification(row) for row in taken), key=lambda notice: notice.id or 0)

    async def recipients(self, chat_ids: Sequence[int]) -> dict[int, Recipient]:
        rows = await self._connection.execute(
            select(
                telegram_users.c.telegram_id,
                telegram_users.c.locale,
                telegram_users.c.unreachable_at,
                notification_optouts.c.kind,
            )
            .outerjoin(
                notification_optouts,
                notification_optouts.c.profile_id == telegram_users.c.profile_id,
            )
            .where(telegram_users.c.telegram_id.in_(chat_ids))
        )
        found: dict[int, tuple[str | None, bool, set[NotificationKind]]] = {}
        for telegram_id, locale, unreachable_at, kind in rows:
            _, _, muted = found.setdefault(telegram_id, (locale, unreachable_at is not None, set()))
            if kind is not None:
                muted.add(NotificationKind(kind))
        return {
            chat_id: Recipient(locale, unreachable, frozenset(muted))
            for chat_id, (locale, unreachable, muted) in found.items()
        }

    async def finish(
        self,
        outcomes: Sequence[tuple[int, NotificationStatus, str | None]],
        now: datetime,
    ) -> None:
        # One statement each: it is almost always one, and a batch's executemany costs more.
        for notice, status, error in outcomes:
            await self._connection.execute(
                update(notifications)
                .where(n.id == notice)
                .values(status=status.value, error=error, sent_at=now)
            )

    async def retry(self, notification_id: int, due_at: datetime, error: str | None) -> None:
        values: dict[str, Any] = {"status": QUEUED, "due_at": due_at}
        if error is not None:  # a failed try; a deferral (a busy chat, a pause) is not one
            values |= {"attempts": n.attempts + 1, "error": error[:256]}
        await self._connection.execute(
            update(notifications).where(n.id == notification_id).values(**values)
        )

    async def unreachable(self, chat_id: int, now: datetime) -> None:
        await self._connection.execute(
            update(telegram_users)
            .where(telegram_users.c.telegram_id == chat_id)
            .values(unreachable_at=now)
        )
        await self._connection.execute(
            update(notifications)
            .where(n.chat_id == chat_id, n.status == QUEUED)
            .values(status=NotificationStatus.BLOCKED.value, sent_at=now)
        )

    # --- Staff and residents ----------------------------------------------------------------

    async def broadcasts(self, limit: int) -> Sequence[Broadcast]:
        runs = (
            await self._connection.execute(
                select(broadcasts)
                .order_by(broadcasts.c.started_at.desc(), broadcasts.c.id.desc())
                .limit(limit)
            )
        ).all()
        counts: dict[int, dict[NotificationStatus, int]] = {run.id: {} for run in runs}
        rows = await self._connection.execute(
            select(n.broadcast_id, n.status, func.count())
            .where(n.broadcast_id.in_(list(counts)))
            .group_by(n.broadcast_id, n.status)
        )
        for run_id, status, count in rows:
            counts[run_id][NotificationStatus(status)] = count
        return [
            Broadcast(
                id=run.id,
                kind=NotificationKind(run.kind),
                key=run.key,
                started_at=run.started_at,
                counts=counts[run.id],
            )
            for run in runs
        ]

    async def muted(self, profile_id: int) -> frozenset[NotificationKind]:
        rows = await self._connection.execute(
            select(notification_optouts.c.kind).where(
                notification_optouts.c.profile_id == profile_id
            )
        )
        return frozenset(NotificationKind(kind) for kind in rows.scalars())

    async def mute(self, profile_id: int, kind: NotificationKind, muted: bool) -> None:
        optout = notification_optouts.c
        if not muted:
            await self._connection.execute(
                notification_optouts.delete().where(
                    optout.profile_id == profile_id, optout.kind == kind.value
                )
            )
            return
        insert_ = pg_insert if self._postgres else sqlite_insert
        await self._connection.execute(
            insert_(notification_optouts)
            .values(profile_id=profile_id, kind=kind.value)
            .on_conflict_do_nothing()
        )
