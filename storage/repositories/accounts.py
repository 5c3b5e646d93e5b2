from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Account, AccountKind, AccountLink
from storage.tables import account_links, accounts

_ACCOUNT = select(accounts).where(accounts.c.id == bindparam("account_id"))
_LINKED = select(account_links.c.id).where(
    account_links.c.profile_id == bindparam("profile_id"),
    account_links.c.account_id == bindparam("account_id"),
)
_ACCOUNTS_OF = (
    select(accounts)
    .join(account_links, account_links.c.account_id == accounts.c.id)
    .where(account_links.c.profile_id == bindparam("profile_id"))
    .order_by(account_links.c.linked_at, accounts.c.id)
)


def account_from_row(row: Row) -> Account:
    values = dict(row._mapping)
    values["kind"] = AccountKind(values["kind"])
    return Account(**values)


class SqlAccountRepository:
    """Accounts change only by a billing import: within one unit of work (an update), each
    is read once, however many screens and checks ask for it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._read: dict[int, Account | None] = {}

    async def get(self, account_id: int) -> Account | None:
        if account_id not in self._read:
            row = (
                await self._connection.execute(_ACCOUNT, {"account_id": account_id})
            ).one_or_none()
            self._read[account_id] = account_from_row(row) if row else None
        return self._read[account_id]

    async def by_number(self, number: str) -> Account | None:
        row = (
            await self._connection.execute(select(accounts).where(accounts.c.number == number))
        ).one_or_none()
        return account_from_row(row) if row else None

    async def all(self) -> Sequence[Account]:
        rows = await self._connection.execute(select(accounts).order_by(accounts.c.number))
        return [account_from_row(row) for row in rows]


class SqlAccountLinkRepository:
    """Whether a profile links an account is asked by every check of a button's account id:
    within one unit of work it is read once, and kept up to date by linking and unlinking."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._linked: dict[tuple[int, int], bool] = {}

    async def accounts_of(self, profile_id: int) -> Sequence[Account]:
        rows = await self._connection.execute(_ACCOUNTS_OF, {"profile_id": profile_id})
        return [account_from_row(row) for row in rows]

    async def is_linked(self, profile_id: int, account_id: int) -> bool:
        if (profile_id, account_id) not in self._linked:
            found = await self._connection.execute(
                _LINKED, {"profile_id": profile_id, "account_id": account_id}
            )
            self._linked[(profile_id, account_id)] = found.first() is not None
        return self._linked[(profile_id, account_id)]

    async def add(self, link: AccountLink) -> None:
        values = asdict(link)
        del values["id"]
        values["relation"] = link.relation.value
        link.id = (
            await self._connection.execute(
                insert(account_links).values(**values).returning(account_links.c.id)
            )
        ).scalar_one()
        self._linked[(link.profile_id, link.account_id)] = True

    async def remove(self, profile_id: int, account_id: int) -> None:
        self._linked[(profile_id, account_id)] = False
        await self._connection.execute(
            delete(account_links).where(
                account_links.c.profile_id == profile_id, account_links.c.account_id == account_id
            )
        )
