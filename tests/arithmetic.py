"""Every "quantity × price = sum" the bot shows must hold as shown, to the kopeck: the test
session checks each message it carries (tests/conftest.py)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from domain.money import money

_NUMBER = r"(\d[\d\s,.]*\d|\d)"
_PRODUCT = re.compile(_NUMBER + r"[^\d×=\n]*×\s*" + _NUMBER + r"\s*₽\s*=\s*" + _NUMBER + r"\s*₽")


def _read(text: str, decimal_mark: str) -> Decimal | None:
    """A number as Russian (decimal comma, spaces between thousands) or English (decimal
    point, commas between thousands) writes it."""
    digits = re.sub(r"\s", "", text)
    digits = digits.replace(",", ".") if decimal_mark == "," else digits.replace(",", "")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _holds(quantity: str, price: str, amount: str) -> bool:
    for mark in (",", "."):
        q, p, a = (_read(part, mark) for part in (quantity, price, amount))
        if q is not None and p is not None and a is not None and money(q * p) == a:
            return True
    return False


def wrong_products(text: str) -> list[str]:
    """The products in ``text`` that do not add up as written."""
    return [found.group(0) for found in _PRODUCT.finditer(text) if not _holds(*found.groups())]
