"""Scenario files and their runner: scripted calls end to end, checked against `expect:`."""

from switchboard.services.scenarios.directories import directories_for
from switchboard.services.scenarios.fields import ScenarioError
from switchboard.services.scenarios.model import Scenario, is_scenario_file, load_scenario
from switchboard.services.scenarios.runner import (
    ScenarioReport,
    run_scenario,
    run_scenarios,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "ScenarioReport",
    "directories_for",
    "is_scenario_file",
    "load_scenario",
    "run_scenario",
    "run_scenarios",
]
