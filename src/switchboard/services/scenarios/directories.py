"""The directory each scenario runs against: its own file, or the default (your store or the demo)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from switchboard.adapters.chat_urls import SIMULATOR_VARIABLE, variables
from switchboard.adapters.directory_file import DirectoryFileError, read_directory_file
from switchboard.adapters.simulator import scripts_by_target
from switchboard.domain.directory import Directory
from switchboard.services.directory import demo_directory
from switchboard.services.scenarios.extras import check_calendar_employees
from switchboard.services.scenarios.fields import ScenarioError
from switchboard.services.scenarios.follow_ups import PARSE_PLACEHOLDER
from switchboard.services.scenarios.model import Scenario

DEFAULT_KEY = Path("<default>")


def directories_for(
    scenarios: Sequence[Scenario], default: Directory | None = None
) -> dict[Path, Directory]:
    """Read every scenario's directory file once and check its `employees:` against it; raises
    ScenarioError before anything runs. Scenarios without `directory:` use `default` (or the demo)."""
    found: dict[Path, Directory] = {}
    for scenario in scenarios:
        key = scenario.directory or DEFAULT_KEY
        if key not in found:
            if scenario.directory is None:
                found[key] = default or demo_directory()
            else:
                found[key] = _read_directory(scenario)
        try:
            scripts_by_target(found[key].employees, scenario.employees)
        except ValueError as exc:
            raise ScenarioError(scenario.path, "employees", str(exc)) from None
        check_calendar_employees(scenario.path, scenario.extras, found[key])
    return found


def _read_directory(scenario: Scenario) -> Directory:
    assert scenario.directory is not None
    try:
        # Chat URLs may name the simulator's chat service, whose address is known only later.
        with variables({SIMULATOR_VARIABLE: PARSE_PLACEHOLDER}):
            file = read_directory_file(scenario.directory)
    except DirectoryFileError as exc:
        raise ScenarioError(scenario.path, "directory", str(exc)) from None
    if file.directory is None:
        raise ScenarioError(scenario.path, "directory", "must be a YAML directory file, not CSV")
    return file.directory
