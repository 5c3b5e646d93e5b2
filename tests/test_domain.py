"""Rules of the domain, alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidAmount, NotANumber
from domain.model import TelegramUser
from domain.money import money, parse_amount, to_kopecks
from domain.readings import fits_digits, parse_reading
from domain.residents import locale_for


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1628.12", "1628.12"),
        ("1628,12", "1628.12"),
        ("1 628.12", "1628.12"),
        ("62 918,45", "62918.45"),
        ("16", "16.00"),
        ("16.4", "16.40"),
        (" 11484.45 ", "11484.45"),
        ("1\u00a0628,12", "1628.12"),
        ("7,961.04", "7961.04"),  # as the bot writes it in English
        ("12,345,678.9", "12345678.90"),
    ],
)
def test_amounts_are_read_as_residents_type_them(text, amount):
    assert parse_amount(text) == Decimal(amount)
    assert str(parse_amount(text)) == amount


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1.628,12", "12.345", "1 62 8.12", "1e3", "--1", "1,00,000.5", "1,000,5", "1,005"],
)
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(InvalidAmount):
        parse_amount(text)


def test_kopecks_are_exact():
    assert to_kopecks(Decimal("62918.45")) == 6291845
    assert money("0.005") == Decimal("0.01")
    assert to_kopecks(Decimal("0.1") + Decimal("0.2")) == 30


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("999999.999", True),
        ("0", True),
        ("74.5", True),
        ("1000000", False),
        ("1.2345", False),
        ("-1", False),
    ],
)
def test_a_reading_fits_a_six_three_meter(value, fits):
    assert fits_digits(Decimal(value), 6, 3) is fits


def test_the_language_is_the_chosen_one_then_telegrams_then_the_default():
    stranger = TelegramUser(telegram_id=1)
    assert locale_for(stranger, "en-US", "ru") == "en"
    assert locale_for(stranger, "uk", "ru") == "ru"
    assert locale_for(stranger, None, "en") == "en"
    assert locale_for(TelegramUser(telegram_id=1, locale="ru"), "en", "en") == "ru"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("25453,8", "25453.8"),
        ("25 453.8", "25453.8"),
        ("25,453.8", "25453.8"),  # as the bot writes it in English
        ("25,460", "25.460"),  # a comma alone is the decimal one, as in Russian
        ("1,234,567.125", "1234567.125"),
    ],
)
def test_readings_are_read_as_residents_type_them(text, value):
    assert parse_reading(text) == Decimal(value)


@pytest.mark.parametrize("text", ["25,45,3.8", "25.453,8.1", "2,5,4", "", "1e3"])
def test_anything_else_is_not_a_reading(text):
    with pytest.raises(NotANumber):
        parse_reading(text)
