"""Every command's --help says what to type, never a Python type name (`<bool>`, `<list[str]>`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from switchboard.entrypoints.cli import app

runner = CliRunner()
TYPE_METAVAR = re.compile(r"<(bool|str|int|float|path|file|dir|list\[|tuple|datetime|choice)[^>]*>")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def _help(path: tuple[str, ...]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_checked() -> None:
    assert ("call",) in COMMANDS
    assert ("directory", "set") in COMMANDS
    assert len(COMMANDS) > 30


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "switchboard")
def test_help_shows_no_type_names(path: tuple[str, ...]) -> None:
    assert TYPE_METAVAR.findall(_help(path)) == []


def test_flags_show_no_metavar_and_values_say_what_to_type() -> None:
    root = _help(())
    assert re.search(r"--verbose\s+-v\s+Show INFO logs", root)
    call = _help(("call",))
    assert "--employee" in call
    assert "ID=answer:…,decision:…" in call
    assert re.search(r"--pace\s+SCALE", call)
    assert re.search(r"--voice\s+Speak instead", call)
    assert re.search(r"--timeout\s+SECONDS", _help(("doctor",)))
    assert "FIELD=VALUE..." in _help(("directory", "set"))
