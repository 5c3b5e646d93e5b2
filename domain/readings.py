"""Meter readings: what a valid value is."""

from __future__ import annotations

from decimal import Decimal


def fits_digits(value: Decimal, before: int, after: int) -> bool:
    """Whether a meter with ``before`` digits before the point and ``after`` after it can
    show ``value`` (a 6.3 meter shows up to 999999.999)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return value >= 0 and max(0, -exponent) <= after and value < Decimal(10) ** before
