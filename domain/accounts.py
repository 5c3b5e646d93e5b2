"""Linking personal accounts with a control question (guide section 5) and working with the
linked ones (section 6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.attempts import locked_until
from domain.errors import (
    AccountNotFound,
    AlreadyLinked,
    EmailNotConfirmed,
    InvalidAmount,
    InvalidInput,
    LinkLocked,
    WrongAnswer,
)
from domain.model import Account, AccountLink, Bill, LinkFailure, Profile, Relation, TelegramUser
from domain.money import parse_amount
from domain.ports import Clock, UnitOfWork

LINK_ATTEMPTS = 5
LINK_LOCK = timedelta(hours=24)


class ControlQuestion(StrEnum):
    LINK_CODE = "code"  # the code printed on the bill for linking the account
    TOTAL = "total"  # "ИТОГО/ВСЕГО К ОПЛАТЕ" of the latest bill, to the kopeck


def normalize_account_number(text: str) -> str:
    number = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{6,20}", number):
        raise InvalidInput("account-number")
    return number


async def _lock_until(
    uow: UnitOfWork, clock: Clock, profile_id: int, account_id: int
) -> datetime | None:
    now = clock.now()
    failures = await uow.link_failures.since(profile_id, account_id, now - 2 * LINK_LOCK)
    until = locked_until(failures, LINK_ATTEMPTS, LINK_LOCK)
    return until if until is not None and now < until else None


async def find_account(uow: UnitOfWork, clock: Clock, profile: Profile, text: str) -> Account:
    """The account a resident asks to link, once they may try."""
    assert profile.id is not None
    if not profile.email_confirmed:
        raise EmailNotConfirmed
    number = normalize_account_number(text)
    account = await uow.accounts.by_number(number)
    if account is None or account.id is None:
        raise AccountNotFound
    if await uow.links.is_linked(profile.id, account.id):
        raise AlreadyLinked
    until = await _lock_until(uow, clock, profile.id, account.id)
    if until is not None:
        raise LinkLocked(until)
    return account


async def _is_right(
    uow: UnitOfWork, account: Account, question: ControlQuestion, answer: str
) -> bool:
    if question is ControlQuestion.LINK_CODE:
        return answer.strip() == account.link_code
    try:
        amount = parse_amount(answer)
    except InvalidAmount:
        return False
    assert account.id is not None
    bill = await uow.bills.latest(account.id)
    return bill is not None and amount in bill.totals


async def answer_control_question(
    uow: UnitOfWork,
    clock: Clock,
    user: TelegramUser,
    profile: Profile,
    number: str,
    relation: Relation,
    question: ControlQuestion,
    answer: str,
) -> Account:
    """Links the account when the answer is right; counts a wrong one."""
    account = await find_account(uow, clock, profile, number)
    assert profile.id is not None and account.id is not None
    if not await _is_right(uow, account, question, answer):
        await uow.link_failures.add(
            LinkFailure(profile_id=profile.id, account_id=account.id, at=clock.now())
        )
        await uow.commit()
        until = await _lock_until(uow, clock, profile.id, account.id)
        if until is not None:
            raise LinkLocked(until)
        recent = await uow.link_failures.since(profile.id, account.id, clock.now() - LINK_LOCK)
        raise WrongAnswer(LINK_ATTEMPTS - len(recent))
    await uow.links.add(
        AccountLink(
            profile_id=profile.id, account_id=account.id, relation=relation, linked_at=clock.now()
        )
    )
    await uow.link_failures.clear(profile.id, account.id)
    user.last_account_id = account.id
    await uow.telegram_users.save(user)
    await uow.commit()
    return account


async def linked_account(uow: UnitOfWork, profile: Profile, account_id: int) -> Account:
    """One of the profile's accounts: whatever id a button carries is checked here."""
    assert profile.id is not None
    account = await uow.accounts.get(account_id)
    if account is None or not await uow.links.is_linked(profile.id, account_id):
        raise AccountNotFound
    return account


@dataclass(frozen=True, slots=True)
class AccountCard:
    """An account as its card shows it: with the latest bill, if there is one."""

    account: Account
    latest_bill: Bill | None


async def account_card(uow: UnitOfWork, profile: Profile, account_id: int) -> AccountCard:
    account = await linked_account(uow, profile, account_id)
    return AccountCard(account, await uow.bills.latest(account_id))


async def open_account(
    uow: UnitOfWork, user: TelegramUser, profile: Profile, account_id: int
) -> Account:
    """Opens a linked account and remembers it as the last one used."""
    account = await linked_account(uow, profile, account_id)
    if user.last_account_id != account_id:
        user.last_account_id = account_id
        await uow.telegram_users.save(user)
        await uow.commit()
    return account


async def unlink(uow: UnitOfWork, user: TelegramUser, profile: Profile, account_id: int) -> None:
    account = await linked_account(uow, profile, account_id)
    assert profile.id is not None and account.id is not None
    await uow.links.remove(profile.id, account.id)
    if user.last_account_id == account.id:
        user.last_account_id = None
        await uow.telegram_users.save(user)
    await uow.commit()
