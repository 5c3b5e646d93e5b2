"""A billing file read as a stream of records (``docs/billing-format.md``): the JSON document,
or JSON Lines for big files. Neither is ever held whole: a record is decoded as soon as the
reader has it, by the standard library's C decoder, and memory stays flat in the file's size.

Every number is read exactly (a ``Decimal``, never a float), an object that names a key twice
is caught where it stands, and every problem names its place: ``accounts[2] (number …)``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from domain.validation import storable

FORMAT = "tes-billing/1"
SECTIONS = ("suppliers", "accounts", "contracts", "meters", "bills", "payments", "faq")

CHUNK = 1 << 20  # characters read at a time
# A record longer than this is not a record (a meter with a century of readings is 200 KB):
# a file broken mid-record is refused there instead of being read whole to find its end.
MAX_RECORD = 16 << 20
# Characters of a number in the file, and the powers of ten it may span: more than the widest
# column holds (18 digits), far less than what costs seconds to convert (a number of thousands
# of digits, or 1e999999999 as an integer).
MAX_NUMBER = 40
# Keys that name a record in a problem, the first one it has: ``meters[0] (number 517480)``.
RECORD_KEYS = ("number", "code", "id", "account", "starts_on", "period", "position")
WHITESPACE = " \t\n\r"
MAX_PROBLEMS = 1_000  # listed; the rest are counted


# A record as read: its section, its place in the file (``accounts[2] (number …)``), the
# decoded record, and the problems the reader found in it.
Entry = tuple[str, str, Any, list[str]]


class ImportRefused(Exception):
    """The file cannot be imported; nothing of it was written. ``more``: problems found past
    the ones listed, which a file broken throughout would otherwise pile up in memory."""

    def __init__(self, problems: Sequence[str], more: int = 0) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)
        self.more = more


class Overlong:
    """A number in the file too long or too large for any field: refused where it stands."""

    def __init__(self, text: str) -> None:
        self.shown = (
            text if len(text) <= 20 else f"{text[:10]}…{text[-5:]} ({len(text)} characters)"
        )


def _number(text: str) -> Decimal | Overlong:
    number = Decimal(text)
    if len(text) > MAX_NUMBER or abs(number.adjusted()) > MAX_NUMBER:
        return Overlong(text)
    return number


class Repeated(dict):
    """A JSON object that names a key more than once, which ``dict`` would keep the last of."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.keys_repeated = []
        for k, _ in pairs:
            if k in seen:
                self.keys_repeated.append(k)
            seen.add(k)


def named(node: Any) -> str:
    """`` (number 800100103492)``: what names a record, to find it in a large file."""
    if isinstance(node, dict):
        key = next((k for k in RECORD_KEYS if isinstance(node.get(k), (str, Decimal))), None)
        if key is not None:
            return f" ({key} {node[key]})"
    return ""


def where(place: str, record: Any, location: Sequence[str | int]) -> str:
    """``accounts[2] (number 800100103492).total_area``: a field's place under its record's."""
    parts = [place]
    node = record
    for step in location:
        if isinstance(step, int):
            parts[-1] += f"[{step}]"
        else:
            parts.append(str(step))
        found = isinstance(node, (list, dict)) and _has(node, step)
        node = node[step] if found else None
        if isinstance(step, int):
            parts[-1] += named(node)
    return ".".join(parts)


def _has(node: list[Any] | dict[str, Any], step: str | int) -> bool:
    if isinstance(node, list):
        return isinstance(step, int) and 0 <= step < len(node)
    return step in node


def _flaws(record: Any, place: str) -> list[str]:
    """What the decoder let through in a record: a key named twice (one problem per object
    and key), a string the database cannot keep."""
    found: list[str] = []

    def walk(node: Any, location: tuple[str | int, ...]) -> None:
        if isinstance(node, Repeated):
            found.extend(
                f'{where(place, record, location)}: names "{key}" more than once'
                for key in node.keys_repeated
            )
        if isinstance(node, str) and not storable(node):
            found.append(
                f"{where(place, record, location)}: contains a character the database cannot "
                "keep (U+0000, or half of a surrogate pair)"
            )
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(key, location)
                walk(value, (*location, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*location, index))

    walk(record, ())
    return found


class _Text:
    """The file's text, decoded a chunk at a time, with the place of any character in it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.eof = False
        self._lines = 0  # newlines in the text already let go
        self._mark = (0, 0)  # a position in the text and the newlines before it in the file
        self._bytes_lines = 0  # and in the bytes read, for a decoding error's place
        self._bytes_column = 0
        self._first = True
        self._decoder_ = json.JSONDecoder(
            parse_float=_number, parse_int=_number, object_pairs_hook=self._pairs
        )
        # Whether the value decoded last may hold a flaw: a key named twice, or an escape
        # (``\\u0000``) for a character the database cannot keep. Only such a record is walked.
        self.flawed = False

    def _pairs(self, items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        self.flawed = True
        return Repeated(items)

    def more(self) -> bool:
        """Reads another chunk; False at the end of the file."""
        if self.eof:
            return False
        data = self._stream.read(CHUNK)
        if self._first and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportRefused(["not UTF-8 (UTF-16, or not text at all): save the file as UTF-8"])
        self._first = False
        # A raw NUL byte has no place in JSON; it is what UTF-16 looks like.
        if b"\x00" in data:
            raise ImportRefused(["not UTF-8 (UTF-16, or not text at all): save the file as UTF-8"])
        try:
            decoded = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise ImportRefused([self._not_utf8(data, error.start)]) from None
        self._bytes_lines += data.count(b"\n")
        last = data.rfind(b"\n")
        self._bytes_column = len(data) - last - 1 if last >= 0 else self._bytes_column + len(data)
        if self.pos > CHUNK:  # let go of what was read
            self._lines = self.newlines_before(self.pos)
            self._mark = (0, self._lines)
            self.text = self.text[self.pos :]
            self.pos = 0
        self.text += decoded
        self.eof = not data
        return bool(data)

    def _not_utf8(self, data: bytes, start: int) -> str:
        before = data.rfind(b"\n", 0, start)
        line = self._bytes_lines + data.count(b"\n", 0, start) + 1
        column = start - before if before >= 0 else self._bytes_column + start + 1
        return (
            f"not UTF-8: byte 0x{data[start]:02x} at line {line}, column {column}"
            " (Windows-1251?): save the file as UTF-8"
        )

    def newlines_before(self, pos: int) -> int:
        """In the whole file; counted on from the last position asked for, as records go."""
        mark, count = self._mark
        if pos < mark:
            mark, count = 0, self._lines
        count += self.text.count("\n", mark, pos)
        self._mark = (pos, count)
        return count

    def place(self, pos: int) -> str:
        line = self.newlines_before(pos) + 1
        return f"line {line}, column {pos - self.text.rfind(chr(10), 0, pos)}"

    def skip(self) -> str:
        """The next character past whitespace, not taken; '' at the end."""
        while True:
            text, pos = self.text, self.pos
            while pos < len(text) and text[pos] in WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(text):
                return text[pos]
            if not self.more():
                return ""

    def expect(self, chars: str, what: str) -> str:
        found = self.skip()
        if not found or found not in chars:
            raise self.invalid(what, self.pos)
        self.pos += 1
        return found

    def invalid(self, what: str, pos: int) -> ImportRefused:
        return ImportRefused([f"not valid JSON: {what} at {self.place(pos)}"])

    def value(self) -> Any:
        """The JSON value that starts here, decoded whole: the buffer grows until it holds it
        and a character past it (a number cut by a chunk's end would decode short)."""
        self.skip()
        while True:
            self.flawed = False
            try:
                value, end = self._decoder_.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if self._grow():
                    continue
                raise self.invalid(error.msg, error.pos) from None
            except RecursionError:
                raise ImportRefused(["not a billing file: JSON nested too deeply"]) from None
            if end < len(self.text) or not self._grow():
                # Raw, neither can be in the text: a NUL byte is refused, UTF-8 spells no
                # surrogate; only an escape can.
                self.flawed = self.flawed or self.text.find("\\u", self.pos, end) >= 0
                self.pos = end
                return value

    def line(self) -> Any:
        """The JSON value on the line that starts here, decoded alone: a line broken is
        refused where it breaks, not read on into the next."""
        while (end := self.text.find("\n", self.pos)) < 0 and self._grow():
            pass
        if end < 0 and not self.eof:
            raise ImportRefused([f"{self.place(self.pos)}: a line longer than any record"])
        start, end = self.pos, len(self.text) if end < 0 else end
        self.flawed = False
        try:
            value = self._decoder_.decode(self.text[start:end])
        except json.JSONDecodeError as error:
            raise self.invalid(error.msg, start + error.pos) from None
        except RecursionError:
            raise ImportRefused(["not a billing file: JSON nested too deeply"]) from None
        self.flawed = self.flawed or self.text.find("\\u", start, end) >= 0
        self.pos = end
        return value

    def record(self, section: str, place: str) -> Entry:
        """The record that starts here, with its name in its place and its flaws."""
        value = self.value()
        place += named(value)
        return section, place, value, _flaws(value, place) if self.flawed else []

    def _grow(self) -> bool:
        if len(self.text) - self.pos > MAX_RECORD:
            return False
        return self.more()


def records(stream: IO[bytes]) -> Iterator[Entry]:
    """The file's records, in file order (see ``Entry``). The file's own frame (its format,
    a key named twice) is checked as it goes and refused at the end, with the records'
    problems."""
    text = _Text(stream)
    text.more()
    if _is_lines(text):
        yield from _lines(text)
    else:
        yield from _document(text)


def _is_lines(text: _Text) -> bool:
    """JSON Lines start with a line that is a whole object and go on past it (a JSON document
    whose first line is whole is that line alone)."""
    while "\n" not in text.text and len(text.text) < MAX_RECORD and text.more():
        pass
    first, newline, rest = text.text.partition("\n")
    while newline and not rest.strip(WHITESPACE) and text.more():
        rest = text.text.partition("\n")[2]
    if not rest.strip(WHITESPACE):
        return False
    try:
        header = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(header, dict) and "format" in header


def _document(text: _Text) -> Iterator[Entry]:
    problems: list[str] = []
    seen: set[str] = set()
    found_format: Any = None
    text.expect("{", "Expecting '{'")
    if text.skip() == "}":
        text.pos += 1
    else:
        while True:
            if text.skip() != '"':
                raise text.invalid("Expecting property name enclosed in double quotes", text.pos)
            key = text.value()
            text.expect(":", "Expecting ':' delimiter")
            if key in seen:
                problems.append(f'file: names "{key}" more than once')
            seen.add(key)
            if key in SECTIONS:
                yield from _section(text, key)
            elif key == "format":
                found_format = text.value()
            else:
                text.value()
                problems.append(f"{key}: Extra inputs are not permitted")
            if text.expect(",}", "Expecting ',' delimiter") == "}":
                break
    if text.skip():
        raise text.invalid("Extra data", text.pos)
    problems += _format(found_format, "format" in seen)
    if problems:
        raise ImportRefused(problems)


def _section(text: _Text, section: str) -> Iterator[Entry]:
    if text.skip() != "[":
        value = text.value()
        raise ImportRefused([f"{section}: Input should be a valid list, not {value!r:.40}"])
    text.pos += 1
    if text.skip() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        yield text.record(section, f"{section}[{index}]")
        index += 1
        if text.expect(",]", "Expecting ',' delimiter") == "]":
            return


def _format(value: Any, given: bool) -> list[str]:
    if not given:
        return ["format: Field required"]
    if value != FORMAT:
        return [f"format: Input should be '{FORMAT}'"]
    return []


def _lines(text: _Text) -> Iterator[Entry]:
    """One record a line, as an object naming its section: ``{"accounts": {...}}``; the first
    line is ``{"format": "tes-billing/1"}``."""
    header = text.line()
    problems = _flaws(header, "line 1") if text.flawed else []
    problems += _format(header.get("format"), "format" in header)
    more = 0
    problems += [
        f"line 1: {key}: Extra inputs are not permitted" for key in header if key != "format"
    ]
    while text.skip():
        line = text.newlines_before(text.pos) + 1
        record = text.line()
        if (
            not isinstance(record, dict)
            or isinstance(record, Repeated)
            or len(record) != 1
            or next(iter(record)) not in SECTIONS
        ):
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    f"line {line}: a record is an object naming its section, one of "
                    + ", ".join(SECTIONS)
                )
            else:
                more += 1
            continue
        [(section, value)] = record.items()
        place = f"line {line}: {section}" + named(value)
        yield section, place, value, _flaws(value, place) if text.flawed else []
    if problems:
        raise ImportRefused(problems, more)
