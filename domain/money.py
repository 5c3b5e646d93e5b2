"""Money is exact: ``Decimal`` roubles with kopecks here, integer kopecks in storage and
in payment QR codes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import InvalidAmount

KOPECK = Decimal("0.01")

# "1 628.12", "1628,12", "1 628.1" and "16" are amounts; "1.628,12" or "12.345" are not.
_AMOUNT = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*(?:[.,]\d{1,2})?$")
# As the bot writes amounts in English, "1,628.12": commas between thousands, before the
# kopecks ("1,005" alone stays ambiguous, and is refused).
_ENGLISH_AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+\.\d{1,2}$")


def money(value: Decimal | int | str) -> Decimal:
    """An exact amount, rounded to the kopeck the way a bill is."""
    return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


def to_kopecks(amount: Decimal) -> int:
    return int(money(amount) * 100)


def parse_amount(text: str) -> Decimal:
    """Reads an amount as a resident types it: a dot or a comma before kopecks, spaces
    between thousands, or commas between them before a dot, as in English."""
    cleaned = text.strip()
    if _ENGLISH_AMOUNT.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _AMOUNT.match(cleaned):
        raise InvalidAmount(text)
    digits = re.sub(r"[ \u00a0\u202f]", "", cleaned).replace(",", ".")
    try:
        return money(digits)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise InvalidAmount(text) from error


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` split in proportion to ``weights``, to the kopeck, adding up to it exactly:
    each part is rounded down and the kopecks left go to the largest remainders (the first
    of equal ones). Without a positive weight the first part takes it all."""
    total = sum((w for w in weights if w > 0), Decimal(0))
    if total <= 0:
        return [money(amount), *(Decimal("0.00") for _ in weights[1:])]
    kopecks = to_kopecks(amount)
    exact = [Decimal(kopecks) * max(w, Decimal(0)) / total for w in weights]
    parts = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - exact[i])
    for i in by_remainder[: kopecks - sum(parts)]:
        parts[i] += 1
    return [Decimal(part).scaleb(-2) for part in parts]
