"""`python bot.py ...` as an operator runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(tmp_path: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "SMTP_", "STAFF_", "YOOKASSA_"))
    }
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "LOG_LEVEL": "WARNING",
    }

    def run(*args: str, stdin: str = "", **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "bot.py", *args],
            cwd=tmp_path,
            input=stdin,
            text=True,
            capture_output=True,
            env=env | extra_env,
            timeout=120,
        )

    def start(*args: str, **extra_env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "bot.py", *args],
            cwd=tmp_path,
            text=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env | extra_env,
        )

    run.start = start
    (tmp_path / "bot.py").symlink_to(ROOT / "bot.py")
    env["PYTHONPATH"] = str(ROOT)
    return run


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+asyncpg://", "name the database"),  # a driver's default one, else
        ("postgresql+asyncpg://bot@127.0.0.1:5432/", "name the database"),
        ("postgresql+asyncpg://bot@db:port/bot", "not a database URL"),
        ("postgresql+asyncpg://bot@db/bot?sslmode=require", "asyncpg takes ?ssl=require"),
    ],
)
def test_a_database_url_names_its_database_as_asyncpg_takes_it(url, reason):
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, database_url=url)
    assert str(refused.value).startswith(f"Invalid setting DATABASE_URL: Value error, {reason}")


def test_a_setting_left_blank_is_not_set(monkeypatch):
    """An env file's `STAFF_CHAT_ID=` or `SMTP_USER=`: no staff group, no login."""
    for name in ("STAFF_CHAT_ID", "SMTP_USER", "SMTP_PASSWORD", "YOOKASSA_SHOP_ID"):
        monkeypatch.setenv(name, "")
    settings = load_settings(_env_file=None)
    assert settings.staff_chat_id is None and settings.smtp_user is None
    assert settings.smtp_password is None and settings.yookassa_shop_id is None


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "STAFF_CHAT_ID",
            "staff",
            "Invalid setting STAFF_CHAT_ID: Input should be a valid integer",
        ),
        (
            "TELEGRAM_API_URL",
            "not a url",
            "Invalid setting TELEGRAM_API_URL: Input should be a valid URL",
        ),
        (
            "DATABASE_URL",
            "mysql://x",
            "Invalid setting DATABASE_URL: Value error, use "
            "sqlite+aiosqlite:// or postgresql+asyncpg://",
        ),
        (
            "READINGS_WINDOW",
            "25-15",
            "Invalid setting READINGS_WINDOW: Value error, days of the "
            "month as FIRST-LAST, e.g. 15-25",
        ),
        ("TIMEZONE", "Mars/Olympus", "Invalid setting TIMEZONE: Value error, unknown time zone"),
        (
            "WEBHOOK_URL",
            "https://bot.example.org/telegram",
            "Invalid setting WEBHOOK_SECRET: Value error, required when WEBHOOK_URL is set",
        ),
        (
            "SECRET_KEY",
            "short",
            "Invalid setting SECRET_KEY: Value error, at least 32 characters",
        ),
        (
            "WEBHOOK_SECRET",
            "short",
            "Invalid setting WEBHOOK_SECRET: Value error, 16 to 256 characters",
        ),
        (
            "BOT_TOKEN",
            "123456:token",
            "Invalid setting SMTP_HOST: Value error, required when BOT_TOKEN is set",
        ),
        (
            "TRUSTED_PROXIES",
            "10.0.0.0/8, proxy.local",
            "Invalid setting TRUSTED_PROXIES: value is not a valid IPv4 or IPv6 network",
        ),
    ],
)
def test_a_bad_setting_stops_with_one_line_naming_it(run, name, value, line):
    result = run("migrate", **{name: value})
    assert result.returncode == 2
    assert result.stderr.startswith(line)
    assert result.stderr.count("\n") == 1


def test_seed_demo_prints_what_a_person_needs_to_link_an_account(run):
    result = run("seed-demo")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert re.match(r"700100103492  epd          link code \d{6}  latest total ", lines[0])


def test_import_refuses_a_broken_file_and_says_where(run, tmp_path):
    assert run("migrate").returncode == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "tes-billing/1", "accounts": [{"number": "1"}]}')
    result = run("import", str(broken))
    assert result.returncode == 1
    assert "refused, nothing was imported" in result.stderr
    assert "accounts[0] (number 1).number: String should match pattern" in result.stderr

    for path, why in ((tmp_path / "missing.json", "No such file"), (tmp_path, "Is a directory")):
        result = run("import", str(path))
        assert result.returncode == 1
        assert f"{path}: cannot be read: {why}" in result.stderr
        assert "Traceback" not in result.stderr


def test_import_then_export(run, tmp_path):
    faq = ROOT / "storage" / "seed" / "faq.json"
    assert run("migrate").returncode == 0
    assert run("import", str(faq)).stdout.strip() == "faq_entries created: 18"
    assert run("import", str(faq)).stdout.strip() == "Nothing changed."
    result = run("export", "readings", "--since", "2026-01-01", "--format", "csv")
    assert result.returncode == 0
    assert result.stdout == (
        "account,meter,zone,value,taken_at,billing_month,source,reading,photo\n"
    )
    assert run("export", "readings", "--since", "01.01.2026").returncode == 2


def test_only_migrate_changes_the_schema_and_the_rest_refuse_one_not_this_builds(run, tmp_path):
    faq = str(ROOT / "storage" / "seed" / "faq.json")
    behind = "the database schema is at revision none, this build needs "
    for args in (("import", faq), ("export", "payments", "--since", "2026-01-01")):
        result = run(*args)
        assert (result.returncode, result.stderr.startswith(behind)) == (1, True), result.stderr
        assert result.stderr.endswith("run `bot.py migrate` first\n")
    assert run("migrate", "--check").returncode == 1

    assert run("migrate").returncode == 0
    assert run("migrate", "--check").returncode == 0
    assert run("import", faq).returncode == 0

    # The way back, before an older build starts: the schema moves down and up again.
    previous, head_revision = "0013", _schema(tmp_path)
    assert run("migrate", "--to", previous).stdout == "The database schema is at revision 0013.\n"
    assert (_schema(tmp_path), run("migrate", "--check").returncode) == (previous, 1)
    assert run("migrate").returncode == 0
    assert _schema(tmp_path) == head_revision
    unknown = run("migrate", "--to", "0999")
    assert (unknown.returncode, unknown.stderr) == (1, "revision 0999 is not one of this build's\n")

    database = sqlite3.connect(tmp_path / "bot.sqlite3")
    with database:  # a newer build migrated it since
        database.execute("UPDATE alembic_version SET version_num = '9999'")
    database.close()
    for args in (("import", faq), ("migrate", "--check"), ("migrate",), ("run",)):
        result = run(*args)
        assert result.returncode == 1
        assert "revision 9999, newer than this build" in result.stderr
        assert result.stderr.count("\n") == 1


def _schema(folder) -> str:
    database = sqlite3.connect(folder / "bot.sqlite3")
    try:
        return database.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        database.close()


def test_a_database_that_cannot_be_opened_or_an_unwritable_export_is_one_line(run, tmp_path):
    (tmp_path / "garbage.sqlite3").write_bytes(b"not a database" * 1000)
    cases = [
        (
            run("migrate", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/garbage.sqlite3"),
            "DATABASE_URL: the database cannot be opened: file is not a database",
        ),
        (
            run("migrate", DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none"),
            "DATABASE_URL: the database cannot be opened: ",
        ),
    ]
    assert run("migrate").returncode == 0
    cases.append(
        (
            run("export", "readings", "--since", "2026-01-01", "--output", "/no/such/x.csv"),
            "/no/such/x.csv: cannot be written: No such file or directory",
        )
    )
    for result, line in cases:
        assert result.returncode == 1
        assert result.stderr.startswith(line) and result.stderr.count("\n") == 1, result.stderr


def test_a_port_in_use_stops_the_start_with_one_line(run):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "run",
            BOT_TOKEN="123456:token",
            SMTP_HOST="127.0.0.1",
            TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=str(port),
        )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"WEBHOOK_HOST:WEBHOOK_PORT 127.0.0.1:{port}: cannot listen: Address already in use"
    )
    assert "Traceback" not in result.stderr


def test_telegram_away_at_start_is_waited_for_while_the_checks_answer(run, tmp_path):
    port = free_port()
    bot = run.start(
        "run",
        BOT_TOKEN="123456:token",
        SMTP_HOST="127.0.0.1",
        TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
        WEBHOOK_PORT=str(port),
        LOG_LEVEL="INFO",
    )
    try:
        seen = set()
        for line in bot.stderr:
            seen |= {w for w in ("started: version", "Telegram does not answer") if w in line}
            if len(seen) == 2:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            assert answer.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/elsewhere", timeout=10)
    finally:
        bot.send_signal(signal.SIGTERM)
        rest = bot.communicate(timeout=60)[1]
    assert bot.returncode == 0
    assert "Traceback" not in rest and "Telegram does not answer" not in rest, rest
    # The access log keeps the request worth reading, not the probe.
    assert '"GET /elsewhere HTTP/1.1" 404' in rest and "/healthz" not in rest


def test_run_without_a_token_starts_the_demo_chat_on_the_demo_data(run):
    result = run("run", stdin="3\n4\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "700100103492" in result.stdout  # the empty database got the demo
    assert "Здравствуйте!" in result.stdout
    assert "[3] ❓ Вопросы и ответы" in result.stdout
    assert "Какова методика расчёта пени?" in result.stdout
    assert "1/300 ключевой ставки" in result.stdout


class _ConflictingTelegram(BaseHTTPRequestHandler):
    """A Bot API server for whom another process is polling the token: getUpdates gets 409."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        method = self.path.rsplit("/", 1)[-1].lower()
        status, body = 200, {"ok": True, "result": True}
        if method == "getme":
            body["result"] = {"id": 1, "is_bot": True, "first_name": "Бот", "username": "bot"}
        elif method == "getupdates":
            status, body = (
                409,
                {
                    "ok": False,
                    "error_code": 409,
                    "description": "Conflict: terminated by other getUpdates request; make sure "
                    "that only one bot instance is running",
                },
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args) -> None:
        pass


def test_a_second_poller_for_the_token_stops_with_a_clear_message(run):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ConflictingTelegram)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run(
            "run",
            BOT_TOKEN="123456:conflict",
            SMTP_HOST="127.0.0.1",
            TELEGRAM_API_URL=f"http://127.0.0.1:{server.server_address[1]}",
            WEBHOOK_PORT=str(free_port()),
        )
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert "Another process is receiving this bot's updates" in result.stderr
    assert "only one bot instance is running" in result.stderr
