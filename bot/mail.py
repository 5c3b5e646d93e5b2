"""Letters: to the configured SMTP server, or with none configured to an outbox folder (and
the demo chat). A log line names the recipient and subject, never the body: bodies carry
confirmation codes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import aiosmtplib

from bot.config import Settings
from domain.ports import Letter, Mailer, MailNotSent

logger = logging.getLogger(__name__)

SMTP_TIMEOUT = 15


def _message(letter: Letter, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = letter.to
    message["Subject"] = letter.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(letter.body)
    return message


class OutboxMailer:
    """Keeps letters as .eml files; ``listeners`` (the demo chat) see each one."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender
        self.listeners: list[Callable[[Letter], None]] = []

    async def send(self, letter: Letter) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}.eml"
        path.write_bytes(bytes(_message(letter, self.sender)))
        logger.info("letter to %s (%s) kept in %s", letter.to, letter.subject, path)
        for listener in self.listeners:
            listener(letter)

    def purge(self, before: datetime) -> int:
        """Deletes the letters kept before ``before`` (they hold codes and addresses); how
        many."""
        purged = 0
        for path in self.folder.glob("*.eml"):
            if datetime.fromtimestamp(path.stat().st_mtime, UTC) < before:
                path.unlink(missing_ok=True)
                purged += 1
        return purged


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, letter: Letter) -> None:
        s = self.settings
        try:
            await aiosmtplib.send(
                _message(letter, s.mail_from),
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_user,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                use_tls=s.smtp_security == "ssl",
                start_tls=s.smtp_security == "starttls",
                timeout=SMTP_TIMEOUT,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            logger.warning(
                "letter to %s (%s) not sent: %s", letter.to, letter.subject, type(error).__name__
            )
            raise MailNotSent(str(error)) from error
        logger.info("letter to %s (%s) sent", letter.to, letter.subject)


def build_mailer(settings: Settings) -> Mailer:
    if settings.smtp_host:
        return SmtpMailer(settings)
    return OutboxMailer(settings.outbox_dir, settings.mail_from)
