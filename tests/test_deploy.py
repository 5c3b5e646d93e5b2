"""What ships for the operator under deploy/ is checked by the programs that read it: the
alert rules and their unit tests by promtool, the systemd unit by systemd-analyze, and the
compose file against the settings the bot takes. (The nginx configuration is run for real in
tests/test_proxy.py; the dashboard and the rules name served metrics, tests/test_webhook.py.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def program(name: str) -> str | None:
    return shutil.which(name, path="/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")


@pytest.mark.skipif(program("promtool") is None, reason="promtool is not installed")
def test_the_alert_rules_load_and_fire_as_their_unit_tests_say():
    promtool = program("promtool")
    assert promtool is not None
    for command in (
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts.test.yml"],
    ):
        result = subprocess.run(
            [promtool, *command], cwd=DEPLOY / "prometheus", capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(program("systemd-analyze") is None, reason="systemd is not installed")
def test_the_systemd_unit_verifies(tmp_path):
    """In a root of its own, where the unit's programs exist (the interpreter a stand-in) and
    the system's units are what it orders itself after."""
    unit = DEPLOY / "systemd" / "tes-resident-bot@.service"
    units = next(
        p for p in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")) if p.is_dir()
    )
    shutil.copytree(units, tmp_path / "usr/lib/systemd/system", symlinks=True)
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(unit, tmp_path / "etc/systemd/system")
    interpreter = tmp_path / "opt/tes-resident-bot/.venv/bin/python"
    interpreter.parent.mkdir(parents=True)
    shutil.copy("/bin/true", interpreter)
    (tmp_path / "usr/bin").mkdir(parents=True)
    shutil.copy("/usr/bin/env", tmp_path / "usr/bin/env")
    result = subprocess.run(
        [
            program("systemd-analyze"),
            "verify",
            f"--root={tmp_path}",
            "tes-resident-bot@8080.service",
        ],
        capture_output=True,
        text=True,
    )
    # verify exits 0 on a key it ignores: every word it says is a finding.
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stderr


def test_the_compose_file_runs_two_bots_behind_the_shipped_proxy_after_one_migration():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    bots = [name for name, s in services.items() if s.get("image") == "tes-resident-bot:latest"]
    assert sorted(bots) == ["bot-1", "bot-2", "migrate"]
    assert services["migrate"]["command"] == ["migrate"]
    for name in ("bot-1", "bot-2"):
        bot = services[name]
        assert bot["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert bot["stop_grace_period"] == "30s"  # what a stop needs (docs/operations.md)
        # Every setting given is one the bot reads.
        assert {key.lower() for key in bot["environment"]} <= set(Settings.model_fields)
    nginx = services["nginx"]
    assert (
        services["bot-1"]["environment"]["TRUSTED_PROXIES"]
        == nginx["networks"]["bot"]["ipv4_address"]
    )
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in nginx["volumes"]}
    assert mounts["./nginx/bot-locations.conf"] == "/etc/nginx/snippets/bot-locations.conf"
    assert (
        "include /etc/nginx/snippets/bot-locations.conf;"
        in (DEPLOY / "compose" / "nginx.conf").read_text()
    )
    example = (DEPLOY / "bot.env.example").read_text().splitlines()
    named = {line.split("=")[0].lower() for line in example if "=" in line and line[0] != "#"}
    assert named <= set(Settings.model_fields), named - set(Settings.model_fields)


def test_the_image_runs_the_locked_production_install_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r /tmp/production.txt" in dockerfile
    stages = dockerfile.split("\nFROM ")[1:]
    assert len(stages) == 2 and "USER bot" in stages[-1]  # what runs has no build tools
    assert 'ENTRYPOINT ["python", "bot.py"]' in dockerfile
    # Each package the code imports at run time is in the production lock.
    locked = (ROOT / "requirements" / "production.txt").read_text()
    for package in ("aiogram", "sqlalchemy", "asyncpg", "redis", "yookassa", "reportlab"):
        assert f"\n{package}==" in locked
    assert "\npytest==" not in locked and "\nruff==" not in locked
