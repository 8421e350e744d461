"""`switchboard simulate PATH... [--json]`: scripted calls end to end, one verdict per scenario."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from switchboard.adapters.brain.providers import ProviderError, build_llm
from switchboard.adapters.sqlalchemy import Storage
from switchboard.bootstrap import bootstrap, call_factory
from switchboard.domain.directory import Directory
from switchboard.entrypoints.cli._runtime import console, fail, known_errors, settings_or_exit
from switchboard.logs import configure_logging
from switchboard.services.calls import CallFactory
from switchboard.services.directory import load_directory
from switchboard.services.scenarios import (
    Scenario,
    ScenarioError,
    ScenarioReport,
    is_scenario_file,
    load_scenario,
    run_scenarios,
)
from switchboard.settings import Settings


def scenario_files(paths: list[Path]) -> list[Path]:
    """The files named, and the scenario files (*.yaml, *.yml) inside any folder named; directory
    files kept beside the scenarios (they have `company:`) are skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            found += [p for p in inside if is_scenario_file(p)]
        elif path.exists():
            found.append(path)
        else:
            raise ScenarioError(path, "", "no such file or folder")
    return found


def simulate(
    paths: list[Path] = typer.Argument(..., help="Scenario files or folders of them."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per scenario, per line."),
    concurrency: int = typer.Option(
        8, "--concurrency", metavar="N", min=1, max=256, help="Calls at once."
    ),
) -> None:
    """Run scripted calls through the real agent, brain, transfers, storage and notifications."""
    try:
        scenarios = [load_scenario(p) for p in scenario_files(paths)]
    except ScenarioError as exc:
        fail(str(exc), 2)
    if not scenarios:
        fail("no scenario files found", 2)

    settings = settings_or_exit()
    configure_logging(settings.log_level, settings.log_format)  # to stderr: stdout is the output
    try:
        brain = build_llm(settings)
    except ProviderError as exc:
        fail(str(exc), 2)

    def wire(storage: Storage) -> CallFactory:
        # The wiring of a real call; the transfer settings stay the defaults, so a scenario means
        # the same on every machine.
        return call_factory(storage, brain=brain)

    async def main() -> list[ScenarioReport]:
        default = None
        if any(s.directory is None for s in scenarios):
            # Only then is your store opened, and only read: scenarios run in their own stores.
            default = await _stored_directory(settings)
        try:
            return await run_scenarios(
                scenarios, wire=wire, default_directory=default, concurrency=concurrency
            )
        except ScenarioError as exc:
            fail(str(exc), 2)

    with known_errors():
        reports = asyncio.run(main())
    if as_json:
        for report in reports:
            typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _table(scenarios, reports)
    if not all(r.passed for r in reports):
        raise typer.Exit(1)


async def _stored_directory(settings: Settings) -> Directory | None:
    """The directory in your database, or None when it is empty (scenarios then use the demo)."""
    app = await bootstrap(settings)
    try:
        stored = await load_directory(app.unit_of_work)
    finally:
        await app.close()
    return stored if stored.employees else None


def _table(scenarios: list[Scenario], reports: list[ScenarioReport]) -> None:
    table = Table("scenario", "outcome", "attempts", "result")
    for report in reports:
        r = report.result
        attempts = ", ".join(f"{a['employee']}:{a['result']}" for a in r.attempts) if r else ""
        verdict = "[green]passed[/]" if report.passed else "[red]FAILED[/]"
        outcome = r.outcome.value if r else "(crashed)"
        table.add_row(escape(report.scenario.name), outcome, escape(attempts), verdict)
    console.print(table)
    for report in reports:
        for failure in report.failures:
            console.print(f"[red]✗ {escape(report.scenario.name)}:[/] {escape(failure)}")
    passed = sum(r.passed for r in reports)
    console.print(f"{passed}/{len(reports)} scenarios passed.")
