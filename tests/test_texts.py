"""The texts: both languages complete, and money, dates and plurals the Russian way."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast

from rendering.texts import (
    LOCALES,
    PAGE_BUDGET,
    TextCore,
    format_day,
    format_money,
    format_month,
    format_price_unit,
    format_unit,
    short_address,
    shorten,
    split_pages,
    utf16_length,
)

NBSP = "\u00a0"


def _keys(locale: str) -> set[str]:
    keys = set()
    for file in (LOCALES / locale).glob("*.ftl"):
        resource = FluentParser().parse(file.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, ast.Junk)]
        assert not junk, f"{file}: {junk[0].annotations[0].message}"
        keys |= {entry.id.name for entry in resource.body if isinstance(entry, ast.Message)}
    return keys


def test_english_is_complete():
    assert _keys("en") == _keys("ru")


def test_every_key_the_code_uses_exists():
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("bot", "handlers", "dialogs")
        for p in Path(folder).rglob("*.py")
    )
    used = set(re.findall(r"""(?:Tr|get|notify)\((?:manager, )?"([a-z]+(?:-[a-z]+)+)""", code))
    assert used, "the pattern found no keys"
    assert used <= _keys("ru")


def test_money_dates_and_months_in_russian():
    assert format_money(Decimal("62918.45"), "ru") == f"62{NBSP}918,45{NBSP}₽"
    assert format_money(Decimal("-2.13"), "ru") == f"-2,13{NBSP}₽"
    assert format_money(Decimal("112994.24"), "en") == f"112,994.24{NBSP}₽"
    assert format_day(date(2018, 11, 6), "ru") == "06.11.2018"
    assert format_month(date(2018, 12, 1), "ru") == "декабрь 2018"
    assert format_month(date(2018, 12, 1), "ru", heading=True) == "Декабрь 2018"
    assert format_month(date(2018, 11, 1), "ru") == "ноябрь 2018"
    assert format_month(date(2018, 12, 1), "en") == "December 2018"


@pytest.fixture
async def core() -> TextCore:
    core = TextCore("ru")
    await core.startup()
    return core


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 лицевой счёт"),
        (2, "2 лицевых счёта"),
        (5, "5 лицевых счетов"),
        (11, "11 лицевых счетов"),
        (21, "21 лицевой счёт"),
        (22, "22 лицевых счёта"),
    ],
)
async def test_plural_forms_are_right(core, count, words):
    assert words in core.get("menu-greeting", "ru", name="Анна", accounts=count, owes="no")


async def test_fluent_functions_format_in_the_bundles_language(core):
    bundle = core.locales["ru"]
    assert bundle._functions["MONEY"](Decimal("62918.45")) == f"62{NBSP}918,45{NBSP}₽"
    assert core.locales["en"]._functions["MONTH"](date(2018, 12, 1)) == "December 2018"


async def test_values_in_texts_are_escaped_for_html(core):
    text = core.get("faq-answer", "ru", question="a < b & c", answer="<script>", phone="1")
    assert "a &lt; b &amp; c" in text and "&lt;script&gt;" in text


async def test_a_value_longer_than_fluents_placeable_limit_is_shown_whole():
    core = TextCore("ru")
    await core.startup()
    answer = "Ответ. " * 500  # 3,500 characters
    text = core.get("faq-answer", "ru", question="Вопрос", answer=answer, phone="+7")
    assert answer.strip() in text


def test_long_lists_page_by_count_and_by_telegrams_utf16_length():
    assert split_pages(["a"] * 7, 3, "\n") == [["a"] * 3, ["a"] * 3, ["a"]]
    emoji = "🔌" * 1000  # 1,000 characters, 2,000 UTF-16 units
    pages = split_pages([emoji, emoji, "short"], 5, "\n\n")
    assert [len(page) for page in pages] == [1, 2]
    assert all(sum(utf16_length(item) for item in page) <= PAGE_BUDGET for page in pages)


def test_shortening_counts_utf16_units():
    assert shorten("🔌" * 10, 7) == "🔌" * 3 + "…"
    assert utf16_length(shorten("Ж" * 100, 64)) == 64
    assert shorten("коротко", 64) == "коротко"


def test_units_are_printed_as_people_write_them():
    assert format_unit("м3") == "м³" and format_unit("Гкал. на м2") == "Гкал. на м²"
    assert format_unit("кВт·ч") == "кВт·ч"
    assert format_price_unit("кВт·ч") == "₽/кВт·ч"
    assert format_price_unit("Гкал. на м2") == "₽/Гкал"
    assert format_price_unit("м3") == "₽/м³"
    # In English, as an English reader knows them.
    assert [format_unit(u, "en") for u in ("кВт·ч", "м3", "м2", "Гкал")] == [
        "kWh",
        "m³",
        "m²",
        "Gcal",
    ]
    assert format_price_unit("Гкал. на м2", "en") == "₽/Gcal"


def test_a_short_address_leads_with_street_house_and_flat():
    assert (
        short_address(
            "634583, Томская обл., Томский р-н, Октябрьское с., Ласточкина ул., д.13, кв.11"
        )
        == "Ласточкина ул., д.13, кв.11 (Октябрьское с.)"
    )
    assert short_address("634050, г. Томск, пр-т Ленина, д.1") == "пр-т Ленина, д.1 (г. Томск)"
    assert short_address("634050, Томск") == "Томск"
