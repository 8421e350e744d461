"""`switchboard backup create|verify|restore` and `switchboard purge`, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.entrypoints.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    assert runner.invoke(app, ["directory", "demo"]).exit_code == 0
    return tmp_path / "sb.db"


def test_create_verify_and_restore_into_a_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = runner.invoke(app, ["backup", "create", "b.zip"])
    assert made.exit_code == 0, made.output
    assert "employees 30" in made.output
    checked = runner.invoke(app, ["backup", "verify", "b.zip"])
    assert checked.exit_code == 0, checked.output
    assert "is good" in checked.output

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    restored = runner.invoke(app, ["backup", "restore", "b.zip"])
    assert restored.exit_code == 0, restored.output
    listed = runner.invoke(app, ["directory", "list"])
    assert "Priya" in listed.output


def test_restoring_over_data_is_refused_without_replace() -> None:
    assert runner.invoke(app, ["backup", "create", "b.zip"]).exit_code == 0
    refused = runner.invoke(app, ["backup", "restore", "b.zip"])
    assert refused.exit_code == 1
    assert "--replace" in refused.output
    assert runner.invoke(app, ["backup", "restore", "b.zip", "--replace"]).exit_code == 0


def test_a_damaged_backup_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"not a zip at all")
    result = runner.invoke(app, ["backup", "verify", "bad.zip"])
    assert result.exit_code == 1
    assert "not a readable backup" in result.output
    assert "Traceback" not in result.output


def test_purge_is_a_dry_run_unless_applied() -> None:
    dry = runner.invoke(app, ["purge"])
    assert dry.exit_code == 0, dry.output
    assert "would purge 0" in dry.output
    assert "dry run: nothing was deleted" in dry.output
    one = runner.invoke(app, ["purge", "--kind", "transcripts", "--older-than", "7", "--apply"])
    assert one.exit_code == 0, one.output
    assert "transcripts     purged 0 (older than 7 days)" in one.output
    assert "calls" not in one.output


def test_purge_says_which_kinds_are_kept_for_ever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_CALLS_DAYS", "0")
    result = runner.invoke(app, ["purge", "--kind", "calls"])
    assert "kept for ever (RETENTION_CALLS_DAYS=0)" in result.output


def test_purge_refuses_a_bad_kind() -> None:
    result = runner.invoke(app, ["purge", "--kind", "everything"])
    assert result.exit_code == 2
