from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Account, AccountKind, AccountLink
from storage.tables import account_links, accounts


def account_from_row(row: Row) -> Account:
    values = dict(row._mapping)
    values["kind"] = AccountKind(values["kind"])
    return Account(**values)


class SqlAccountRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, account_id: int) -> Account | None:
        row = (
            await self._connection.execute(select(accounts).where(accounts.c.id == account_id))
        ).one_or_none()
        return account_from_row(row) if row else None

    async def by_number(self, number: str) -> Account | None:
        row = (
            await self._connection.execute(select(accounts).where(accounts.c.number == number))
        ).one_or_none()
        return account_from_row(row) if row else None

    async def all(self) -> Sequence[Account]:
        rows = await self._connection.execute(select(accounts).order_by(accounts.c.number))
        return [account_from_row(row) for row in rows]


class SqlAccountLinkRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def accounts_of(self, profile_id: int) -> Sequence[Account]:
        rows = await self._connection.execute(
            select(accounts)
            .join(account_links, account_links.c.account_id == accounts.c.id)
            .where(account_links.c.profile_id == profile_id)
            .order_by(account_links.c.linked_at, accounts.c.id)
        )
        return [account_from_row(row) for row in rows]

    async def is_linked(self, profile_id: int, account_id: int) -> bool:
        found = await self._connection.execute(
            select(account_links.c.id).where(
                account_links.c.profile_id == profile_id, account_links.c.account_id == account_id
            )
        )
        return found.first() is not None

    async def add(self, link: AccountLink) -> None:
        values = asdict(link)
        del values["id"]
        values["relation"] = link.relation.value
        link.id = (
            await self._connection.execute(
                insert(account_links).values(**values).returning(account_links.c.id)
            )
        ).scalar_one()

    async def remove(self, profile_id: int, account_id: int) -> None:
        await self._connection.execute(
            delete(account_links).where(
                account_links.c.profile_id == profile_id, account_links.c.account_id == account_id
            )
        )
