"""`switchboard doctor` on a machine with nothing configured: what is missing is said once, and
every check that could not run says so in one short line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.entrypoints.cli import app

runner = CliRunner()
MISSING = "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER, LIVEKIT_URL"


@pytest.fixture(autouse=True)
def nothing_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env, no switchboard.yaml
    for name in list(os.environ):
        if name.startswith(("TWILIO_", "LIVEKIT_", "SMTP_", "WEBHOOK_", "SWITCHBOARD_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))


def _checks(*args: str, code: int = 1) -> dict[str, dict[str, str]]:
    result = runner.invoke(app, ["doctor", "--json", *args])
    assert result.exit_code == code, result.output
    return {c["name"]: c for c in json.loads(result.output)["checks"]}


def test_the_missing_settings_are_named_once() -> None:
    checks = _checks()
    assert MISSING in checks["settings"]["summary"]
    named = [c["name"] for c in checks.values() if "TWILIO_AUTH_TOKEN," in c["summary"]]
    assert named == ["settings"]
    skipped = {n: c for n, c in checks.items() if c["summary"].startswith("not checked")}
    assert set(skipped) >= {"twilio.number", "livekit.inbound_trunk", "livekit.outbound_trunk"}
    for check in skipped.values():
        assert len(check["summary"]) + len(check["fix"]) < 70, check


def test_the_table_is_short() -> None:
    result = runner.invoke(app, ["doctor"], env={"COLUMNS": "120"})
    assert result.exit_code == 1
    assert result.output.count("TWILIO_PHONE_NUMBER") == 1
    assert len(result.output.splitlines()) < 35
    assert "not checked: settings incomplete" in result.output
    assert "see `settings` above" in result.output


def test_a_check_run_alone_still_says_what_is_missing() -> None:
    """Without the `settings` row, the skipped check names the variables itself."""
    checks = _checks("--check", "twilio.number", code=0)  # a skipped check only warns
    assert list(checks) == ["twilio.number"]
    assert MISSING in checks["twilio.number"]["summary"]
