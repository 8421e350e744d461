"""`switchboard doctor [--json]`: check the whole set-up and say how to fix what is wrong.

Exit 0 when every check is ok or only warns, 1 when any check fails.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
from rich.table import Table

from switchboard.domain.diagnosis import Check, Status, exit_code, fail, worst
from switchboard.domain.provisioning.desired import ProvisioningConfigError
from switchboard.domain.provisioning.options import parse_setup_options
from switchboard.entrypoints.cli._runtime import console, plain
from switchboard.entrypoints.cli._runtime import fail as fail_usage
from switchboard.services.doctor import CHECKS, DEFAULT_TIMEOUT, run_doctor
from switchboard.services.provisioning import load_options
from switchboard.settings import SettingsError, load_settings

_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}


def collect(file: Path | None, check_timeout: float, only: tuple[str, ...] = ()) -> list[Check]:
    """Every check's result; unusable settings or switchboard.yaml become failed checks too."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        return [fail("settings", str(exc), "fix the named variables in .env (see .env.example)")]
    found: list[Check] = []
    try:
        options = load_options(file, production=settings.is_production)
    except ProvisioningConfigError as exc:
        found.append(
            fail("switchboard.yaml", str(exc), "fix the file; defaults were used meanwhile")
        )
        options = parse_setup_options(None, production=settings.is_production)
    return found + asyncio.run(
        run_doctor(settings, options, check_timeout=check_timeout, only=only)
    )


def render_checks(checks: list[Check]) -> Table:
    """A rich table: check, status, what was found, and the fix."""
    table = Table("check", "status", "finding", "fix", title="switchboard doctor")
    for c in checks:
        style = _STYLE[c.status]
        table.add_row(
            plain(c.name), f"[{style}]{c.status.value}[/]", plain(c.summary), plain(c.fix)
        )
    return table


def doctor_command(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    file: Path | None = typer.Option(
        None, "--file", "-f", metavar="FILE", help="Set-up options (default ./switchboard.yaml)."
    ),
    check_timeout: float = typer.Option(
        DEFAULT_TIMEOUT,
        "--timeout",
        metavar="SECONDS",
        min=0.5,
        max=120,
        help="Seconds allowed per check.",
    ),
    only: list[str] = typer.Option(
        [],
        "--check",
        "-c",
        metavar="CHECK",
        help=f"Run only this check (repeatable): {', '.join(CHECKS)}.",
    ),
) -> None:
    """Check settings, Twilio, LiveKit SIP, webhooks, database and SMTP; explain each problem."""
    unknown = sorted(set(only) - set(CHECKS))
    if unknown:
        fail_usage(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(CHECKS)}", 2)
    checks = collect(file, check_timeout, tuple(only))
    overall = worst(checks)
    if as_json:
        document = {"status": overall.value, "checks": [c.as_dict() for c in checks]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        console.print(render_checks(checks))
        counts = {s: sum(c.status is s for c in checks) for s in Status}
        line = ", ".join(f"{n} {s.value}" for s, n in counts.items())
        console.print(f"[{_STYLE[overall]}]{overall.value}[/]: {line}", highlight=False)
    raise typer.Exit(exit_code(checks))
