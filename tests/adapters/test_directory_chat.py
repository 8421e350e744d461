"""Chat URLs in the directory: YAML and CSV round-trips, precise errors, `${VAR}` references kept,
tokens masked wherever they are shown, and stored and read back by the database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_yaml,
    dump_employees_csv,
    parse_directory_yaml,
    parse_employee_fields,
    parse_employees_csv,
)
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.chat_address import mask
from switchboard.entrypoints.cli import app
from switchboard.services.directory import load_directory

SLACK = "slack://T1234ABCD/B5678EFGH/abcdefghijklmnopqrstuvwx/#sales"
YAML = """\
company: {name: Acme, timezone: America/Chicago, hours: {mon: "08:30-17:30"}}
departments:
  - {id: sales, name: Sales, chat: ["discord://${DISCORD_HOOK}/"]}
employees:
  - id: ann-lee
    name: Ann Lee
    department: sales
    phone: "+13125550101"
    chat: ["SLACK", "jsons://hooks.example.com/notify/ann"]
""".replace("SLACK", SLACK)


@pytest.fixture(autouse=True)
def discord_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_HOOK", "123456789012345678/abcdefghijklmnopqrstuvwx")


def problems(text: str) -> list[str]:
    with pytest.raises(DirectoryFileError) as info:
        parse_directory_yaml(text, source="d.yaml")
    return [str(p) for p in info.value.problems]


def test_yaml_chat_urls_round_trip_with_references_kept() -> None:
    directory = parse_directory_yaml(YAML)
    assert directory.employees[0].chat == (SLACK, "jsons://hooks.example.com/notify/ann")
    assert directory.departments[0].chat == ("discord://${DISCORD_HOOK}/",)  # not expanded
    again = dump_directory_yaml(directory)
    assert "${DISCORD_HOOK}" in again
    assert parse_directory_yaml(again) == directory


def test_csv_chat_column_is_semicolon_separated_and_round_trips() -> None:
    employees = parse_directory_yaml(YAML).employees
    text = dump_employees_csv(employees)
    assert text.splitlines()[0].endswith(",chat")
    assert parse_employees_csv(text) == employees
    row = f'id,name,phone,chat\nbo,Bo,+13125550109,"{SLACK}; json://127.0.0.1:9/x"\n'
    assert parse_employees_csv(row)[0].chat == (SLACK, "json://127.0.0.1:9/x")


def test_a_url_apprise_does_not_understand_names_the_row_field_and_item() -> None:
    bad = YAML.replace('"jsons://hooks.example.com/notify/ann"', '"nochat://secrettoken123/x"')
    [problem] = problems(bad)
    assert "employees[0] (id=ann-lee)" in problem
    assert "chat" in problem
    assert "URL 2" in problem
    assert "secrettoken123" not in problem  # masked even in the error


def test_an_unset_variable_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_HOOK")
    problem = problems(YAML)[0]  # then the employee's department is unknown too
    assert "departments[0] (id=sales)" in problem
    assert "${DISCORD_HOOK} is not set" in problem


def test_csv_errors_name_the_row() -> None:
    row = "id,name,phone,chat\nbo,Bo,+13125550109,not-a-url\n"
    with pytest.raises(DirectoryFileError) as info:
        parse_employees_csv(row, source="d.csv")
    assert "row 2 (id=bo)" in str(info.value.problems[0])
    assert "chat" in str(info.value.problems[0])


@pytest.mark.parametrize("value", [{"a": 1}, 12, [SLACK] * 11])
def test_wrong_shapes_are_refused(value: object) -> None:
    text = YAML.replace('["discord://${DISCORD_HOOK}/"]', repr(value).replace("'", '"'))
    assert any("chat" in p for p in problems(text))


def test_a_command_line_update_can_set_and_clear_chat() -> None:
    assert parse_employee_fields({"chat": SLACK}) == {"chat": (SLACK,)}
    assert parse_employee_fields({"chat": ""}) == {"chat": ()}


def test_masking_keeps_the_shape_and_drops_the_tokens() -> None:
    shown = mask(SLACK)
    assert shown == "slack://T1…/B5…/ab…/#sales"
    assert mask("jsons://user:pw@hooks.example.com/notify/abcdefgh?token=x") == (
        "jsons://…@hooks.example.com/no…/ab…"
    )
    assert mask("discord://${DISCORD_HOOK}/") == "discord://${DISCORD_HOOK}/"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    yield storage
    await storage.dispose()


async def test_chat_urls_are_stored_and_read_back(storage: Storage) -> None:
    directory = parse_directory_yaml(YAML)
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(directory)
        await uow.commit()
    stored = await load_directory(storage.unit_of_work)
    assert stored.employees[0].chat == directory.employees[0].chat
    assert stored.departments[0].chat == ("discord://${DISCORD_HOOK}/",)


def test_apprise_log_lines_never_carry_a_whole_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="apprise")
    problems("""\
company: {name: Acme, timezone: UTC, hours: {}}
employees:
  - {id: bo, name: Bo, phone: "+13125550109", chat: ["msteams://teamname/abcdef12-3456-7890-abcd-ef1234567890/tokentoken/"]}
""")
    assert "Unparseable URL" in caplog.text  # apprise did log it, masked by our filter
    assert "tokentoken" not in caplog.text  # apprise alone shows this short token whole


def test_directory_show_masks_chat_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "d.yaml").write_text(YAML, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["directory", "import", "d.yaml"]).exit_code == 0
    shown = runner.invoke(app, ["directory", "show", "ann-lee", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["chat"] == [mask(SLACK), "jsons://hooks.example.com/no…/ann"]
    assert "abcdefghijklmnopqrstuvwx" not in shown.output
    exported = runner.invoke(app, ["directory", "export", "--format", "yaml"])
    assert exported.exit_code == 0
    assert SLACK in exported.output  # the file form keeps the URL whole, to re-import
    assert "discord://${DISCORD_HOOK}/" in exported.output  # and references as references
