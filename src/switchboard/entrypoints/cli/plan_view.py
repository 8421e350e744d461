"""How provisioning looks on the terminal: the plan table, its JSON, apply progress and report."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from switchboard.domain.provisioning import Action, Plan, Step, Value
from switchboard.entrypoints.cli._runtime import console, plain
from switchboard.services.provisioning import ApplyReport

_STYLE = {
    Action.CREATE: "green",
    Action.UPDATE: "yellow",
    Action.DRIFTED: "yellow",
    Action.UNCHANGED: "dim",
    Action.BLOCKED: "bold red",
}
# Fields about secrets say what will happen instead of showing booleans.
_SAY = {
    "password_stored": "the SIP password is not stored on this machine: a new one will be set",
    "password_matches": "LiveKit does not have the stored SIP password",
    "auth_password": "gets the new SIP password",
    "password": "the SIP password from the backup will be set",
}


def _show(value: Value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    return "(none)" if value is None else str(value)


def render_plan(plan: Plan, title: str = "Set-up plan") -> Table:
    """A rich table: one row per resource with its action and what differs."""
    table = Table("resource", "name", "action", "details", title=title)
    for step in plan.steps:
        details = [
            plain(_SAY.get(d.field) or f"{d.field}: {_show(d.live)} → {_show(d.desired)}")
            for d in step.differences
        ]
        if step.reason:
            details.append(plain(step.reason))
        details += [f"[yellow]note:[/] {plain(note)}" for note in step.notes]
        style = _STYLE[step.action]
        table.add_row(
            step.desired.kind.value,
            plain(step.desired.name),
            f"[{style}]{step.action.value}[/]",
            "\n".join(details),
        )
    return table


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "kind": step.desired.kind.value,
        "name": step.desired.name,
        "action": step.action.value,
        "id": step.live.id if step.live else None,
        "differences": [
            {"field": d.field, "live": d.live, "desired": d.desired} for d in step.differences
        ],
        "reason": step.reason or None,
        "notes": list(step.notes),
    }


def plan_json(plan: Plan) -> str:
    """The plan for machines: `in_sync` and one object per step."""
    steps = [_step_json(s) for s in plan.steps]
    return json.dumps({"in_sync": plan.in_sync, "steps": steps}, default=list)


def print_report(report: ApplyReport) -> None:
    """What was applied and, after a failure, what was not; generated passwords shown once."""
    for username, password in report.new_secrets.items():
        console.print(
            f"[bold]SIP password for {plain(username)}[/] (shown once; stored in the data dir):",
            plain(password),
            highlight=False,
        )
    if report.failed is None:
        console.print(f"[green]applied {len(report.applied)} change(s)[/]")
        return
    failed = report.failed.desired
    console.print(
        f"[bold red]failed[/] at {plain(f'{failed.kind.value} {failed.name}: {report.error}')}"
    )
    console.print(plain("applied: " + (", ".join(_label(s) for s in report.applied) or "nothing")))
    console.print(plain("not applied: " + ", ".join(_label(s) for s in report.not_applied)))
    raise typer.Exit(1)


def _label(step: Step) -> str:
    return f"{step.desired.kind.value} {step.desired.name}"


def show_progress(step: Step, event: str) -> None:
    """Print a line as each step finishes or fails."""
    if event != "start":
        mark = "[green]✓[/]" if event == "done" else "[red]✗[/]"
        console.print(f"{mark} {plain(f'{step.action.value} {_label(step)}')}")
