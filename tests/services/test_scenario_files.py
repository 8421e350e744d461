"""Scenario files: what a valid one reads as, and errors that name the file and the key."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from switchboard.services.scenarios import (
    ScenarioError,
    directories_for,
    is_scenario_file,
    load_scenario,
)
from switchboard.services.scenarios.directories import DEFAULT_KEY

SUITE = Path(__file__).parents[1] / "scenarios"


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_scenario_reads_as_written(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").write_text((SUITE / "directory.yaml").read_text())
    path = _write(tmp_path, """
name: demo
directory: dir.yaml
now: "2026-11-24T10:15:00-06:00"
caller:
  number: "+16125550177"
  turns: ["Priya please", "Dana"]
  hangup: {during: hold}
employees:
  priya-raman: {answer: true, decision: accept}
expect: {outcome: transferred, transferred_to: priya-raman, agent_says: ["hold"]}
""")  # fmt: skip
    s = load_scenario(path)
    assert s.name == "demo"
    assert s.directory == (tmp_path / "dir.yaml").resolve()
    assert s.now == datetime.fromisoformat("2026-11-24T10:15:00-06:00")
    assert s.turns == ("Priya please", "Dana")
    assert s.hangup == {"during": "hold"}
    assert s.after_turn is None
    assert s.employees == {"priya-raman": {"answer": True, "decision": "accept"}}
    assert s.expect["outcome"] == "transferred"


def test_defaults_name_from_the_file_and_the_demo_caller(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, "caller: {turns: [hi], hangup: {after_turn: 0}}\n"))
    assert s.name == "s"
    assert s.directory is None
    assert s.caller_number == "+16125550177"
    assert s.after_turn == 0
    assert s.now.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("nmae: x\n", "nmae", "unknown key"),
        ("caller: {turns: hi}\n", "caller.turns", "list of strings"),
        ("caller: {turns: [1, 2]}\n", "caller.turns", "list of strings"),
        ("caller: {number: '612-555'}\n", "caller.number", "E.164"),
        ("caller: {hangup: {after_turn: -1}}\n", "caller.hangup.after_turn", "whole number"),
        ("caller: {hangup: {during: lunch}}\n", "caller.hangup", "lunch"),
        ("caller: {hangup: {sometime: 1}}\n", "caller.hangup.sometime", "unknown key"),
        ("caller: {hangup: {after: 1}}\n", "caller.hangup", "after_turn"),
        ("now: '2026-11-24T10:15:00'\n", "now", "offset"),
        ("now: yesterday\n", "now", "ISO-8601"),
        ("directory: nowhere.yaml\n", "directory", "does not exist"),
        ("employees: {priya-raman: {answer: maybe}}\n", "employees.priya-raman", "maybe"),
        ("employees: {priya-raman: {anwser: true}}\n", "employees.priya-raman", "anwser"),
        ("expect: {outcome: great}\n", "expect.outcome", "must be one of"),
        ("expect: {attempt: []}\n", "expect.attempt", "unknown key"),
        ("expect: {attempts: none}\n", "expect.attempts", "must be a list"),
        ("expect: {agent_says: ['(unclosed']}\n", "expect.agent_says", "unclosed"),
        ("- just a list\n", "(top level)", "mapping"),
    ],
)  # fmt: skip
def test_mistakes_name_the_file_and_the_key(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.key == key
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"{path}: {key}: ")


def test_unreadable_and_broken_yaml_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read it"):
        load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(_write(tmp_path, "name: [unclosed\n"))


def test_a_directory_file_is_not_taken_for_a_scenario(tmp_path: Path) -> None:
    assert not is_scenario_file(SUITE / "directory.yaml")
    assert is_scenario_file(SUITE / "transfer-accepted.yaml")
    assert is_scenario_file(_write(tmp_path, "name: [unclosed\n"))  # load_scenario will say why


def test_scenarios_share_a_directory_file_and_fall_back_to_the_default(tmp_path: Path) -> None:
    with_file = load_scenario(SUITE / "transfer-accepted.yaml")
    without = load_scenario(_write(tmp_path, "employees: {priya-raman: {answer: true}}\n"))
    found = directories_for([with_file, with_file, without])
    assert found[SUITE / "directory.yaml"].company.name == "Lakeview Widgets"
    assert found[DEFAULT_KEY].company.name == "Lakeshore Supply Co."  # the demo company
    custom = found[SUITE / "directory.yaml"]
    assert directories_for([without], custom)[DEFAULT_KEY] is custom
    stranger = load_scenario(_write(tmp_path, "employees: {grace-liu: {answer: true}}\n", "x.yaml"))
    with pytest.raises(ScenarioError, match=r"x\.yaml: employees: employees not in the directory"):
        directories_for([stranger])


def test_a_csv_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("id,name,phone\nann,Ann Lee,+13125550101\n")
    scenario = load_scenario(_write(tmp_path, "directory: people.csv\n"))
    with pytest.raises(ScenarioError, match="directory: must be a YAML directory file"):
        directories_for([scenario])
