"""Fluent texts (``locales/``) with the formatting residents expect: money, dates and months
the Russian way in Russian ("62 918,45 ₽", "06.11.2018", "Декабрь 2018")."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiogram_i18n.cores import FluentRuntimeCore
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast

LOCALES = Path(__file__).resolve().parent.parent / "locales"

_DATE_PATTERN = {"ru": "dd.MM.yyyy", "en": "d MMM yyyy"}


def format_money(amount: Decimal, locale: str) -> str:
    return format_decimal(amount, format="#,##0.00", locale=locale) + "\u00a0₽"


def format_value(value: Decimal, locale: str) -> str:
    """A decimal with exactly the places it has: a reading of a 6.3 meter keeps three."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(
        value, format="#,##0." + "0" * places if places else "#,##0", locale=locale
    )


def trimmed(value: Decimal, places: int = 2) -> Decimal:
    """A stored decimal without the zeros its column adds, but with at least ``places``:
    1947.690000 is 1947.69, 0.028000 is 0.028."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    assert isinstance(exponent, int)
    return normal if exponent < -places else value.quantize(Decimal(1).scaleb(-places))


def format_day(day: date, locale: str) -> str:
    return format_date(day, _DATE_PATTERN.get(locale, "dd.MM.yyyy"), locale=locale)


def format_time(moment: datetime, locale: str) -> str:
    return format_datetime(moment, "HH:mm", locale=locale)


def format_moment(moment: datetime, locale: str) -> str:
    """A day and a time, as a post's or a lock's time is shown."""
    return f"{format_day(moment, locale)} {format_time(moment, locale)}"


def format_month(day: date, locale: str, heading: bool = False) -> str:
    """The standalone month name, as Russian writes it mid-sentence ("за ноябрь 2026");
    capitalised where it starts a heading or a label."""
    text = format_date(day, "LLLL yyyy", locale=locale)
    return text[:1].upper() + text[1:] if heading else text


# What names a street in a Russian address ("Ласточкина ул.", "пр-т Ленина", "мкр. Южный").
_STREET = re.compile(r"(^|\s)(ул|пр-т|пр|пер|пл|б-р|ш|наб|мкр|проезд|тракт|туп)\.?(\s|$)")


def short_address(address: str) -> str:
    """What tells two addresses apart on a narrow button: the street, house and flat first,
    then the settlement; no postcode, region or district."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    parts = [
        part
        for part in parts
        if not re.fullmatch(r"\d{6}", part) and not re.search(r"\b(обл|р-н|край)\.?(\s|$)", part)
    ]
    street = next((i for i, part in enumerate(parts) if _STREET.search(part)), None)
    if not street:  # no street found, or nothing before it
        return ", ".join(parts)
    return ", ".join(parts[street:]) + f" ({', '.join(parts[:street])})"


# Billing writes its units in Russian; an English reader knows them so.
_UNITS_EN = {
    "кВт·ч": "kWh",
    "м³": "m³",
    "м²": "m²",
    "Гкал": "Gcal",
    "Гкал.": "Gcal",
    "чел.": "person",
}


def format_unit(unit: str, locale: str = "ru") -> str:
    """A unit as it is printed: "м3" is "м³", "м2" is "м²"; in English "kWh", "m³", and a
    normative one per its base, "Гкал. на м2" as "Gcal per m²"."""
    printed = re.sub(r"(?<=м)([23])\b", lambda m: "²" if m.group(1) == "2" else "³", unit)
    if locale == "ru":
        return printed
    return " per ".join(_UNITS_EN.get(part.strip(), part.strip()) for part in printed.split(" на "))


def format_price_unit(unit: str, locale: str = "ru") -> str:
    """What a tariff is a price of: "кВт·ч" is "₽/кВт·ч", and a normative unit such as
    "Гкал. на м2" is priced per its first unit, "₽/Гкал"."""
    base = unit.split(" на ")[0].strip().rstrip(".")
    return f"₽/{format_unit(base, locale)}"


def format_name(surname: str | None, name: str | None, patronymic: str | None, locale: str) -> str:
    """A person's name in the order the language writes it: surname first in Russian
    documents, the given name first in English."""
    parts = (surname, name, patronymic) if locale == "ru" else (name, patronymic, surname)
    return " ".join(part for part in parts if part)


def format_phone(phone: str) -> str:
    """A Russian mobile number as people write it, "+7 913 825-00-75"; anything else (a
    dash for none) as it is."""
    match = re.fullmatch(r"\+7(\d{3})(\d{3})(\d{2})(\d{2})", phone)
    return f"+7 {match[1]} {match[2]}-{match[3]}-{match[4]}" if match else phone


def _functions(locale: str) -> dict[str, Callable[..., Any]]:
    return {
        "MONEY": lambda amount: format_money(Decimal(amount), locale),
        "VALUE": lambda value: format_value(Decimal(value), locale),
        "DATE": lambda day: format_day(day, locale),
        "MONTH": lambda day: format_month(day, locale),
        "MONTH_HEADING": lambda day: format_month(day, locale, heading=True),
        # Moments arrive already in the utility's time zone (Clock.local).
        "TIME": lambda moment: format_time(moment, locale),
        "DATETIME": lambda moment: format_moment(moment, locale),
        "UNIT": lambda unit: format_unit(str(unit), locale),
        "PRICE_UNIT": lambda unit: format_price_unit(str(unit), locale),
        "PHONE": lambda phone: format_phone(str(phone)),
    }


FLUENT_PLACEABLE_LIMIT = 2500


def utf16_length(text: str) -> int:
    """A length as Telegram counts it (its limits are in UTF-16 code units: an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """A text cut to ``limit`` UTF-16 units (as Telegram counts), the cut shown by an
    ellipsis."""
    if utf16_length(text) <= limit:
        return text
    kept, used = [], 1  # the ellipsis
    for char in text:
        used += utf16_length(char)
        if used > limit:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


# UTF-16 units a page of a list may take: Telegram's 4,096 less room for the window's own
# words around it.
PAGE_BUDGET = 3000


def split_pages(items: Sequence[str], size: int, separator: str) -> list[list[str]]:
    """A long list in pages of at most ``size`` items and no more than PAGE_BUDGET of text;
    an item longer than that has a page of its own."""
    pages: list[list[str]] = [[]]
    used = 0
    for item in items:
        cost = utf16_length(item) + utf16_length(separator)
        if pages[-1] and (len(pages[-1]) == size or used + cost > PAGE_BUDGET):
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += cost
    return pages


class Html(str):
    """Text that is already HTML (a rendered text, or texts joined): put into another text
    as it is, not escaped again."""


def joined(texts: Iterable[str], separator: str = "\n") -> Html:
    """Rendered texts as one value for another text."""
    return Html(separator.join(texts))


@functools.cache
def _parsed(file: Path, _modified: int) -> ast.Resource:
    """A locale file's messages, parsed once per process while the file stays as it is:
    parsing is most of a TextCore's start, and aiogram-i18n loads the files again at the
    dispatcher's start (the tests build a dispatcher per test)."""
    return FluentResource(file.read_text(encoding="utf-8"))


class TextCore(FluentRuntimeCore):
    """Loads every ``locales/<locale>/*.ftl`` with functions bound to the bundle's locale, and
    escapes the values put into texts: the bot speaks HTML, and names and addresses come
    from people and billing files."""

    def __init__(self, default_locale: str) -> None:
        super().__init__(path=LOCALES, default_locale=default_locale, use_td=False)
        # Loaded now, not at the dispatcher's start: the bot presents itself to Telegram in
        # every language before polling starts the dispatcher.
        self.locales.update(self.find_locales())

    def find_locales(self) -> dict[str, FluentBundle]:
        bundles: dict[str, FluentBundle] = {}
        for folder in sorted(p for p in self.path.iterdir() if p.is_dir()):
            bundle = FluentBundle(
                [folder.name], use_isolating=False, functions=_functions(folder.name)
            )
            for file in sorted(folder.glob("*.ftl")):
                bundle.add_resource(_parsed(file, file.stat().st_mtime_ns))
            bundles[folder.name] = bundle
        return bundles

    def get(self, message_id: str, locale: str | None = None, /, **kwargs: Any) -> Html:
        escaped = {
            key: value
            if isinstance(value, Html) or not isinstance(value, str)
            else html.escape(value, quote=False)
            for key, value in kwargs.items()
        }
        # Fluent refuses a placeable over 2,500 characters (a guard against runaway
        # translations); a long appeal or a long list is ours to show, so it goes in after.
        long: dict[str, str] = {}
        for key, value in escaped.items():
            if isinstance(value, str) and len(value) > FLUENT_PLACEABLE_LIMIT:
                token = f"\ue000{len(long)}\ue001"  # private-use marks no text carries
                long[token], escaped[key] = value, token
        text = super().get(message_id, locale, **escaped)
        for token, value in long.items():
            text = text.replace(token, value)
        return Html(text)
