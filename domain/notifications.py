"""What the bot tells residents and staff on its own initiative, and when.

Every notification is a row before it is sent: whatever queues it (a scheduled job, a payment
report, a staff answer) queues it under a key naming what it is about, once per chat, so a job
that fires twice, or in two processes, queues nothing new. A sender (``bot.notifications``)
drains the queue within Telegram's limits; it, not the selections, skips a resident who turned
the kind off or blocked the bot, so that rule holds in one place and whenever they changed
their mind.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.errors import UnknownNotificationKind
from domain.model import Appeal, Notification, NotificationKind, Payment, Profile
from domain.ports import Clock, UnitOfWork
from domain.readings import billing_month

Kind = NotificationKind

# What a resident may turn on and off, in the order the settings show them. A payment's
# outcome and an appeal's answer are not among them: they answer what the resident did, and
# the screens promise them.
RESIDENT_KINDS = (
    Kind.READING_WINDOW,
    Kind.METER_EXPIRING,
    Kind.NEW_BILL,
    Kind.READING_REPLACED,
)
EXPIRY_NOTICE_DAYS = (30, 0)  # a meter's verification runs out: a month before, and that day
DIGEST_LIMIT = 30  # appeals named in the staff digest; the count covers them all
# Waits after a failed attempt (not a refusal: those are final); after the last, it fails.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the ``attempts``-th failed try; None: give up."""
    return RETRY_DELAYS[attempts - 1] if 0 < attempts <= len(RETRY_DELAYS) else None


# --- Scheduled: each a run (a broadcast) queued set-based in the database ----------------------


def reading_window_day(today: date, window: tuple[int, int], days_before: int) -> bool:
    """With a 15-25 window and two days before, the reminder goes on the 23rd."""
    return today.day == max(window[0], window[1] - days_before)


async def queue_reading_window(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    days_before: int,
    *,
    any_day: bool = False,
) -> int | None:
    """Queues today's reading reminders, if today is the day (``any_day``: whatever the day);
    how many were new, or None on another day. A meter counts as read by a reading of the
    month from any source, as on the readings screen; a meter past its verification takes no
    reading and is not asked for."""
    today = clock.today()
    if not (any_day or reading_window_day(today, window, days_before)):
        return None
    month, _ = billing_month(today, window)
    key = f"{Kind.READING_WINDOW}:{month:%Y-%m}"
    run = await uow.notifications.broadcast(Kind.READING_WINDOW, key, clock.now())
    queued = await uow.notifications.queue_reading_window(
        run, f"{key}:account ", month, today, month.replace(day=window[1]), clock.now()
    )
    await uow.commit()
    return queued


async def queue_meter_expiring(uow: UnitOfWork, clock: Clock) -> int:
    """Queues today's notices of meters whose verification runs out in 30 days, or today."""
    today = clock.today()
    run = await uow.notifications.broadcast(
        Kind.METER_EXPIRING, f"{Kind.METER_EXPIRING}:{today}", clock.now()
    )
    queued = 0
    for days in EXPIRY_NOTICE_DAYS:
        until = today + timedelta(days=days)
        queued += await uow.notifications.queue_meter_expiring(
            run, f"{Kind.METER_EXPIRING}:{until}:{days}:meter ", until, days, clock.now()
        )
    await uow.commit()
    return queued


async def queue_appeals_digest(uow: UnitOfWork, clock: Clock, staff_chat_id: int, days: int) -> int:
    """Queues for the staff group, once a day, the appeals open for ``days`` days or more."""
    now = clock.now()
    late = [a for a in await uow.appeals.open() if a.created_at <= now - timedelta(days=days)]
    if not late:
        return 0
    digest = Notification(
        chat_id=staff_chat_id,
        kind=Kind.APPEALS_DIGEST,
        key=f"{Kind.APPEALS_DIGEST}:{clock.today()}",
        args={
            "count": len(late),
            "days": days,
            "appeals": [[a.id, (now - a.created_at).days] for a in late[:DIGEST_LIMIT]],
        },
    )
    queued = await uow.notifications.queue([digest], now)
    await uow.commit()
    return queued


# --- Events: queued in the transaction that records what happened ------------------------------


async def queue_payment_result(uow: UnitOfWork, clock: Clock, payment: Payment) -> None:
    """The payer hears of the outcome; a payment that expired here and was paid after all
    is told of twice, once per outcome."""
    if payment.telegram_id is None:
        return
    notice = Notification(
        chat_id=payment.telegram_id,
        kind=Kind.PAYMENT_RESULT,
        key=f"{Kind.PAYMENT_RESULT}:{payment.id}:{payment.status}",
        args={"payment_id": payment.id},
    )
    await uow.notifications.queue([notice], clock.now())


async def queue_payment_alert(
    uow: UnitOfWork, clock: Clock, staff_chat_id: int | None, reason: str, **args: object
) -> None:
    """Staff hear of money taken that needs a person (``reason``: ``replaced``, ``expired``,
    ``twice``, ``unknown``), once per payment and reason."""
    if staff_chat_id is None:
        return
    about = args.get("payment_id") or args.get("provider_id")
    notice = Notification(
        chat_id=staff_chat_id,
        kind=Kind.PAYMENT_ALERT,
        key=f"{Kind.PAYMENT_ALERT}:{about}:{reason}"[:128],
        args={"reason": reason, **args},
    )
    await uow.notifications.queue([notice], clock.now())


async def queue_appeal_answered(uow: UnitOfWork, clock: Clock, appeal: Appeal) -> None:
    """Every Telegram user bound to the appeal's profile hears of its answer or closing."""
    if appeal.profile_id is None:
        return
    notices = [
        Notification(
            chat_id=telegram_id,
            kind=Kind.APPEAL_ANSWERED,
            key=f"{Kind.APPEAL_ANSWERED}:{appeal.id}",
            args={"appeal_id": appeal.id},
        )
        for telegram_id in await uow.telegram_users.bound_to(appeal.profile_id)
    ]
    await uow.notifications.queue(notices, clock.now())


# --- The resident's choice ---------------------------------------------------------------------


async def muted_kinds(uow: UnitOfWork, profile: Profile) -> frozenset[NotificationKind]:
    assert profile.id is not None
    return await uow.notifications.muted(profile.id)


async def toggle(uow: UnitOfWork, profile: Profile, kind: str) -> frozenset[NotificationKind]:
    """Turns the kind off if it was on, on if it was off; the kinds now off. Raises
    UnknownNotificationKind for a kind a resident does not choose (a forged button)."""
    assert profile.id is not None
    chosen = next((k for k in RESIDENT_KINDS if k.value == kind), None)
    if chosen is None:
        raise UnknownNotificationKind(kind)
    muted = await uow.notifications.muted(profile.id)
    await uow.notifications.mute(profile.id, chosen, chosen not in muted)
    await uow.commit()
    return await uow.notifications.muted(profile.id)
