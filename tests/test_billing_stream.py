"""The billing import read as a stream: JSON Lines as well as one JSON document, a record cut
by the reader's chunks, files given as paths and streams, every refusal naming its line or
record, and the refusals of a file broken throughout capped."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from storage import billing_stream
from storage.billing import ImportRefused, import_billing
from storage.demo import demo_billing, new_link_codes
from tests.data import SUPPLIER, account, billing_file, contract, count_rows
from tests.test_billing import TODAY


def as_lines(data: dict[str, Any]) -> str:
    """The same file in JSON Lines: the format first, then a record a line."""
    lines = [json.dumps({"format": data["format"]})]
    for section, records in data.items():
        if section != "format":
            lines += [json.dumps({section: r}, ensure_ascii=False) for r in records]
    return "\n".join(lines) + "\n"


async def test_json_lines_import_what_the_json_document_does(database):
    data = demo_billing(TODAY, new_link_codes())

    created = await import_billing(database.engine, as_lines(data))
    rows = await count_rows(database)
    again = await import_billing(database.engine, json.dumps(data, ensure_ascii=False))

    assert created["accounts created"] == 5 and created["bills created"] == 60
    assert again == {}  # the document holds nothing the lines did not
    assert await count_rows(database) == rows


@pytest.mark.parametrize("form", ["json", "lines"])
async def test_records_cut_by_the_reader_s_chunks_are_read_whole(
    database, monkeypatch, tmp_path, form
):
    data = demo_billing(TODAY, new_link_codes())
    text = as_lines(data) if form == "lines" else json.dumps(data, ensure_ascii=False)
    path = tmp_path / "billing.json"
    path.write_text(text, encoding="utf-8")
    whole = await import_billing(database.engine, path)
    # 7 characters a read cut every record, number, string and multi-byte letter somewhere.
    monkeypatch.setattr(billing_stream, "CHUNK", 7)
    data["accounts"][0]["registered_persons"] = 4
    text = as_lines(data) if form == "lines" else json.dumps(data, ensure_ascii=False)

    again = await import_billing(database.engine, io.BytesIO(text.encode()))

    assert whole["bills created"] == 60
    assert again == {"accounts updated": 1}


def lines(*records: str) -> str:
    return "\n".join(['{"format": "tes-billing/1"}', *records]) + "\n"


def supplier_line() -> str:
    return json.dumps({"suppliers": SUPPLIER}, ensure_ascii=False)


def account_line(number: str, **overrides: Any) -> str:
    return json.dumps({"accounts": account(number, **overrides)}, ensure_ascii=False)


REFUSED_LINES = [
    (
        lines(supplier_line(), account_line("800100103492", total_area="-1")),
        "line 3: accounts (number 800100103492).total_area: Input should be greater than",
    ),
    (
        lines(supplier_line(), '{"cats": {"name": "Murka"}}'),
        "line 3: a record is an object naming its section, one of suppliers, accounts,",
    ),
    (
        lines(supplier_line(), '{"accounts": {}, "accounts": {}}'),
        "line 3: a record is an object naming its section",
    ),
    (lines(supplier_line(), "[1, 2"), "not valid JSON: Expecting ',' delimiter at line 3"),
    (
        lines(account_line("800100103492")[:-2] + ', "kind": "epd"}}'),
        'line 2: accounts (number 800100103492): names "kind" more than once',
    ),
    # Escapes for what PostgreSQL text cannot hold, in a value and in a key.
    (
        lines(account_line("800100103492", owner_name="Клековкина\u0000")),
        "line 2: accounts (number 800100103492).owner_name: contains a character the database",
    ),
    (
        lines(json.dumps({"accounts": account("800100103492", address="\ud800 Томск")})),
        "line 2: accounts (number 800100103492).address: contains a character the database",
    ),
    (
        billing_file(accounts=[{**account("800100103492"), "ki\u0000nd": "epd"}]),
        "accounts[0] (number 800100103492): contains a character the database cannot keep",
    ),
    ('{"format": "tes-billing/2"}\n' + account_line("800100103492") + "\n", "format: Input"),
]


@pytest.mark.parametrize(("text", "problem"), REFUSED_LINES)
async def test_a_broken_line_is_named_and_nothing_is_written(database, text, problem):
    before = await count_rows(database)

    with pytest.raises(ImportRefused) as refused:
        await import_billing(database.engine, text)

    assert any(line.startswith(problem) for line in refused.value.problems), refused.value
    assert await count_rows(database) == before


@pytest.mark.parametrize(
    ("section", "record", "named"),
    [
        (
            "contracts",
            contract("800100103492"),
            "contracts[1] (account 800100103492): the same record as contracts[0] (account",
        ),
        (
            "meters",
            {
                "account": "800100103492",
                "number": "517480",
                "service": "hot_water",
                "unit": "м3",
                "digits": "5.3",
                "verified_until": "2031-01-01",
            },
            "meters[1] (number 517480): the same record as meters[0] (number 517480)",
        ),
        (
            "bills",
            {
                "account": "800100103492",
                "period": "2026-10",
                "suppliers": [
                    {
                        "supplier": "tes",
                        "debt_start": "0",
                        "paid": "0",
                        "charged": "1",
                        "to_pay": "1",
                    }
                ],
            },
            "bills[1] (account 800100103492): the same record as bills[0] (account",
        ),
    ],
)
async def test_a_record_given_twice_is_refused_naming_both(database, section, record, named):
    text = billing_file(
        suppliers=[SUPPLIER], accounts=[account("800100103492")], **{section: [record, record]}
    )

    with pytest.raises(ImportRefused) as refused:
        await import_billing(database.engine, text)

    assert any(line.startswith(named) for line in refused.value.problems), refused.value
    assert await count_rows(database) == {k: 0 for k in await count_rows(database)}


async def test_a_file_broken_throughout_lists_a_thousand_problems_and_counts_the_rest(database):
    broken = [account_line(f"8001{i:08d}", total_area="-1") for i in range(1_200)]
    garbage = ['{"cats": 1}'] * 1_300

    with pytest.raises(ImportRefused) as by_record:
        await import_billing(database.engine, lines(*broken))
    with pytest.raises(ImportRefused) as by_line:
        await import_billing(database.engine, lines(*garbage))

    assert len(by_record.value.problems) == 1_000 and by_record.value.more == 200
    assert by_record.value.problems[-1].startswith("line 1001: accounts (number 800100000999)")
    assert len(by_line.value.problems) == 1_000 and by_line.value.more == 300
