"""Meter readings (guide section 8): what a valid value is, which month it counts for, and
submitting it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from domain.model import Meter, Profile, Reading, ReadingSource, Zone
from domain.ports import Clock, UnitOfWork

HIGH_CONSUMPTION_FACTOR = 3
HISTORY = timedelta(days=366)


class ReadingRejected(Exception):
    """A value the bot cannot take; the subclasses carry what the message needs."""


class NotANumber(ReadingRejected):
    pass


class TooManyDigits(ReadingRejected):
    def __init__(self, before: int, after: int) -> None:
        super().__init__(before, after)
        self.before, self.after = before, after


class MeterExpired(ReadingRejected):
    def __init__(self, verified_until: date) -> None:
        super().__init__(verified_until)
        self.verified_until = verified_until


class MeterNotFound(Exception):
    """No such meter among the profile's accounts (a forged or outdated button)."""


class NeedsConfirmation(Exception):
    """A value that may be right but looks wrong; taken once the resident confirms."""


class BelowLast(NeedsConfirmation):
    """Lower than the last reading: a mistake, or the meter rolled over to zero."""

    def __init__(self, last: Decimal) -> None:
        super().__init__(last)
        self.last = last


class HighConsumption(NeedsConfirmation):
    def __init__(self, consumption: Decimal, average: Decimal) -> None:
        super().__init__(consumption, average)
        self.consumption, self.average = consumption, average


def fits_digits(value: Decimal, before: int, after: int) -> bool:
    """Whether a meter with ``before`` digits before the point and ``after`` after it can
    show ``value`` (a 6.3 meter shows up to 999999.999)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return value >= 0 and max(0, -exponent) <= after and value < Decimal(10) ** before


def parse_reading(text: str) -> Decimal:
    """A value as residents type it: a comma or a dot, spaces between thousands."""
    cleaned = re.sub(r"[\s\u00a0]", "", text).replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise NotANumber
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise NotANumber from None


def billing_month(today: date, window: tuple[int, int]) -> tuple[date, bool]:
    """The month a reading taken today counts for, and whether today is in the reading
    window. After the window closes, readings count for the next month."""
    first, last = window
    month = today.replace(day=1)
    if today.day > last:
        month = (month + timedelta(days=32)).replace(day=1)
    return month, first <= today.day <= last


def average_consumption(history: Sequence[Reading]) -> Decimal | None:
    """The usual consumption a month: the rise between the first and the last reading of the
    history, over the months between them."""
    if len(history) < 2:
        return None
    ordered = sorted(history, key=lambda r: r.taken_at)
    months = (ordered[-1].taken_at - ordered[0].taken_at).days / 30.4
    rise = ordered[-1].value - ordered[0].value
    if months < 1 or rise <= 0:
        return None
    return rise / Decimal(str(round(months, 2)))


@dataclass(frozen=True, slots=True)
class MeterState:
    """A meter as the readings screen shows it."""

    meter: Meter
    last: dict[Zone, Reading]


@dataclass(frozen=True, slots=True)
class Submitted:
    month: date
    in_window: bool


async def owned_meter(uow: UnitOfWork, profile: Profile, meter_id: int) -> Meter:
    assert profile.id is not None
    meter = await uow.meters.get(meter_id)
    if meter is None or not await uow.links.is_linked(profile.id, meter.account_id):
        raise MeterNotFound
    return meter


async def meters_of(uow: UnitOfWork, account_id: int) -> list[MeterState]:
    """The account's meters with their last readings (the account is the caller's check)."""
    states = []
    for meter in await uow.meters.of_account(account_id):
        assert meter.id is not None
        last = {
            zone: reading
            for zone in meter.zones
            if (reading := await uow.readings.last(meter.id, zone)) is not None
        }
        states.append(MeterState(meter, last))
    return states


async def check_reading(
    uow: UnitOfWork, clock: Clock, meter: Meter, zone: Zone, value: Decimal, confirmed: bool = False
) -> None:
    """Raises what is wrong with ``value`` for the meter's ``zone``; ``confirmed`` waives
    what only needed the resident's confirmation."""
    assert meter.id is not None
    if meter.verification_expired(clock.today()):
        raise MeterExpired(meter.verified_until)
    if not fits_digits(value, meter.digits_before, meter.digits_after):
        raise TooManyDigits(meter.digits_before, meter.digits_after)
    if confirmed:
        return
    last = await uow.readings.last(meter.id, zone)
    if last is None:
        return
    if value < last.value:
        raise BelowLast(last.value)
    history = await uow.readings.history(meter.id, zone, clock.now() - HISTORY)
    average = average_consumption(history)
    consumption = value - last.value
    if average is not None and consumption > HIGH_CONSUMPTION_FACTOR * average:
        raise HighConsumption(consumption, average.quantize(Decimal("0.01")))


async def submit_reading(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    meter: Meter,
    values: dict[Zone, Decimal],
) -> Submitted:
    """Records the (already checked) values of all the meter's zones, once: the same value
    sent again for the same month is kept once. Committed before it returns."""
    assert meter.id is not None
    month, in_window = billing_month(clock.today(), window)
    now = clock.now()
    for zone, value in values.items():
        if await uow.readings.submitted(meter.id, zone, month, value):
            continue
        await uow.readings.add(
            Reading(
                meter_id=meter.id,
                zone=zone,
                value=value,
                taken_at=now,
                billing_month=month,
                source=ReadingSource.RESIDENT,
            )
        )
    await uow.commit()
    return Submitted(month, in_window)
