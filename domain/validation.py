"""What a valid answer is: an e-mail, a phone, a name, a birth date (guide sections 1 and 4).
Each parser takes what a person types and gives the clean value, or raises InvalidInput
naming what is wrong."""

from __future__ import annotations

import re
from datetime import date

from domain.errors import InvalidInput

MIN_AGE_YEARS = 14
MAX_AGE_YEARS = 120
NAME_LENGTH = 100
MAX_ID = 2**31 - 1  # the database's ids are 32-bit integers

_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$"
)
# What a PostgreSQL text column cannot hold: NUL, and halves of a surrogate pair (no UTF-8
# spells them; a JSON escape such as "\ud800" does).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_NAME = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' \-]*$")


def parse_email(text: str) -> str:
    email = text.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput("email")
    return email.lower()


def parse_phone(text: str) -> str:
    """+7XXXXXXXXXX from what people type: +7 913 825-00-75, 8 (913) 825 00 75, 9138250075."""
    digits = re.sub(r"[\s()\-]", "", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("7"):
            raise InvalidInput("phone")
    # ASCII digits only: str.isdigit() takes Arabic-Indic digits and superscripts too.
    if not re.fullmatch(r"[0-9]+", digits):
        raise InvalidInput("phone")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "3489":
        raise InvalidInput("phone")
    return "+7" + digits


def parse_name(text: str, field: str = "name") -> str:
    """A surname, a first name or a patronymic (``field`` names which, for the message):
    letters, spaces, hyphens and apostrophes."""
    name = " ".join(text.split())
    if not name or len(name) > NAME_LENGTH or not _NAME.match(name):
        raise InvalidInput(field)
    # Typed all in lower case (as on a phone): written as a name is, each part capitalised;
    # any other case is the resident's own ("де Голль", "McDonald").
    if name == name.lower():
        name = re.sub(r"[^ \-']+", lambda part: part.group(0).capitalize(), name)
    return name


def parse_full_name(text: str) -> tuple[str, str, str | None]:
    """Surname, name and patronymic as the profile edits them, in one message: the first two
    words, and the rest as the patronymic ("Иванович Оглы"), each by the rule registration
    uses."""
    parts = text.split()
    if len(parts) < 2:
        raise InvalidInput("full-name")
    surname, name = parse_name(parts[0], "surname"), parse_name(parts[1])
    patronymic = parse_name(" ".join(parts[2:]), "patronymic") if parts[2:] else None
    return surname, name, patronymic


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # the 29th of February
        return day.replace(year=day.year - years, day=28)


def parse_birth_date(text: str, today: date) -> date:
    """DD.MM.YYYY, a real date, of someone between 14 and 120 years old."""
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text.strip())
    if not match:
        raise InvalidInput("date-format")
    day, month, year = (int(part) for part in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidInput("date-impossible") from None
    if born > today:
        raise InvalidInput("date-future")
    if born > _years_before(today, MIN_AGE_YEARS):
        raise InvalidInput("date-too-late")
    if born < _years_before(today, MAX_AGE_YEARS):
        raise InvalidInput("date-too-early")
    return born


def is_id(text: str) -> bool:
    """Whether ``text`` can name a record: ASCII digits within the ids' range. Anything from
    a button or a payload is checked so before it reaches a query."""
    return text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_ID


def storable(text: str) -> bool:
    """Whether the database can keep ``text`` as it is, and so whether it may be used in a
    query at all."""
    return UNSTORABLE.search(text) is None
