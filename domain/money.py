"""Money is exact: ``Decimal`` roubles with kopecks here, integer kopecks in storage and
in payment QR codes."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import InvalidAmount

KOPECK = Decimal("0.01")

# "1 628.12", "1628,12", "1 628.1" and "16" are amounts; "1.628,12" or "12.345" are not.
_AMOUNT = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*(?:[.,]\d{1,2})?$")


def money(value: Decimal | int | str) -> Decimal:
    """An exact amount, rounded to the kopeck the way a bill is."""
    return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


def to_kopecks(amount: Decimal) -> int:
    return int(money(amount) * 100)


def parse_amount(text: str) -> Decimal:
    """Reads an amount as a resident types it: a dot or a comma before kopecks, spaces
    between thousands."""
    cleaned = text.strip()
    if not _AMOUNT.match(cleaned):
        raise InvalidAmount(text)
    digits = re.sub(r"[ \u00a0\u202f]", "", cleaned).replace(",", ".")
    try:
        return money(digits)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise InvalidAmount(text) from error
