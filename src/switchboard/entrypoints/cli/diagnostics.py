"""The debug commands of docs/troubleshooting.md: `trunks status`, `webhook test`, `sip events`, `calls`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.table import Table

from switchboard.adapters.provisioning import (
    PROVIDER_FAILURES,
    ProviderUnavailable,
    explain_provider_error,
)
from switchboard.adapters.twilio.webhook_probe import SELF_TEST_PARAMS, send_webhook
from switchboard.bootstrap import Application
from switchboard.domain.errors import SwitchboardError
from switchboard.domain.phone import mask
from switchboard.domain.provisioning.desired import ProvisioningConfigError
from switchboard.entrypoints.cli._runtime import (
    console,
    fail,
    plain,
    run_with_app,
    settings_or_exit,
)
from switchboard.entrypoints.cli.calls import parse_since
from switchboard.services.diagnostics import sip_events
from switchboard.services.diagnostics.calls import JoinedCall, joined_calls
from switchboard.services.diagnostics.trunks import trunks_status
from switchboard.services.doctor import DEFAULT_TIMEOUT
from switchboard.services.doctor.context import DoctorContext
from switchboard.services.provisioning import load_options

T = TypeVar("T")
trunks_app = typer.Typer(help="Twilio and LiveKit SIP trunks.", no_args_is_help=True)
webhook_app = typer.Typer(help="Webhook diagnostics.", no_args_is_help=True)
sip_app = typer.Typer(help="LiveKit SIP diagnostics.", no_args_is_help=True)


def _context(file: Path | None = None) -> DoctorContext:
    try:
        settings = settings_or_exit()
        options = load_options(file, production=settings.is_production)
        return DoctorContext.build(settings, options, DEFAULT_TIMEOUT)
    except ProvisioningConfigError as exc:
        fail(str(exc))


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run provider reads; their failures become one explained line, not a traceback."""
    try:
        return asyncio.run(work)
    except SwitchboardError as exc:  # NotChecked, bad options and settings, …
        fail(str(exc))
    except PROVIDER_FAILURES as exc:
        fail(explain_provider_error(exc))


@trunks_app.command("status")
def trunks_status_command(
    file: Path | None = typer.Option(
        None, "--file", "-f", metavar="FILE", help="Set-up options file."
    ),
) -> None:
    """Both sides of the SIP set-up, side by side. Exit 1 when they disagree."""
    rows = _run(trunks_status(_context(file)))
    table = Table("aspect", "Twilio", "LiveKit", "", title="trunks")
    for row in rows:
        table.add_row(
            plain(row.aspect),
            plain(row.twilio),
            plain(row.livekit),
            "[green]✓[/]" if row.agrees else "[red]✗[/]",
        )
    console.print(table)
    if not all(row.agrees for row in rows):
        console.print("sides disagree: run `switchboard doctor` for the fix")
        raise typer.Exit(1)


@webhook_app.command("test")
def webhook_test_command(
    path: str = typer.Argument("/twilio/status", help="Path under WEBHOOK_BASE_URL."),
    unsigned: bool = typer.Option(False, "--unsigned", help="Send no signature (expect 403)."),
    param: list[str] = typer.Option(
        [], "--param", "-p", metavar="KEY=VALUE", help="Form field KEY=VALUE (repeatable)."
    ),
) -> None:
    """POST a request signed like Twilio's to WEBHOOK_BASE_URL + PATH; report status and latency.

    Exit 0 when the answer is what a correct server gives: 2xx signed, 403 unsigned.
    """
    settings = settings_or_exit()
    pairs = [p.partition("=") for p in param]
    if any(not key or not sep for key, sep, _ in pairs):
        fail("--param takes KEY=VALUE", 2)
    extra = {key: value for key, _, value in pairs}
    result = _run(
        send_webhook(settings, path, params=extra or SELF_TEST_PARAMS, signed=not unsigned)
    )
    kind = "signed" if result.signed else "unsigned"
    if result.status is None:
        fail(f"{kind} POST {result.url}: no answer ({result.error})")
    console.print(
        plain(f"{kind} POST {result.url} → {result.status} in {result.latency_ms:.0f} ms"),
        highlight=False,
    )
    expected = result.status == 403 if unsigned else 200 <= result.status < 300
    if not expected:
        console.print("[red]unexpected answer[/]: run `switchboard doctor` for the explanation")
        raise typer.Exit(1)


@sip_app.command("events")
def sip_events_command(
    limit: int = typer.Option(50, "--limit", metavar="N", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """SIP participants in active LiveKit rooms, with their sip.* attributes."""
    events = _run(sip_events(_context(), limit))
    if as_json:
        typer.echo(
            json.dumps([asdict(e) | {"attributes": dict(e.attributes)} for e in events], indent=2)
        )
        return
    table = Table("room", "participant", "status", "caller", "dialled", "Twilio call")
    for e in events:
        a = e.attributes
        caller, dialled = a.get("sip.phoneNumber", ""), a.get("sip.trunkPhoneNumber", "")
        shown = mask(caller) if caller else ""
        # Individual dispatch rules put the caller's number in the room name: mask it there too.
        room = e.room.replace(caller, shown) if caller else e.room
        call_sid = a.get("sip.twilio.callSid", "")
        identity = e.identity.replace(caller, shown) if caller else e.identity
        table.add_row(*(plain(c) for c in (room, identity, e.status, shown, dialled, call_sid)))
    console.print(table if events else "no SIP participants in active rooms")


def _calls_table(calls: list[JoinedCall]) -> Table:
    table = Table("started (UTC)", "Twilio call", "status", "from", "to", "outcome", "call id")
    for j in calls:
        t, r = j.twilio, j.record
        started = f"{j.started_at:%Y-%m-%d %H:%M:%S}" if j.started_at else "-"
        caller = (t.from_number if t else None) or (r.caller_number if r else None)
        outcome = r.outcome.value if r and r.outcome else ("-" if r else "(no record)")
        cells = (
            started,
            t.sid if t else "(not on Twilio)",
            t.status if t else "-",
            mask(caller) if caller else "",
            (t.to_number if t else None) or (r.dialed_number if r else "") or "",
            outcome,
            r.call_id if r else "",
        )
        table.add_row(*(plain(c) for c in cells))
    return table


def register(calls_app: typer.Typer) -> None:
    """Make `switchboard calls [--since] [--status] [--limit]` list Twilio calls joined with ours."""
    calls_app.info.no_args_is_help = False

    @calls_app.callback(invoke_without_command=True)
    def calls_default(
        ctx: typer.Context,
        since: str | None = typer.Option(
            None, "--since", metavar="WHEN", help="e.g. 2h, 3d, or an ISO time."
        ),
        status: str | None = typer.Option(
            None, "--status", metavar="STATUS", help="A Twilio status, e.g. busy."
        ),
        limit: int = typer.Option(50, "--limit", metavar="N", min=1, max=1000),
    ) -> None:
        """Twilio's call log joined with the calls recorded here (`calls local`: ours only)."""
        if ctx.invoked_subcommand is not None:
            return
        after = parse_since(since)

        async def work(app: Application) -> list[JoinedCall]:
            try:
                return await joined_calls(
                    app.settings, app.unit_of_work, since=after, status=status, limit=limit
                )
            except PROVIDER_FAILURES as exc:
                raise ProviderUnavailable(explain_provider_error(exc)) from exc

        calls = run_with_app(work)
        console.print(_calls_table(calls) if calls else "no calls in that period")
