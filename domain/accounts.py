"""Linking personal accounts with a control question (guide section 5) and working with the
linked ones (section 6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from domain.attempts import Limit, clear_attempts, locked_until, take_attempt
from domain.errors import (
    AccountNotFound,
    AlreadyLinked,
    EmailNotConfirmed,
    InvalidAmount,
    InvalidInput,
    LinkLocked,
    WrongAnswer,
)
from domain.model import Account, AccountLink, Bill, Profile, Relation, TelegramUser
from domain.money import parse_amount
from domain.ports import Clock, UnitOfWork

# What a link code printed on a bill can be (the billing import takes 4 to 32 characters).
LINK_CODE = re.compile(r"\S{4,32}")

LINK_ATTEMPTS = 5
LINK_LOCK = timedelta(hours=24)
LINK = Limit("link", LINK_ATTEMPTS, LINK_LOCK)


class ControlQuestion(StrEnum):
    LINK_CODE = "code"  # the code printed on the bill for linking the account
    TOTAL = "total"  # "ИТОГО/ВСЕГО К ОПЛАТЕ" of the latest bill, to the kopeck


def normalize_account_number(text: str) -> str:
    number = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{6,20}", number):
        raise InvalidInput("account-number")
    return number


def _link_key(profile_id: int, account_id: int) -> str:
    return f"{profile_id}:{account_id}"


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
    until = await locked_until(uow, LINK, _link_key(profile.id, account.id), clock.now())
    if until is not None:
        raise LinkLocked(until)
    return account


def read_answer(question: ControlQuestion, text: str) -> str | Decimal:
    """The answer as the question takes it. Text that cannot be an answer (not a code, not an
    amount) raises InvalidInput and costs no attempt."""
    if question is ControlQuestion.LINK_CODE:
        code = text.strip()
        if not LINK_CODE.fullmatch(code):
            raise InvalidInput("link-code")
        return code
    try:
        return parse_amount(text)
    except InvalidAmount:
        raise InvalidInput("total") from None


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
    """Links the account when the answer is right. Each answer is counted before it is
    checked, so at most LINK_ATTEMPTS are ever checked, however many arrive at once."""
    account = await find_account(uow, clock, profile, number)
    assert profile.id is not None and account.id is not None
    given = read_answer(question, answer)
    key = _link_key(profile.id, account.id)
    taken = await take_attempt(uow, LINK, key, clock.now())
    if taken.locked:
        assert taken.until is not None
        raise LinkLocked(taken.until)
    if question is ControlQuestion.LINK_CODE:
        right = given == account.link_code
    else:
        bill = await uow.bills.latest(account.id)
        right = bill is not None and given in bill.totals
    if not right:
        if taken.left == 0:
            raise LinkLocked(clock.now() + LINK_LOCK)
        raise WrongAnswer(taken.left)
    await uow.links.add(
        AccountLink(
            profile_id=profile.id, account_id=account.id, relation=relation, linked_at=clock.now()
        )
    )
    await clear_attempts(uow, LINK, key)
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


async def unlink(
    uow: UnitOfWork, clock: Clock, user: TelegramUser, profile: Profile, account_id: int
) -> None:
    """The account leaves the profile, and the devices the profile issued for it go with it:
    whoever links the account next is not written to by them."""
    account = await linked_account(uow, profile, account_id)
    assert profile.id is not None and account.id is not None
    await uow.links.remove(profile.id, account.id)
    await uow.devices.revoke_of(profile.id, account.id, clock.now())
    if user.last_account_id == account.id:
        user.last_account_id = None
        await uow.telegram_users.save(user)
    await uow.commit()
