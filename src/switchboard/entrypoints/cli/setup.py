"""`switchboard setup plan|apply`: provision the Twilio trunk and LiveKit SIP in one command."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import typer

from switchboard.adapters.provisioning import (
    PROVIDER_FAILURES,
    explain_provider_error,
    open_providers,
)
from switchboard.domain.errors import SwitchboardError
from switchboard.domain.provisioning import Plan
from switchboard.domain.provisioning.desired import ProvisioningConfigError
from switchboard.entrypoints.cli._runtime import console, fail, settings_or_exit
from switchboard.entrypoints.cli.plan_view import (
    plan_json,
    print_report,
    render_plan,
    show_progress,
)
from switchboard.services.provisioning import (
    PlanBlocked,
    apply_plan,
    desired_from_settings,
    load_options,
)

EXIT_PENDING = 2
setup_app = typer.Typer(help="Provision Twilio and LiveKit SIP (plan, then apply).")
FILE_OPTION = typer.Option(
    None, "--file", "-f", metavar="FILE", help="Set-up options (default ./switchboard.yaml)."
)


async def _plan(file: Path | None, adopt: bool) -> Plan:
    settings = settings_or_exit()
    desired = desired_from_settings(settings, load_options(file, production=settings.is_production))
    async with open_providers(settings) as providers:
        return await providers.plan(desired, adopt=adopt)


def run_async(coro: Any) -> Any:
    """Run a coroutine; configuration, blocked plans and provider errors become one clear line."""
    try:
        return asyncio.run(coro)
    except typer.Exit:
        raise
    except ProvisioningConfigError as exc:
        fail(str(exc))
    except PlanBlocked as exc:
        fail(str(exc), EXIT_PENDING)
    except SwitchboardError as exc:  # missing credentials and similar
        fail(str(exc))
    except PROVIDER_FAILURES as exc:  # provider errors while observing: explained, not a trace
        fail(f"could not read the live set-up: {explain_provider_error(exc)}")


@setup_app.command("plan")
def plan_command(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    adopt: bool = typer.Option(False, "--adopt", help="Plan to take over matching resources."),
    file: Path | None = FILE_OPTION,
) -> None:
    """Show what `apply` would change. Exit 0 when in sync, 2 when changes are pending."""
    plan: Plan = run_async(_plan(file, adopt))
    if as_json:
        console.print_json(plan_json(plan))
    else:
        console.print(render_plan(plan))
    if not plan.in_sync:
        raise typer.Exit(EXIT_PENDING)


async def _apply(file: Path | None, adopt: bool, dry_run: bool, yes: bool) -> None:
    settings = settings_or_exit()
    desired = desired_from_settings(settings, load_options(file, production=settings.is_production))
    async with open_providers(settings) as providers:
        plan = await providers.plan(desired, adopt=adopt)
        console.print(render_plan(plan))
        if plan.in_sync:
            console.print("[green]in sync: nothing to do[/]")
            return
        if dry_run:
            console.print("dry run: nothing was changed")
            raise typer.Exit(EXIT_PENDING)
        if plan.blocked:
            raise PlanBlocked(plan)
        if not yes and not typer.confirm("Apply these changes?"):
            raise typer.Exit(1)
        report = await apply_plan(plan, providers, progress=show_progress)
    print_report(report)


@setup_app.command("apply")
def apply_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    adopt: bool = typer.Option(False, "--adopt", help="Take over matching resources."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    file: Path | None = FILE_OPTION,
) -> None:
    """Create or fix every resource of the set-up; a second run changes nothing."""
    run_async(_apply(file, adopt, dry_run, yes))
