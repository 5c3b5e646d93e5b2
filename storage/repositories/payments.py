from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import (
    Contract,
    Payment,
    PaymentItem,
    PaymentMethod,
    PaymentStatus,
    Supplier,
)
from domain.ports import PaidItem, PaidPayment
from storage.repositories.meters import SqlContractRepository
from storage.tables import accounts, payment_items, payments

_PAYMENT_FIELDS = [c for c in payments.c if c.name != "external_id"]
_PAID_ITEMS = (
    select(
        payment_items.c.payment_id,
        payment_items.c.contract_id,
        payments.c.paid_at,
        payment_items.c.amount,
        payments.c.in_billing,
    )
    .join(payments, payments.c.id == payment_items.c.payment_id)
    .where(
        payments.c.account_id == bindparam("account_id"),
        payments.c.status == PaymentStatus.SUCCEEDED,
        payments.c.paid_at.is_not(None),
    )
    .order_by(payments.c.paid_at.desc())
)


class SqlPaymentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def items_of_account(
        self,
        account_id: int,
        *,
        unbilled: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Sequence[PaidItem]:
        query = _PAID_ITEMS
        if unbilled:
            query = query.where(payments.c.in_billing.is_(False))
        if since is not None:
            query = query.where(payments.c.paid_at >= since)
        if until is not None:
            query = query.where(payments.c.paid_at < until)
        rows = await self._connection.execute(query, {"account_id": account_id})
        return [PaidItem(*row) for row in rows]

    async def last_receipt_contact(self, profile_id: int) -> str | None:
        return (
            await self._connection.execute(
                select(payments.c.receipt_contact)
                .where(payments.c.profile_id == profile_id, payments.c.receipt_contact.is_not(None))
                .order_by(payments.c.created_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()

    async def add(self, payment: Payment) -> None:
        values = {c.name: getattr(payment, c.name) for c in _PAYMENT_FIELDS if c.name != "id"}
        payment.id = (
            await self._connection.execute(
                insert(payments).values(**values).returning(payments.c.id)
            )
        ).scalar_one()
        await self._connection.execute(
            insert(payment_items),
            [
                {"payment_id": payment.id, "contract_id": i.contract_id, "amount": i.amount}
                for i in payment.items
            ],
        )

    async def _many(
        self, *conditions, limit: int | None = None, order: Sequence[Any] = (payments.c.id,)
    ) -> list[Payment]:
        rows = (
            await self._connection.execute(
                select(*_PAYMENT_FIELDS).where(*conditions).order_by(*order).limit(limit)
            )
        ).all()
        if not rows:
            return []
        items = await self._connection.execute(
            select(payment_items)
            .where(payment_items.c.payment_id.in_([row.id for row in rows]))
            .order_by(payment_items.c.id)
        )
        by_payment: dict[int, list[PaymentItem]] = {}
        for item in items:
            by_payment.setdefault(item.payment_id, []).append(
                PaymentItem(contract_id=item.contract_id, amount=item.amount)
            )
        return [_payment(row, by_payment.get(row.id, [])) for row in rows]

    async def get(self, payment_id: int) -> Payment | None:
        found = await self._many(payments.c.id == payment_id)
        return found[0] if found else None

    async def by_provider_id(self, provider_payment_id: str) -> Payment | None:
        found = await self._many(payments.c.provider_payment_id == provider_payment_id)
        return found[0] if found else None

    async def save_provider(
        self, payment_id: int, provider_payment_id: str, confirmation_url: str | None
    ) -> None:
        await self._connection.execute(
            update(payments)
            .where(payments.c.id == payment_id)
            .values(provider_payment_id=provider_payment_id, confirmation_url=confirmation_url)
        )

    async def settle(
        self,
        payment_id: int,
        status: PaymentStatus,
        came_from: Sequence[PaymentStatus],
        *,
        at: datetime,
        provider_payment_id: str | None = None,
        reason: str | None = None,
    ) -> bool:
        values: dict = {"status": status, "next_check_at": None}
        if status is PaymentStatus.SUCCEEDED:
            values["paid_at"] = at
        if provider_payment_id is not None:
            values["provider_payment_id"] = provider_payment_id
        if reason is not None:
            values["cancel_reason"] = reason[:64]
        moved = await self._connection.execute(
            update(payments)
            .where(payments.c.id == payment_id, payments.c.status.in_(list(came_from)))
            .values(**values)
        )
        return moved.rowcount == 1

    async def void_pending(self, account_id: int, reason: str) -> Sequence[Payment]:
        voided = await self._many(
            payments.c.account_id == account_id,
            payments.c.status == PaymentStatus.PENDING,
            payments.c.method != PaymentMethod.BILLING,
        )
        if voided:
            # Still asked about: a page opened before may be paid all the same.
            await self._connection.execute(
                update(payments)
                .where(
                    payments.c.id.in_([p.id for p in voided]),
                    payments.c.status == PaymentStatus.PENDING,
                )
                .values(status=PaymentStatus.CANCELED, cancel_reason=reason)
            )
        return voided

    async def forget_payer(self, profile_id: int) -> None:
        await self._connection.execute(
            update(payments)
            .where(payments.c.profile_id == profile_id)
            .values(receipt_contact=None, telegram_id=None)
        )

    async def due_for_check(self, now: datetime, limit: int) -> Sequence[Payment]:
        return await self._many(
            payments.c.status.in_([PaymentStatus.PENDING, PaymentStatus.CANCELED]),
            payments.c.provider_payment_id.is_not(None),
            payments.c.next_check_at <= now,
            limit=limit,
        )

    async def schedule_check(self, payment_id: int, checks: int, at: datetime | None) -> None:
        await self._connection.execute(
            update(payments)
            .where(payments.c.id == payment_id)
            .values(checks=checks, next_check_at=at)
        )

    async def paid_since(self, since: datetime) -> Sequence[PaidPayment]:
        found = await self._many(
            payments.c.status == PaymentStatus.SUCCEEDED,
            payments.c.method != PaymentMethod.BILLING,
            payments.c.paid_at >= since,
            order=(payments.c.paid_at, payments.c.id),
        )
        if not found:
            return []
        numbers: dict[int, str] = dict(
            (
                await self._connection.execute(
                    select(accounts.c.id, accounts.c.number).where(
                        accounts.c.id.in_({p.account_id for p in found})
                    )
                )
            )
            .tuples()
            .all()
        )
        contracts_ = SqlContractRepository(self._connection)
        billed: dict[int, tuple[Contract, Supplier]] = {}
        for contract_id in sorted({i.contract_id for p in found for i in p.items}):
            pair = await contracts_.get(contract_id)
            assert pair is not None
            billed[contract_id] = pair
        return [
            PaidPayment(
                numbers[p.account_id],
                p,
                [(*billed[i.contract_id], i.amount) for i in p.items],
            )
            for p in found
        ]


def _payment(row: Row, items: list[PaymentItem]) -> Payment:
    values = dict(row._mapping)
    values["method"] = PaymentMethod(values["method"])
    values["status"] = PaymentStatus(values["status"])
    return Payment(**values, items=items)
