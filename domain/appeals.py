"""Appeals and questions (guide sections 11 and 12), and the staff's answers to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from domain.accounts import linked_account
from domain.history import Period
from domain.model import Appeal, AppealKind, AppealStatus, Profile, Supplier
from domain.ports import Clock, UnitOfWork

TEXT_LIMIT = 2000  # characters: a page of text, well within one Telegram message
ATTACHMENT_LIMIT = 5


class AppealTextInvalid(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class SupplierNotFound(LookupError):
    """Not a supplier of the account (a forged or outdated button)."""


class AppealNotFound(LookupError):
    pass


class AppealNotOpen(Exception):
    """Already answered or closed."""

    def __init__(self, appeal: Appeal) -> None:
        super().__init__(appeal.id)
        self.appeal = appeal


def check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > TEXT_LIMIT:
        raise AppealTextInvalid(TEXT_LIMIT)
    return cleaned


async def suppliers_of(uow: UnitOfWork, profile: Profile, account_id: int) -> list[Supplier]:
    await linked_account(uow, profile, account_id)
    seen: dict[int, Supplier] = {}
    for _contract, supplier in await uow.contracts.of_account(account_id):
        assert supplier.id is not None
        seen.setdefault(supplier.id, supplier)
    return list(seen.values())


async def submit(
    uow: UnitOfWork,
    clock: Clock,
    profile: Profile,
    account_id: int,
    supplier_id: int,
    kind: AppealKind,
    text: str,
    attachments: Sequence[str],
) -> Appeal:
    """Stores the appeal (committed) before anyone is told about it."""
    if supplier_id not in {s.id for s in await suppliers_of(uow, profile, account_id)}:
        raise SupplierNotFound(supplier_id)
    appeal = Appeal(
        kind=kind,
        profile_id=profile.id,
        account_id=account_id,
        supplier_id=supplier_id,
        text=check_text(text),
        attachments=list(attachments)[:ATTACHMENT_LIMIT],
        created_at=clock.now(),
    )
    await uow.appeals.add(appeal)
    await uow.commit()
    return appeal


async def appeals_of(
    uow: UnitOfWork, profile: Profile, account_id: int, period: Period, zone: tzinfo
) -> list[Appeal]:
    await linked_account(uow, profile, account_id)
    return [
        a
        for a in await uow.appeals.of_account(account_id)
        if a.created_at.astimezone(zone).date() in period
    ]


async def _open(uow: UnitOfWork, appeal_id: int) -> Appeal:
    appeal = await uow.appeals.get(appeal_id)
    if appeal is None:
        raise AppealNotFound(appeal_id)
    if appeal.status is not AppealStatus.OPEN:
        raise AppealNotOpen(appeal)
    return appeal


async def _settle(
    uow: UnitOfWork,
    clock: Clock,
    appeal_id: int,
    staff_member: str,
    status: AppealStatus,
    text: str | None,
) -> Appeal:
    appeal = await _open(uow, appeal_id)
    appeal.answer = text
    appeal.answered_by = staff_member
    appeal.answered_at = clock.now()
    appeal.status = status
    await uow.appeals.save(appeal)
    await uow.commit()
    return appeal


async def answer(
    uow: UnitOfWork, clock: Clock, appeal_id: int, text: str, staff_member: str
) -> Appeal:
    return await _settle(
        uow, clock, appeal_id, staff_member, AppealStatus.ANSWERED, check_text(text)
    )


async def close(uow: UnitOfWork, clock: Clock, appeal_id: int, staff_member: str) -> Appeal:
    """Closed without an answer; who and when are recorded."""
    return await _settle(uow, clock, appeal_id, staff_member, AppealStatus.CLOSED, None)


async def mark_posted(uow: UnitOfWork, appeal: Appeal, chat_id: int, message_id: int) -> None:
    appeal.staff_chat_id = chat_id
    appeal.staff_message_id = message_id
    await uow.appeals.save(appeal)
    await uow.commit()


async def mark_prompted(uow: UnitOfWork, appeal: Appeal, message_id: int) -> None:
    appeal.staff_prompt_id = message_id
    await uow.appeals.save(appeal)
    await uow.commit()
