"""Appeals and questions (guide sections 11 and 12), and the staff's answers to them. Each use
case is one call that checks, records (committed) and then tells whoever must hear of it
through the AppealNotifier port."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from domain.accounts import linked_account
from domain.errors import (
    AppealNotFound,
    AppealNotOpen,
    AppealTextInvalid,
    AttachmentsFull,
    SupplierNotFound,
)
from domain.history import Period
from domain.model import (
    Appeal,
    AppealKind,
    AppealStatus,
    Attachment,
    CloseReason,
    Meter,
    Profile,
    Supplier,
)
from domain.notifications import queue_appeal_answered
from domain.ports import AppealNotifier, Clock, Store, UnitOfWork

logger = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # characters: a page of text, well within one Telegram message
POST_CLAIM = timedelta(minutes=5)  # longer than any post with its attachments takes
ATTACHMENT_LIMIT = 5


def check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > TEXT_LIMIT:
        raise AppealTextInvalid(TEXT_LIMIT)
    return cleaned


def attach(attachments: Sequence[Attachment], new: Attachment) -> list[Attachment]:
    """The attachments with one more; raises AttachmentsFull past the limit."""
    if len(attachments) >= ATTACHMENT_LIMIT:
        raise AttachmentsFull(ATTACHMENT_LIMIT)
    return [*attachments, new]


async def suppliers_of(
    uow: UnitOfWork, profile: Profile, account_id: int, retailer: str
) -> list[Supplier]:
    """Whom the resident may write to about the account: its suppliers, and the retailer
    (billing's supplier code ``retailer``) whether or not it supplies the account itself, as
    the one who issues a single bill (ЕПД) of the others' services."""
    await linked_account(uow, profile, account_id)
    seen: dict[int, Supplier] = {}
    for _contract, supplier in await uow.contracts.of_account(account_id):
        assert supplier.id is not None
        seen.setdefault(supplier.id, supplier)
    if not any(supplier.code == retailer for supplier in seen.values()):
        itself = await uow.suppliers.by_code(retailer)
        if itself is not None:
            return [itself, *seen.values()]
    return list(seen.values())


async def supplier_of(
    uow: UnitOfWork, profile: Profile, account_id: int, supplier_id: int, retailer: str
) -> Supplier:
    """One supplier of the profile's account: whatever id a button carries is checked here."""
    for supplier in await suppliers_of(uow, profile, account_id, retailer):
        if supplier.id == supplier_id:
            return supplier
    raise SupplierNotFound(supplier_id)


async def about_expired_meter(
    uow: UnitOfWork, clock: Clock, profile: Profile, account_id: int
) -> tuple[Meter, Supplier] | None:
    """An expired meter of the profile's account and the supplier to tell of it: the one
    whose contract the meter counts for."""
    await linked_account(uow, profile, account_id)
    for meter in await uow.meters.of_account(account_id):
        if meter.verification_expired(clock.today()) and meter.contract_id is not None:
            found = await uow.contracts.get(meter.contract_id)
            if found is not None:
                return meter, found[1]
    return None


async def submit(
    uow: UnitOfWork,
    clock: Clock,
    notifier: AppealNotifier,
    profile: Profile,
    account_id: int,
    supplier_id: int,
    kind: AppealKind,
    text: str,
    attachments: Sequence[Attachment],
    *,
    retailer: str,
) -> Appeal:
    """Stores the appeal (committed) before anyone is told about it; then staff are told. Not
    reaching them is not the resident's concern: the appeal waits for the retry job."""
    await supplier_of(uow, profile, account_id, supplier_id, retailer)
    if len(attachments) > ATTACHMENT_LIMIT:
        raise AttachmentsFull(ATTACHMENT_LIMIT)
    appeal = Appeal(
        kind=kind,
        profile_id=profile.id,
        account_id=account_id,
        supplier_id=supplier_id,
        text=check_text(text),
        attachments=list(attachments),
        created_at=clock.now(),
    )
    await uow.appeals.add(appeal)
    await uow.commit()
    try:
        await _post(uow, clock, notifier, appeal)
    except Exception:
        # The appeal is saved and the resident must hear so, or they would send it again;
        # the retry job posts it once the cause is mended.
        logger.exception("appeal %s saved but not posted", appeal.id)
    return appeal


async def _post(uow: UnitOfWork, clock: Clock, notifier: AppealNotifier, appeal: Appeal) -> bool:
    """Posts the appeal to staff once: it is claimed first, so that the retry job (in this
    process or another) never posts it while a post is in flight. A claim left by a process
    that died lapses after POST_CLAIM."""
    assert appeal.id is not None
    now = clock.now()
    if not await uow.appeals.claim_post(appeal.id, now, now - POST_CLAIM):
        return False
    await uow.commit()
    posted = await notifier.filed(uow, appeal)
    if not posted:
        await uow.appeals.release_post(appeal.id)
        await uow.commit()
    return posted


async def appeals_of(
    uow: UnitOfWork, profile: Profile, account_id: int, period: Period, clock: Clock
) -> list[Appeal]:
    await linked_account(uow, profile, account_id)
    return [
        a
        for a in await uow.appeals.of_account(account_id)
        if clock.local(a.created_at).date() in period
    ]


async def appeal_of(uow: UnitOfWork, profile: Profile, account_id: int, appeal_id: int) -> Appeal:
    """One appeal of the profile's account: whatever id a button carries is checked here."""
    await linked_account(uow, profile, account_id)
    appeal = await uow.appeals.get(appeal_id)
    if appeal is None or appeal.account_id != account_id:
        raise AppealNotFound(appeal_id)
    return appeal


async def waiting(uow: UnitOfWork) -> Sequence[Appeal]:
    """The appeals nobody answered or closed, oldest first."""
    return await uow.appeals.open()


async def open_appeal(uow: UnitOfWork, appeal_id: int) -> Appeal:
    appeal = await uow.appeals.get(appeal_id)
    if appeal is None:
        raise AppealNotFound(appeal_id)
    if appeal.status is not AppealStatus.OPEN:
        raise AppealNotOpen(appeal)
    return appeal


async def _settle(
    uow: UnitOfWork,
    clock: Clock,
    notifier: AppealNotifier,
    appeal: Appeal,
    staff_member: str,
    status: AppealStatus,
    text: str | None,
) -> Appeal:
    """Answers or closes the appeal once: of two staff members settling it at the same time,
    the second is told who was first, and the resident hears only the first."""
    appeal.answer = text
    appeal.answered_by = staff_member
    appeal.answered_at = clock.now()
    appeal.status = status
    if not await uow.appeals.settle(appeal):
        await uow.rollback()
        first = await uow.appeals.get(appeal.id) if appeal.id is not None else None
        raise AppealNotOpen(first or appeal)
    await queue_appeal_answered(uow, clock, appeal)
    await uow.commit()
    await notifier.settled(uow, appeal)
    return appeal


async def answer_post(
    uow: UnitOfWork,
    clock: Clock,
    notifier: AppealNotifier,
    chat_id: int,
    message_id: int,
    text: str,
    staff_member: str,
) -> Appeal:
    """A staff reply to an appeal's post (or to the prompt for its answer) answers it. Raises
    AppealNotFound for a reply to anything else."""
    appeal = await uow.appeals.by_staff_message(chat_id, message_id)
    if appeal is None or appeal.id is None:
        raise AppealNotFound(message_id)
    appeal = await open_appeal(uow, appeal.id)
    answer = check_text(text)
    return await _settle(uow, clock, notifier, appeal, staff_member, AppealStatus.ANSWERED, answer)


async def close(
    uow: UnitOfWork,
    clock: Clock,
    notifier: AppealNotifier,
    appeal_id: int,
    staff_member: str,
    reason: CloseReason,
) -> Appeal:
    """Closed without an answer, for a reason the resident is told; who and when are
    recorded."""
    appeal = await open_appeal(uow, appeal_id)
    appeal.close_reason = reason
    return await _settle(uow, clock, notifier, appeal, staff_member, AppealStatus.CLOSED, None)


async def prompt_answer(uow: UnitOfWork, notifier: AppealNotifier, appeal_id: int) -> Appeal:
    """Staff pressed "answer": the bot asks for the reply, and a reply to that prompt counts
    as the answer too."""
    appeal = await open_appeal(uow, appeal_id)
    prompt_id = await notifier.prompt_answer(appeal)
    if prompt_id is not None:
        appeal.staff_prompt_id = prompt_id
        await uow.appeals.save(appeal)
        await uow.commit()
    return appeal


async def forget_author(uow: UnitOfWork, clock: Clock, profile_id: int) -> list[Appeal]:
    """Empties the profile's appeals of its words (text, attachments, answer), closing the
    open ones: they stay as a record that an appeal was made on the account, and when. The
    appeals whose staff post needs editing are returned; the caller commits."""
    forgotten = []
    for appeal in await uow.appeals.of_profile(profile_id):
        if appeal.forgotten_at is not None:
            continue
        appeal.forgotten_at = now = clock.now()
        appeal.text, appeal.attachments, appeal.answer = "", [], None
        if appeal.status is AppealStatus.OPEN:
            appeal.status, appeal.answered_at = AppealStatus.CLOSED, now
        await uow.appeals.save(appeal)
        forgotten.append(appeal)
    return forgotten


async def mark_posted(uow: UnitOfWork, appeal: Appeal, chat_id: int, message_id: int) -> None:
    appeal.staff_chat_id = chat_id
    appeal.staff_message_id = message_id
    await uow.appeals.save(appeal)
    await uow.commit()


async def post_unposted(store: Store, clock: Clock, notifier: AppealNotifier) -> int:
    """The retry job: posts the appeals staff did not get; returns how many went. One that
    cannot be posted does not hold up the others."""
    posted = 0
    async with store.unit_of_work() as uow:
        for appeal in await uow.appeals.unposted():
            posted += await _post(uow, clock, notifier, appeal)
    return posted
