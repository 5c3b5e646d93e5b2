"""Letters reach a real SMTP server or the outbox; no secret reaches a log."""

from __future__ import annotations

import email
import io
import json
import logging
import re

import pytest
from aiosmtpd.controller import Controller

from bot.app import once_per_fleet
from bot.config import Settings
from bot.logs import JsonFormatter, Redact, Tag, TextFormatter
from bot.mail import OutboxMailer, SmtpMailer
from domain.ports import Letter, MailNotSent
from tests.smtp import free_port

LETTER = Letter(to="resident@example.org", subject="Код подтверждения", body="Ваш код: 482913")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_a_letter_reaches_the_smtp_server(smtp_server, caplog):
    controller, inbox = smtp_server
    settings = Settings(
        _env_file=None, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none"
    )
    caplog.set_level(logging.INFO)

    await SmtpMailer(settings).send(LETTER)

    [message] = inbox.messages
    assert message["To"] == "resident@example.org"
    assert (
        str(email.header.make_header(email.header.decode_header(message["Subject"])))
        == "Код подтверждения"
    )
    assert "482913" in message.get_payload(decode=True).decode()
    assert "482913" not in caplog.text


async def test_a_down_smtp_server_is_reported(caplog):
    settings = Settings(
        _env_file=None, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none"
    )
    with pytest.raises(MailNotSent):
        await SmtpMailer(settings).send(LETTER)
    assert "not sent" in caplog.text and "482913" not in caplog.text


async def test_without_smtp_letters_go_to_the_outbox_and_its_listeners(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    mailer = OutboxMailer(tmp_path / "outbox", "noreply@example.org")
    seen: list[Letter] = []
    mailer.listeners.append(seen.append)

    await mailer.send(LETTER)

    [file] = (tmp_path / "outbox").iterdir()
    assert "482913" in email.message_from_bytes(file.read_bytes()).get_payload(decode=True).decode()
    assert seen == [LETTER]
    assert "resident@example.org" in caplog.text and "482913" not in caplog.text


def test_secrets_are_masked_in_messages_and_tracebacks():
    token = "123456:AAE-secret-token"
    record = logging.LogRecord(
        "aiogram", logging.ERROR, __file__, 1, "request to %s failed", (f"/bot{token}/getMe",), None
    )
    try:
        raise RuntimeError(f"url /bot{token}/sendMessage")
    except RuntimeError as error:
        record.exc_info = (type(error), error, error.__traceback__)

    Redact([token]).filter(record)

    assert record.getMessage() == "request to /bot***/getMe failed"
    assert token not in record.exc_text and "/bot***/sendMessage" in record.exc_text


def test_settings_never_print_their_secrets():
    settings = Settings(
        _env_file=None, bot_token="123:t0ken", smtp_host="smtp.example.org", smtp_password="pa55"
    )
    assert "t0ken" not in repr(settings) and "pa55" not in repr(settings)
    assert set(settings.secrets()) == {"123:t0ken", "pa55"}


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("bot.mail", logging.INFO, __file__, 1, message, args, None)


@pytest.mark.parametrize(
    ("said", "logged"),
    [
        ("letter to ivan.petrov@example.org sent", "letter to i***@example.org sent"),
        ("phone +7 (913) 123-45-67 shared", "phone +7***67 shared"),
        ("phone 89131234567 shared", "phone +7***67 shared"),
        ("account 800100103492, meter 01234567890", "account 800100103492, meter 01234567890"),
        ("update 89131234567123 delivered again", "update 89131234567123 delivered again"),
    ],
)
def test_contacts_are_masked_and_other_numbers_are_not(said, logged):
    record = _record("%s", said)
    Redact([]).filter(record)
    assert record.getMessage() == logged


def test_a_log_line_as_text_or_json_carries_the_time_with_its_offset():
    record = _record("letter to %s sent", "resident@example.org")
    try:
        raise MailNotSent("resident@example.org refused")
    except MailNotSent as error:
        record.exc_info = (type(error), error, error.__traceback__)
    Redact([]).filter(record)
    offset = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"

    text = TextFormatter().format(record)
    assert re.match(rf"{offset} INFO bot.mail: letter to r\*\*\*@example.org sent\n", text)
    line = json.loads(JsonFormatter().format(record))
    assert re.fullmatch(offset, line.pop("time"))
    exception = line.pop("exception")
    assert line == {
        "level": "INFO",
        "logger": "bot.mail",
        "message": "letter to r***@example.org sent",
    }
    assert "MailNotSent: r***@example.org refused" in exception
    assert "resident@" not in text + exception


async def test_each_line_names_the_update_or_the_job_it_was_logged_for(chat, bot_database):
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(Tag())
    root = logging.getLogger()
    root.addHandler(handler)
    # setLevel, not the attribute: it clears each logger's cached answer to isEnabledFor,
    # which an update fed earlier in this process left at the default WARNING.
    level = root.level
    root.setLevel(logging.INFO)
    quiet = logging.getLogger("tests.job")

    async def job() -> None:
        quiet.info("job at work")

    try:
        await chat.send("/help")
        await once_per_fleet(bot_database, "remind-readings", job)()
        quiet.info("between the two")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    handled = next(r for r in records if r["message"].startswith("Update id="))
    assert handled["update"] == chat.last_update.update_id
    by_message = {r["message"]: r for r in records}
    assert by_message["job at work"]["job"] == "remind-readings"
    assert (
        "job" not in by_message["between the two"] and "update" not in by_message["between the two"]
    )
    text = TextFormatter()
    record = logging.makeLogRecord({"msg": "sent", "name": "bot", "levelname": "INFO"})
    record.work = ("update", 42)
    assert text.format(record).endswith("INFO bot: sent [update 42]")
