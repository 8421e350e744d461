"""`switchboard users …` end to end on a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.entrypoints.cli import app

pytestmark = pytest.mark.entrypoint
runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    assert runner.invoke(app, ["directory", "demo"]).exit_code == 0


def users(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["users", *args], input=stdin)
    return result.exit_code, result.output


def test_add_list_set_password_token_remove() -> None:
    code, out = users("add", "ada@example.com", "--role", "admin", "--password-stdin",
                      stdin="a long password\n")  # fmt: skip
    assert (code, out.strip()) == (0, "added ada@example.com as admin")
    code, out = users("add", "priya@example.com", "--role", "employee", "--employee",
                      "priya-raman", "--password-stdin", stdin="another password\n")  # fmt: skip
    assert code == 0, out
    code, out = users("list")
    assert code == 0
    assert "ada@example.com" in out
    assert "priya-raman" in out
    assert (
        users("set-password", "ada@example.com", "--password-stdin", stdin="changed it now\n")[0]
        == 0
    )
    code, out = users("token", "ada@example.com", "--name", "nightly")
    assert code == 0
    assert out.startswith("sbt_")
    assert users("remove", "priya@example.com") == (0, "removed priya@example.com\n")
    assert "priya" not in users("list")[1]


def test_bad_input_is_one_clear_line() -> None:
    code, out = users("add", "ada@example.com", "--role", "admin")
    assert code == 2
    assert "--password-stdin" in out
    code, out = users("add", "x@example.com", "--role", "employee", "--employee", "nobody",
                      "--password-stdin", stdin="a long password\n")  # fmt: skip
    assert code == 1
    assert "no employee with id 'nobody'" in out
    code, out = users("add", "ada@example.com", "--role", "admin", "--password-stdin",
                      stdin="short\n")  # fmt: skip
    assert code == 1
    assert "at least 10 characters" in out
    code, out = users("remove", "ghost@example.com")
    assert code == 1
    assert "no user" in out
    assert users("list")[1].startswith("no users yet")
