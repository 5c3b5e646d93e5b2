"""A real SMTP server (aiosmtpd) on loopback, and the letters it received."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from bot.config import Settings
from bot.mail import SmtpMailer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    letters: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.letters.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def last(self, to: str) -> email.message.EmailMessage:
        mine = [letter for letter in self.letters if letter["To"] == to]
        assert mine, f"no letter to {to}; letters went to {[m['To'] for m in self.letters]}"
        return mine[-1]

    def code(self, to: str) -> str:
        return re.search(r"\b(\d{6})\b", self.last(to).get_content()).group(1)

    def token(self, to: str) -> str:
        return re.search(r"\?start=([A-Za-z0-9_-]+)", self.last(to).get_content()).group(1)


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.inbox = Inbox()
        self.port = port or free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    running = False

    def start(self) -> SmtpServer:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_mailer(settings: Settings, smtp: SmtpServer) -> SmtpMailer:
    """The bot's mailer sending to the test's SMTP server; a test module that wants the bot
    to mail for real makes it its ``mailer``."""
    return SmtpMailer(
        settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none"}
        )
    )
