"""Paying an account's bill (guide section 7): what is due per supplier, the payment a
resident starts, and its outcome, recorded once whichever report of it comes first (a
Telegram ``successful_payment``, YooKassa's notification, the check of a pending payment)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.accounts import linked_account
from domain.errors import (
    AmountTooLarge,
    InvalidAmount,
    InvalidInput,
    NothingToPay,
    PaymentRefused,
    PaymentServiceDown,
    PaymentUnknown,
    RulesNotAccepted,
)
from domain.model import (
    Account,
    Bill,
    BillSupplierLine,
    Contract,
    Payment,
    PaymentItem,
    PaymentMethod,
    PaymentStatus,
    Profile,
    Supplier,
    TelegramUser,
)
from domain.money import allocate, money, parse_amount, to_kopecks
from domain.notifications import queue_payment_alert, queue_payment_result
from domain.ports import (
    Clock,
    PaymentGateway,
    PaymentNotifier,
    PaymentOrder,
    ProviderPayment,
    ReceiptLine,
    UnitOfWork,
)
from domain.validation import is_id, parse_email, parse_phone

logger = logging.getLogger(__name__)

CURRENCY = "RUB"
PAYLOAD_PREFIX = "payment:"  # a Telegram invoice's payload: "payment:<our payment id>"
REPLACED = "replaced"  # the cancel reason of a payment a newer one of its account voided
PAID = "paid"  # the cancel reason of money let go: the account was paid through another form
DESCRIPTION_LENGTH = 128  # what a receipt line and a YooKassa description may hold
# How long the provider is asked about a pending payment: sooner at first, when most
# payments settle, then less often, up to the cap.
FIRST_CHECK = timedelta(seconds=30)
LONGEST_CHECK = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """The retailer's terms of paying through the bot, from settings."""

    max_amount: Decimal  # the most one payment may carry
    sms_receipts: bool  # whether a receipt may go to a phone, or only to an e-mail
    lifetime: timedelta  # how long a started payment may be paid
    vat_code: int  # 54-FZ VAT code of the receipt's lines (1: no VAT)


# --- What is due ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueLine:
    """One supplier's part of the latest bill, shown under the first of its contracts on the
    account (the guide's Fig. 20: "Услуга … ЛС № …"); for a payment made, one contract and
    the amount it paid. ``shares``: each of the supplier's contracts on the account with what
    its services owe by the bill, the proportion a payment of the line is booked by."""

    contract: Contract
    supplier: Supplier
    due: Decimal
    shares: tuple[tuple[int, Decimal], ...] = ()

    def booked(self, amount: Decimal) -> list[PaymentItem]:
        """What paying ``amount`` of this line pays of each of its contracts: billing posts
        each service's money to its own contract."""
        shares = self.shares or ((self.contract_id, self.due),)
        parts = allocate(amount, [owed for _, owed in shares])
        return [
            PaymentItem(contract_id=contract_id, amount=part)
            for (contract_id, _), part in zip(shares, parts, strict=True)
            if part > 0
        ]

    @property
    def contract_id(self) -> int:
        assert self.contract.id is not None
        return self.contract.id

    @property
    def description(self) -> str:
        """The receipt's line: the service, its supplier and the supplier's account."""
        contract = self.contract
        return f"{contract.service}, {self.supplier.name}, {contract.supplier_account_number}"[
            :DESCRIPTION_LENGTH
        ]


@dataclass(frozen=True, slots=True)
class Due:
    """What an account owes: the latest bill's lines, less what was paid through the bot
    since and is not in a bill yet."""

    account: Account
    period: date | None
    lines: list[DueLine]

    @property
    def total(self) -> Decimal:
        return sum((line.due for line in self.lines), Decimal("0.00"))

    def line(self, contract_id: int) -> DueLine:
        """A line of this account: whatever id a button carries is checked here."""
        for line in self.lines:
            if line.contract_id == contract_id:
                return line
        raise NothingToPay


async def amount_due(uow: UnitOfWork, account: Account) -> Due:
    assert account.id is not None
    bill = await uow.bills.latest(account.id)
    if bill is None:
        return Due(account, None, [])
    contracts = await uow.contracts.of_account(account.id)
    unbilled: dict[int, Decimal] = {}
    for item in await uow.payments.items_of_account(account.id, unbilled=True):
        unbilled[item.contract_id] = unbilled.get(item.contract_id, Decimal(0)) + item.amount
    lines = []
    for block in bill.suppliers:
        own = [(c, s) for c, s in contracts if c.supplier_id == block.supplier_id]
        if not own:
            continue
        contract, supplier = own[0]
        paid = sum((unbilled.get(c.id, Decimal(0)) for c, _ in own if c.id is not None), Decimal(0))
        lines.append(
            DueLine(
                contract,
                supplier,
                money(max(block.to_pay - paid, Decimal(0))),
                _shares(block, [c for c, _ in own]),
            )
        )
    return Due(account, bill.period, lines)


def _shares(
    block: BillSupplierLine, contracts: Sequence[Contract]
) -> tuple[tuple[int, Decimal], ...]:
    """What each contract's services owe at the end of the bill. A line counts under the
    contract its name begins with ("Электроэнергия (ночь) сверх соц. нормы" under
    "Электроэнергия (ночь)"), the longest such, else under the first."""
    owed = {c.id: Decimal(0) for c in contracts}
    for service in block.services:
        named = [c for c in contracts if service.service.startswith(c.service)]
        key = max(named, key=lambda c: len(c.service), default=contracts[0]).id
        owed[key] += max(service.debt_end, Decimal(0))
    return tuple((contract_id, amount) for contract_id, amount in owed.items() if contract_id)


class BillPaid(StrEnum):
    FULL = "full"
    PART = "part"
    NO = "no"  # nothing paid since, or a bill that is no longer the one to pay


async def bill_paid(uow: UnitOfWork, account: Account, bill: Bill) -> tuple[BillPaid, Decimal]:
    """How much of ``bill`` payments since it have paid, and what is left: only the latest
    bill is still to pay, an older one's debt is carried on into the next."""
    due = await amount_due(uow, account)
    if due.period != bill.period or bill.total <= 0 or due.total >= bill.total:
        return BillPaid.NO, due.total
    return (BillPaid.FULL if due.total == 0 else BillPaid.PART), due.total


async def total_due(uow: UnitOfWork, accounts: Sequence[Account]) -> Decimal:
    """What the accounts owe together, as the main menu shows it."""
    return sum([(await amount_due(uow, account)).total for account in accounts], Decimal("0.00"))


async def due_of(uow: UnitOfWork, profile: Profile, account_id: int) -> Due:
    """What one of the profile's accounts owes."""
    return await amount_due(uow, await linked_account(uow, profile, account_id))


# --- What the resident types ---------------------------------------------------------------


def read_amount(text: str, terms: PaymentTerms) -> Decimal:
    """An amount to pay as a resident types it: 0 skips a line."""
    try:
        amount = parse_amount(text)
    except InvalidAmount:
        raise InvalidInput("amount") from None
    if amount < 0:
        raise InvalidInput("amount")
    if amount > terms.max_amount:
        raise AmountTooLarge(terms.max_amount)
    return amount


def read_contact(text: str, terms: PaymentTerms) -> str:
    """Where the receipt goes: an e-mail, or a phone where the retailer sends SMS receipts."""
    if "@" in text or not terms.sms_receipts:
        return parse_email(text)
    return parse_phone(text)


async def receipt_contact(uow: UnitOfWork, profile: Profile, terms: PaymentTerms) -> str:
    """Where the receipt goes unless the resident says otherwise: where they had the last one
    sent (while the retailer still sends that way), or the profile's e-mail."""
    assert profile.id is not None
    last = await uow.payments.last_receipt_contact(profile.id)
    try:
        return read_contact(last, terms) if last else profile.email
    except InvalidInput:
        return profile.email  # a phone, where SMS receipts are no longer sent


# --- Starting a payment ----------------------------------------------------------------------


async def start_payment(
    uow: UnitOfWork,
    clock: Clock,
    user: TelegramUser,
    profile: Profile,
    account_id: int,
    amounts: Mapping[int, Decimal],
    contact: str,
    method: PaymentMethod,
    terms: PaymentTerms,
    *,
    rules_accepted: bool,
) -> Payment:
    """Records a pending payment of the chosen amounts, committed before the resident is
    sent to pay. Amounts are per contract of the account's due lines; zero skips one."""
    if not rules_accepted:
        raise RulesNotAccepted
    due = await due_of(uow, profile, account_id)
    items = [
        item
        for contract_id, amount in sorted(amounts.items())
        if amount > 0
        for item in due.line(contract_id).booked(money(amount))
    ]
    total = sum((item.amount for item in items), Decimal("0.00"))
    if total <= 0:
        raise NothingToPay
    if total > terms.max_amount:
        raise AmountTooLarge(terms.max_amount)
    now = clock.now()
    # One payable form per account: what was started before can no longer be paid.
    await uow.payments.void_pending(account_id, REPLACED)
    payment = Payment(
        account_id=account_id,
        profile_id=profile.id,
        telegram_id=user.telegram_id,
        method=method,
        amount=total,
        items=items,
        receipt_contact=read_contact(contact, terms),
        idempotence_key=secrets.token_hex(16),
        created_at=now,
        expires_at=now + terms.lifetime,
    )
    await uow.payments.add(payment)
    await uow.commit()
    return payment


async def _paid_contracts(uow: UnitOfWork, payment: Payment) -> list[DueLine]:
    lines = []
    for item in payment.items:
        found = await uow.contracts.get(item.contract_id)
        assert found is not None
        lines.append(DueLine(*found, item.amount))
    return lines


async def paid_lines(uow: UnitOfWork, payment: Payment) -> list[DueLine]:
    """What the payment paid, as the resident is told it: per supplier's account, as the
    form offered it."""
    lines: dict[tuple[int, str], DueLine] = {}
    for line in await _paid_contracts(uow, payment):
        key = (line.contract.supplier_id, line.contract.supplier_account_number)
        kept = lines.get(key)
        lines[key] = (
            line if kept is None else DueLine(kept.contract, kept.supplier, kept.due + line.due)
        )
    return list(lines.values())


async def receipt_lines(uow: UnitOfWork, payment: Payment) -> list[ReceiptLine]:
    """One receipt line per service (contract) the payment pays."""
    return [ReceiptLine(line.description, line.due) for line in await _paid_contracts(uow, payment)]


def fiscal_receipt(contact: str, lines: Sequence[ReceiptLine], vat_code: int) -> dict[str, Any]:
    """The 54-FZ receipt in the form YooKassa takes it, through its own API or through a
    Telegram invoice's ``provider_data``: a service paid in full, per line."""
    customer = {"email": contact} if "@" in contact else {"phone": contact.lstrip("+")}
    return {
        "customer": customer,
        "items": [
            {
                "description": line.description,
                "quantity": "1.00",
                "amount": {"value": f"{line.amount:.2f}", "currency": CURRENCY},
                "vat_code": vat_code,
                "payment_subject": "service",
                "payment_mode": "full_payment",
            }
            for line in lines
        ],
    }


async def payment_page(
    uow: UnitOfWork,
    clock: Clock,
    gateway: PaymentGateway,
    payment: Payment,
    description: str,
    return_url: str,
) -> str:
    """The address of the provider's page where the resident pays. Asked again (the provider
    was down, the resident pressed twice) it creates nothing new: the idempotence key is the
    payment's own."""
    assert payment.id is not None
    if payment.status is not PaymentStatus.PENDING:
        raise PaymentRefused(payment.status.value)
    if payment.confirmation_url:
        return payment.confirmation_url
    assert payment.idempotence_key and payment.receipt_contact
    order = PaymentOrder(
        payment_id=payment.id,
        amount=payment.amount,
        description=description[:DESCRIPTION_LENGTH],
        receipt_contact=payment.receipt_contact,
        lines=await receipt_lines(uow, payment),
        idempotence_key=payment.idempotence_key,
        return_url=return_url,
    )
    created = await gateway.create(order)
    if not created.confirmation_url:
        raise PaymentServiceDown
    await uow.payments.save_provider(payment.id, created.id, created.confirmation_url)
    await uow.payments.schedule_check(payment.id, 0, clock.now() + FIRST_CHECK)
    await uow.commit()
    return created.confirmation_url


# --- A Telegram invoice ----------------------------------------------------------------------


def invoice_payload(payment: Payment) -> str:
    return f"{PAYLOAD_PREFIX}{payment.id}"


async def _invoiced(uow: UnitOfWork, telegram_id: int, payload: str) -> Payment:
    """The payment an invoice's payload names, if it was the payer's invoice."""
    number = payload.removeprefix(PAYLOAD_PREFIX)
    if not payload.startswith(PAYLOAD_PREFIX) or not is_id(number):
        raise PaymentRefused("unknown")
    payment = await uow.payments.get(int(number))
    if (
        payment is None
        or payment.method is not PaymentMethod.TELEGRAM
        or payment.telegram_id != telegram_id
    ):
        raise PaymentRefused("unknown")
    return payment


async def check_checkout(
    uow: UnitOfWork, clock: Clock, telegram_id: int, payload: str, currency: str, total: int
) -> Payment:
    """Telegram asks, before it charges, whether the invoice may be paid: the payer's, the
    account still linked to their profile, the newest form of the account, on time, as
    stored. Refusing belongs here alone: once Telegram charged, the payment is recorded."""
    payment = await _invoiced(uow, telegram_id, payload)
    if payment.profile_id is None or not await uow.links.is_linked(
        payment.profile_id, payment.account_id
    ):
        raise PaymentRefused("unknown")
    # Paid comes first: a resident who paid through a newer form hears that it is paid.
    if payment.status is PaymentStatus.SUCCEEDED or await paid_since(uow, payment):
        raise PaymentRefused(PAID)
    if payment.status is PaymentStatus.CANCELED and payment.cancel_reason == REPLACED:
        raise PaymentRefused(REPLACED)
    if payment.status is not PaymentStatus.PENDING:
        raise PaymentRefused(payment.status.value)
    if payment.expired(clock.now()):
        raise PaymentRefused("expired")
    if currency != CURRENCY or total != to_kopecks(payment.amount):
        raise PaymentRefused("changed")
    return payment


async def record_telegram_payment(
    uow: UnitOfWork,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway | None,
    telegram_id: int,
    payload: str,
    currency: str,
    total: int,
    provider_payment_id: str,
) -> bool:
    """Telegram reports the invoice paid: money taken, recorded against the payment the
    invoice names whatever happened to it since (the account unlinked, the resident logged
    out, the form expired or replaced). With the provider's API at hand its word is checked
    there first; an API that does not answer does not hold up a payment Telegram has taken.
    What cannot be recorded is told to staff. True when this report recorded it."""
    try:
        payment = await _invoiced(uow, telegram_id, payload)
    except PaymentRefused:
        payment = None
    if payment is None or currency != CURRENCY or total != to_kopecks(payment.amount):
        logger.error(
            "Telegram took %s %s from user %s for invoice %r, which asked %s",
            total,
            currency,
            telegram_id,
            payload[:64],
            payment and to_kopecks(payment.amount),
        )
        await queue_payment_alert(
            uow,
            clock,
            notifier.staff_chat_id,
            "unknown",
            provider_id=provider_payment_id[:64],
            telegram_id=telegram_id,
            amount=str(Decimal(total) / 100),
        )
        await uow.commit()
        return False
    if gateway is not None:
        try:
            reported = await gateway.fetch(provider_payment_id)
        except (PaymentServiceDown, PaymentUnknown):
            logger.warning(
                "payment %s: not checked with the provider, which did not answer", payment.id
            )
        else:
            if reported.status != "succeeded" or reported.amount != payment.amount:
                logger.error(
                    "payment %s: the provider reports %s %s for %s",
                    payment.id,
                    reported.status,
                    reported.amount,
                    provider_payment_id,
                )
                return False
    return await _settle(
        uow, clock, notifier, payment, PaymentStatus.SUCCEEDED, provider_id=provider_payment_id
    )


# --- The provider's word -----------------------------------------------------------------------


async def _settle(
    uow: UnitOfWork,
    clock: Clock,
    notifier: PaymentNotifier,
    payment: Payment,
    status: PaymentStatus,
    *,
    provider_id: str | None = None,
    reason: str | None = None,
) -> bool:
    """Records the outcome once, whoever reports it and however often; only the report that
    recorded it tells the payer. Money taken counts whatever the payment's status here
    (expired, or voided by a newer form), and staff hear of one that should not have been
    taken."""
    assert payment.id is not None
    came_from = (
        (PaymentStatus.PENDING, PaymentStatus.EXPIRED, PaymentStatus.CANCELED)
        if status is PaymentStatus.SUCCEEDED
        else (PaymentStatus.PENDING,)
    )
    was = payment.status
    moved = await uow.payments.settle(
        payment.id,
        status,
        came_from,
        at=clock.now(),
        provider_payment_id=provider_id,
        reason=reason,
    )
    if moved:
        payment.status = status
        await queue_payment_result(uow, clock, payment)
        if status is PaymentStatus.SUCCEEDED:
            alert = await _irregular(uow, payment, was)
            if alert:
                await queue_payment_alert(
                    uow, clock, notifier.staff_chat_id, alert, payment_id=payment.id
                )
    await uow.commit()
    if moved:
        settled = await uow.payments.get(payment.id)
        assert settled is not None
        await notifier.settled(uow, settled)
    return moved


async def _irregular(uow: UnitOfWork, payment: Payment, was: PaymentStatus) -> str | None:
    """Why staff should look at a payment just recorded as taken: it was paid on a form a
    newer one replaced, or after it expired here, or it pays a bill that another payment
    through the bot had paid already; None when nothing is amiss."""
    if was is PaymentStatus.CANCELED:
        return REPLACED
    if was is PaymentStatus.EXPIRED:
        return "expired"
    bill = await uow.bills.latest(payment.account_id)
    if bill is None:
        return None
    items = await uow.payments.items_of_account(payment.account_id, unbilled=True)
    paid = sum((i.amount for i in items), Decimal(0))
    if paid > payment.amount and paid > sum((b.to_pay for b in bill.suppliers), Decimal(0)):
        return "twice"
    return None


async def apply_report(
    uow: UnitOfWork,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway,
    payment: Payment,
    reported: ProviderPayment,
) -> bool:
    """What the provider says of the payment: money held is taken or let go, succeeded or
    canceled settle it; anything else leaves it pending. True when this report recorded the
    outcome."""
    if reported.status == "waiting_for_capture":
        return await _held(uow, clock, notifier, gateway, payment, reported)
    if reported.status == "succeeded":
        if reported.amount != payment.amount:
            logger.error(
                "payment %s: the provider reports %s paid, %s was asked",
                payment.id,
                reported.amount,
                payment.amount,
            )
            return False
        return await _settle(
            uow, clock, notifier, payment, PaymentStatus.SUCCEEDED, provider_id=reported.id
        )
    if reported.status == "canceled":
        return await _settle(
            uow, clock, notifier, payment, PaymentStatus.CANCELED, reason=reported.cancel_reason
        )
    return False


async def _held(
    uow: UnitOfWork,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway,
    payment: Payment,
    reported: ProviderPayment,
) -> bool:
    """The payer's money, held by the provider until the bot takes it: taken for the
    account's one payable form (also past its time here: paid on the page the payer had),
    let go for a form a newer one replaced or one the account was paid through another
    since, so that one bill is paid once. Each call carries a key derived from the
    payment's, so that a notification and the check job at once, in two processes, take or
    let go once."""
    assert payment.id is not None and payment.idempotence_key is not None
    voided = payment.status is PaymentStatus.CANCELED
    if not (voided or await paid_since(uow, payment)):
        taken = await gateway.capture(
            reported.id, payment.amount, f"{payment.idempotence_key}-capture"
        )
        return await apply_report(uow, clock, notifier, gateway, payment, taken)
    let_go = await gateway.cancel(reported.id, f"{payment.idempotence_key}-cancel")
    if let_go.status != "canceled":
        return False  # the provider has not let it go yet: asked again by the check job
    if not voided:
        return await _settle(uow, clock, notifier, payment, PaymentStatus.CANCELED, reason=PAID)
    # Voided before: the payer hears once (the notice's key is the payment's and its status)
    # that the money they put on the replaced form goes back.
    await queue_payment_result(uow, clock, payment)
    await uow.commit()
    return False


async def paid_since(uow: UnitOfWork, payment: Payment) -> bool:
    """Whether the account was paid through another payment after this form was opened: the
    form no longer pays what it was opened for. Its own success does not count: a report
    handled at the same time as the one that took the money must not let it go."""
    return any(
        item.payment_id != payment.id
        for item in await uow.payments.items_of_account(
            payment.account_id, since=payment.created_at
        )
    )


async def provider_notified(
    uow: UnitOfWork,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway,
    provider_payment_id: str,
) -> bool:
    """A notification names a payment: nothing in it is believed until the provider, asked
    by that id, confirms it. True when it recorded the outcome."""
    reported = await gateway.fetch(provider_payment_id)
    payment = await uow.payments.by_provider_id(reported.id)
    if payment is None and reported.payment_id is not None:
        # Created at the provider, but its answer never reached us (a timeout).
        payment = await uow.payments.get(reported.payment_id)
        if payment is not None and payment.provider_payment_id is None:
            assert payment.id is not None
            await uow.payments.save_provider(payment.id, reported.id, reported.confirmation_url)
            await uow.commit()
    if payment is None or payment.method is not PaymentMethod.YOOKASSA:
        logger.warning("a notification of payment %s, which is not ours", provider_payment_id)
        return False
    return await apply_report(uow, clock, notifier, gateway, payment, reported)


def next_check(checks: int) -> timedelta:
    return min(FIRST_CHECK * (1 << checks), LONGEST_CHECK)


async def check_pending(
    uow: UnitOfWork,
    clock: Clock,
    notifier: PaymentNotifier,
    gateway: PaymentGateway,
    limit: int = 100,
) -> int:
    """Asks the provider about pending payments no notification settled, each less often as
    it waits; one still pending when its time is up expires. The number settled."""
    settled = 0
    now = clock.now()
    for payment in await uow.payments.due_for_check(now, limit):
        assert payment.id is not None and payment.provider_payment_id is not None
        reported, recorded = None, False
        try:
            reported = await gateway.fetch(payment.provider_payment_id)
            recorded = await apply_report(uow, clock, notifier, gateway, payment, reported)
        except (PaymentServiceDown, PaymentUnknown):
            pass  # asked again later, as if it had not answered
        if recorded:
            settled += 1
        elif (
            reported is None
            # Money held, not yet taken or let go (the provider did not answer that call).
            or reported.status == "waiting_for_capture"
            or (reported.status == "pending" and not payment.expired(now))
        ):
            await uow.payments.schedule_check(
                payment.id, payment.checks + 1, now + next_check(payment.checks + 1)
            )
            await uow.commit()
        elif payment.status is PaymentStatus.PENDING and reported.status == "pending":
            settled += await _settle(uow, clock, notifier, payment, PaymentStatus.EXPIRED)
        else:
            # Settled at the provider, or a voided payment past its time: nothing to ask.
            await uow.payments.schedule_check(payment.id, payment.checks, None)
            await uow.commit()
    return settled
