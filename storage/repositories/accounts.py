from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Account, AccountKind
from storage.tables import accounts


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
