"""Meter readings (guide section 8): what a valid value is, which month it counts for, and
submitting it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from domain.charges import Estimate, consumed, in_force, price
from domain.errors import (
    AlreadyBilled,
    BelowLast,
    HighConsumption,
    LowerThanLast,
    MeterExpired,
    MeterNotFound,
    NotANumber,
    TooManyDigits,
    ZonesMissing,
)
from domain.model import (
    Account,
    Device,
    Meter,
    Profile,
    Reading,
    ReadingSource,
    ReadingStatus,
    Zone,
)
from domain.ports import Clock, UnitOfWork

HIGH_CONSUMPTION_FACTOR = 3
HISTORY = timedelta(days=366)


def fits_digits(value: Decimal, before: int, after: int) -> bool:
    """Whether a meter with ``before`` digits before the point and ``after`` after it can
    show ``value`` (a 6.3 meter shows up to 999999.999)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return value >= 0 and max(0, -exponent) <= after and value < Decimal(10) ** before


# "25,453.8", as the bot writes a value in English: commas between thousands before a dot.
_ENGLISH_VALUE = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+")


def parse_reading(text: str) -> Decimal:
    """A value as residents type it: a comma or a dot, spaces between thousands, or commas
    between them before a dot, as in English ("25,460" alone is 25.460, as in Russian)."""
    cleaned = re.sub(r"[\s\u00a0]", "", text)
    cleaned = cleaned.replace(",", "") if _ENGLISH_VALUE.fullmatch(cleaned) else cleaned
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise NotANumber
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise NotANumber from None


ROLL_OVER_SHARE = Decimal("0.1")  # "near the top" and "near zero": a tenth of the dial


def rolled_over(meter: Meter, last: Decimal, value: Decimal) -> bool:
    """Whether ``value`` after ``last`` can be the dial going round through zero."""
    dial = Decimal(10) ** meter.digits_before
    return last >= dial * (1 - ROLL_OVER_SHARE) and value < dial * ROLL_OVER_SHARE


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
    meter: Meter
    month: date
    in_window: bool
    replaced: dict[Zone, Decimal]  # the values this reading replaced, where they differ
    estimate: Estimate | None  # None: no reading before it, or no tariff to price it by


async def owned_meter(uow: UnitOfWork, profile: Profile, meter_id: int) -> Meter:
    """A meter of one of the profile's accounts: whatever id a button carries is checked here."""
    assert profile.id is not None
    meter = await uow.meters.get(meter_id)
    if meter is None or not await uow.links.is_linked(profile.id, meter.account_id):
        raise MeterNotFound
    return meter


async def meter_to_read(uow: UnitOfWork, clock: Clock, profile: Profile, meter_id: int) -> Meter:
    """The profile's meter, if it takes readings today: one past its verification does not."""
    meter = await owned_meter(uow, profile, meter_id)
    if meter.verification_expired(clock.today()):
        raise MeterExpired(meter.number, meter.verified_until)
    return meter


async def meters_of(uow: UnitOfWork, account_id: int) -> list[MeterState]:
    """The account's meters with their last readings (the account is the caller's check)."""
    meters = await uow.meters.of_account(account_id)
    latest = await uow.readings.latest_of([m.id for m in meters if m.id is not None])
    return [
        MeterState(
            meter,
            {
                zone: latest[(meter.id, zone)]
                for zone in meter.zones
                if meter.id is not None and (meter.id, zone) in latest
            },
        )
        for meter in meters
    ]


async def photo_of(uow: UnitOfWork, reading_id: int) -> tuple[Reading, Meter, Account] | None:
    """A reading with the meter's photo, for staff: with its meter and account."""
    reading = await uow.readings.get(reading_id)
    if reading is None or reading.photo is None:
        return None
    meter = await uow.meters.get(reading.meter_id)
    account = await uow.accounts.get(meter.account_id) if meter else None
    if meter is None or account is None:
        return None
    return reading, meter, account


async def billing_replacement(uow: UnitOfWork, meter: Meter, reading: Reading) -> Reading | None:
    """What billing counted instead of a reading it replaced: its own latest reading of the
    same zone and month, if it has one."""
    month = reading.billing_month
    return next(
        (
            other
            for other in reversed(await uow.readings.of_months([meter], month, month))
            if other.zone is reading.zone and other.billing_month == month and not other.source.ours
        ),
        None,
    )


async def last_reading(uow: UnitOfWork, meter: Meter, zone: Zone) -> Reading | None:
    assert meter.id is not None
    return await uow.readings.last(meter.id, zone)


async def _check(
    uow: UnitOfWork,
    clock: Clock,
    meter: Meter,
    zone: Zone,
    value: Decimal,
    month: date,
    confirmed: bool,
) -> Reading | None:
    """Raises what is wrong with the value; the reading it counts from, if any."""
    assert meter.id is not None
    if not fits_digits(value, meter.digits_before, meter.digits_after):
        raise TooManyDigits(meter.digits_before, meter.digits_after)
    sent = await uow.readings.own_for(meter.id, zone, month)
    if sent is not None and sent.status is ReadingStatus.USED:
        raise AlreadyBilled(sent.used_in or month)
    # A value sent again for the month replaces the one sent before: it is checked against
    # what came before that one.
    last = await uow.readings.last(meter.id, zone, replacing=month)
    if last is None:
        return None
    if value < last.value:
        # Lower than the last: the dial went round only if it was near its top and is near
        # zero now; anything else is a mistake, whatever the resident confirms.
        if not rolled_over(meter, last.value, value):
            raise LowerThanLast(meter.on_dial(last.value))
        if not confirmed:
            raise BelowLast(value, last.value)
        return last
    if confirmed:
        return last
    # From a day's start, so that the check on typing and the one on sending ask alike.
    since = datetime.combine(clock.today() - HISTORY, time(), tzinfo=UTC)
    history = await uow.readings.history(meter.id, zone, since)
    average = average_consumption(history)
    consumption = value - last.value
    if average is not None and consumption > HIGH_CONSUMPTION_FACTOR * average:
        raise HighConsumption(value, consumption, average.quantize(Decimal("0.01")))
    return last


async def check_reading(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    profile: Profile,
    meter_id: int,
    zone: Zone,
    text: str,
) -> Decimal:
    """The value typed for one zone of the meter, checked as soon as it is typed; raises
    what is wrong with it (NeedsConfirmation where the resident may insist)."""
    meter = await meter_to_read(uow, clock, profile, meter_id)
    value = parse_reading(text)
    month, _ = billing_month(clock.today(), window)
    await _check(uow, clock, meter, zone, value, month, confirmed=False)
    return value


async def submit_reading(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    profile: Profile,
    meter_id: int,
    values: dict[Zone, Decimal],
    confirmed: frozenset[Zone] = frozenset(),
    photo: str | None = None,
) -> Submitted:
    """The resident's reading of their meter: see ``record_reading``."""
    meter = await meter_to_read(uow, clock, profile, meter_id)
    return await record_reading(
        uow, clock, window, meter, values, ReadingSource.RESIDENT, confirmed, photo
    )


async def submit_from_device(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    device: Device,
    meter_number: str,
    values: dict[Zone, Decimal],
    confirmed: frozenset[Zone] = frozenset(),
) -> Submitted:
    """A device's reading of a meter of its account, named by its number: the same checks
    as the chat's."""
    meters = await uow.meters.of_account(device.account_id)
    meter = next((m for m in meters if m.number == meter_number), None)
    if meter is None:
        raise MeterNotFound
    if meter.verification_expired(clock.today()):
        raise MeterExpired(meter.number, meter.verified_until)
    return await record_reading(uow, clock, window, meter, values, ReadingSource.DEVICE, confirmed)


async def record_reading(
    uow: UnitOfWork,
    clock: Clock,
    window: tuple[int, int],
    meter: Meter,
    values: dict[Zone, Decimal],
    source: ReadingSource,
    confirmed: frozenset[Zone] = frozenset(),
    photo: str | None = None,
) -> Submitted:
    """Checks and records the values of all the meter's zones, one reading per month: a
    second one for the month replaces the first (``Submitted.replaced`` says what it was).
    ``confirmed`` names the zones whose unusual value the sender insisted on. Committed
    before it returns."""
    assert meter.id is not None
    if set(values) != set(meter.zones):
        raise ZonesMissing(tuple(zone for zone in meter.zones if zone not in values))
    month, in_window = billing_month(clock.today(), window)
    previous = {
        zone: await _check(uow, clock, meter, zone, value, month, confirmed=zone in confirmed)
        for zone, value in values.items()
    }
    replaced = {}
    for zone, value in values.items():
        before = await uow.readings.own_for(meter.id, zone, month)
        if before is not None and before.value != value:
            replaced[zone] = meter.on_dial(before.value)
    now = clock.now()
    for zone, value in values.items():
        await uow.readings.record(
            Reading(
                meter_id=meter.id,
                zone=zone,
                value=value,
                taken_at=now,
                billing_month=month,
                source=source,
                photo=photo,
            )
        )
    estimate = await _estimate(uow, clock, meter, values, previous)
    await uow.commit()
    return Submitted(meter, month, in_window, replaced, estimate)


async def _estimate(
    uow: UnitOfWork,
    clock: Clock,
    meter: Meter,
    values: dict[Zone, Decimal],
    previous: dict[Zone, Reading | None],
) -> Estimate | None:
    """The charge of the consumption since the last readings, by the tariff in force today."""
    lasts = [last for last in previous.values() if last is not None]
    if meter.contract_id is None or len(lasts) != len(values):
        return None
    tariff = in_force(await uow.contracts.tariffs(meter.contract_id), clock.today())
    if tariff is None:
        return None
    consumption = {
        zone: consumed(meter, last.value, values[zone])
        for zone, last in previous.items()
        if last is not None
    }
    bands, banded = price(tariff, consumption, meter.digits_after)
    since = min(last.taken_at for last in lasts)
    return Estimate(clock.local(since).date(), consumption, bands, banded)
