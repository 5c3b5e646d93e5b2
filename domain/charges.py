"""The estimated charge of a reading (what it will cost, before billing says): the consumption
since the last reading, priced by the contract's tariff in force, zone by zone and band by
band. Billing's bill may differ (a tariff change within the period, a recalculation): it is
always shown as an estimate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.model import Meter, Tariff, Zone
from domain.money import money


@dataclass(frozen=True, slots=True)
class Band:
    """The consumption of one zone priced at one rate; ``above``: where the band starts, a
    month's consumption (0 for the first, the social norm for the one above it)."""

    zone: Zone
    above: Decimal
    quantity: Decimal
    price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Estimate:
    since: date  # the day of the last reading the consumption counts from
    consumption: dict[Zone, Decimal]
    bands: tuple[Band, ...]
    banded: bool  # the tariff has more than one band for some zone

    @property
    def total(self) -> Decimal:
        return sum((band.amount for band in self.bands), Decimal("0.00"))


def in_force(tariffs: Sequence[Tariff], day: date) -> Tariff | None:
    """The tariff of the history that applies on ``day``: the latest started by then."""
    started = [tariff for tariff in tariffs if tariff.starts_on <= day]
    return max(started, key=lambda tariff: tariff.starts_on, default=None)


def consumed(meter: Meter, last: Decimal, value: Decimal) -> Decimal:
    """What the meter counted from ``last`` to ``value``; a value below the last is the dial
    gone round through zero (the readings' checks let nothing else through)."""
    if value >= last:
        return value - last
    return Decimal(10) ** meter.digits_before - last + value


def price(
    tariff: Tariff, consumption: dict[Zone, Decimal], places: int
) -> tuple[tuple[Band, ...], bool]:
    """The bands of each zone's consumption. A band's limits are a month's consumption of
    the whole meter; a zone takes its share of each limit in proportion to its consumption
    (as billing splits the social norm between day and night), rounded to the ``places``
    the meter shows: each band's amount is then its quantity, as shown, times its price."""
    quantum = Decimal(1).scaleb(-places)
    total = sum(consumption.values(), Decimal(0))
    bands: list[Band] = []
    banded = False
    for zone, used in consumption.items():
        rates = tariff.price(zone)
        banded = banded or len(rates) > 1
        share = used / total if total else Decimal(0)
        for rate, following in zip(rates, [*rates[1:], None], strict=True):
            start = (rate.above * share).quantize(quantum)
            end = (
                used
                if following is None
                else min(used, (following.above * share).quantize(quantum))
            )
            quantity = max(Decimal(0), end - start).quantize(quantum)
            if quantity or rate is rates[0]:
                bands.append(
                    Band(zone, rate.above, quantity, rate.value, money(quantity * rate.value))
                )
    return tuple(bands), banded
