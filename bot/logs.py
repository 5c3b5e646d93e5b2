"""Logging that never shows a secret, whichever library formats the line."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

MASK = "***"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        text = record.exc_text
        for secret in self.secrets:
            message = message.replace(secret, MASK)
            text = text.replace(secret, MASK) if text else text
        record.msg, record.args, record.exc_text = message, None, text
        return True


def setup_logging(level: str, secrets: Iterable[str], file: Path | None = None) -> None:
    """To standard error, or to ``file`` (the demo chat keeps the terminal for the chat)."""
    handler: logging.Handler = logging.StreamHandler()
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
