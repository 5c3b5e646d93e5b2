from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Account, AccountKind
from storage.tables import account_links, accounts


def account_from_row(row: Row) -> Account:
    values = dict(row._mapping)
    values["kind"] = AccountKind(values["kind"])
    return Account(**values)


class SqlAccountRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

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
