"""Logging that never shows a secret or a resident's contact, whichever library formats the
line, as text for a person or as JSON for a log collector."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

MASK = "***"
# An address keeps its first letter and its domain, a phone its last two digits: enough to
# tell two residents' lines apart, not enough to reach either (152-ФЗ).
EMAIL = re.compile(r"\b([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
PHONE = re.compile(r"(?<![\w+])(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*(\d{2})(?!\d)")


def redact_contacts(text: str) -> str:
    return PHONE.sub(rf"+7{MASK}\1", EMAIL.sub(rf"\1{MASK}@\2", text))


class Redact(logging.Filter):
    """Masks the secrets given, e-mail addresses and phone numbers, in the message and in
    the traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        message, text = self._clean(record.getMessage()), record.exc_text
        record.msg, record.args, record.exc_text = message, None, text and self._clean(text)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return redact_contacts(text)


# What a record belongs to: ("update", its id) or ("job", its name), set where each begins
# (bot/middlewares.py InFlight, bot/app.py once_per_fleet); tasks started within inherit it.
WORK: ContextVar[tuple[str, int | str] | None] = ContextVar("work", default=None)


def _work(record: logging.LogRecord) -> tuple[str, int | str] | None:
    # Taken when the record is made (a filter runs then, in the thread and task that made it).
    return getattr(record, "work", None)


class Tag(logging.Filter):
    """Names on each record the update or the job it was logged for."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.work = WORK.get()
        return True


def _time(record: logging.LogRecord) -> str:
    """The moment with its offset: lines from hosts in different zones sort and compare."""
    moment = datetime.fromtimestamp(record.created).astimezone()
    return moment.isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _time(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        work = _work(record)
        line = super().formatMessage(record)
        return f"{line} [{work[0]} {work[1]}]" if work else line


class JsonFormatter(logging.Formatter):
    """One object per line: time, level, logger, message, the update or the job it belongs
    to, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if work := _work(record):
            line[work[0]] = work[1]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def setup_logging(
    level: str,
    secrets: Iterable[str],
    file: Path | None = None,
    form: Literal["text", "json"] = "text",
) -> None:
    """To standard error, or to ``file`` (the demo chat keeps the terminal for the chat)."""
    handler: logging.Handler = logging.StreamHandler()
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(JsonFormatter() if form == "json" else TextFormatter())
    handler.addFilter(Redact(secrets))
    handler.addFilter(Tag())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Alembic announces each of its plugins at every start; the migrations it runs stay.
    # The scheduler logs each run of each job (one every 15 s); its failures stay.
    for chatty in ("alembic.runtime.plugins", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
