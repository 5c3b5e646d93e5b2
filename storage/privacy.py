"""Everything the bot keeps about a profile, for the resident to have (152-ФЗ, art. 14):
what docs/privacy.md lists, read from the tables that hold it. Secrets (the password's hash,
codes' and tokens' digests) are not personal data to hand out and are left out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import (
    account_links,
    accounts,
    appeals,
    devices,
    marketing_emails,
    notification_optouts,
    notifications,
    payments,
    profiles,
    telegram_users,
)


async def personal_data(connection: AsyncConnection, profile_id: int) -> dict[str, Any]:
    chats = select(telegram_users.c.telegram_id).where(telegram_users.c.profile_id == profile_id)

    async def rows(
        columns: Sequence[ColumnElement[Any]], *where: Any, order: Column[Any] | None = None
    ) -> list[dict[str, Any]]:
        statement = select(*columns).where(*where)
        if order is not None:
            statement = statement.order_by(order)
        return [dict(row._mapping) for row in await connection.execute(statement)]

    profile = await rows(
        [c for c in profiles.c if c.name != "password_hash"], profiles.c.id == profile_id
    )
    return {
        "profile": profile[0] if profile else None,
        "telegram": await rows(
            [telegram_users.c.telegram_id, telegram_users.c.locale],
            telegram_users.c.profile_id == profile_id,
        ),
        "accounts": await rows(
            [
                accounts.c.number,
                accounts.c.address,
                account_links.c.relation,
                account_links.c.linked_at,
            ],
            account_links.c.account_id == accounts.c.id,
            account_links.c.profile_id == profile_id,
            order=accounts.c.number,
        ),
        "appeals": await rows(
            [
                appeals.c.id,
                appeals.c.kind,
                accounts.c.number.label("account"),
                appeals.c.created_at,
                appeals.c.text,
                appeals.c.attachments,
                appeals.c.status,
                appeals.c.answer,
                appeals.c.answered_at,
            ],
            appeals.c.account_id == accounts.c.id,
            appeals.c.profile_id == profile_id,
            order=appeals.c.id,
        ),
        "payments": await rows(
            [
                payments.c.id,
                accounts.c.number.label("account"),
                payments.c.amount,
                payments.c.status,
                payments.c.method,
                payments.c.created_at,
                payments.c.paid_at,
                payments.c.receipt_contact,
            ],
            payments.c.account_id == accounts.c.id,
            payments.c.profile_id == profile_id,
            order=payments.c.id,
        ),
        "devices": await rows(
            [
                devices.c.name,
                accounts.c.number.label("account"),
                devices.c.created_at,
                devices.c.last_used_at,
                devices.c.revoked_at,
            ],
            devices.c.account_id == accounts.c.id,
            devices.c.profile_id == profile_id,
            order=devices.c.id,
        ),
        "mailings": await rows(
            [marketing_emails.c.email, marketing_emails.c.company],
            marketing_emails.c.profile_id == profile_id,
            order=marketing_emails.c.id,
        ),
        "notifications_off": [
            row["kind"]
            for row in await rows(
                [notification_optouts.c.kind],
                notification_optouts.c.profile_id == profile_id,
                order=notification_optouts.c.kind,
            )
        ],
        "notifications": await rows(
            [
                notifications.c.kind,
                notifications.c.created_at,
                notifications.c.status,
                notifications.c.sent_at,
                notifications.c.args,
            ],
            notifications.c.chat_id.in_(chats),
            order=notifications.c.id,
        ),
    }
