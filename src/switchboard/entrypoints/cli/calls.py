"""`switchboard calls`: the call records kept by this installation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import typer
from rich.table import Table

from switchboard.bootstrap import Application
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.call_record import CallRecord
from switchboard.domain.calls import CallOutcome
from switchboard.domain.phone import mask
from switchboard.entrypoints.cli._runtime import console, fail, plain, run_with_app
from switchboard.services.call_records import list_calls

calls_app = typer.Typer(help="Call records.", no_args_is_help=True)


def parse_since(value: str | None) -> datetime | None:
    """ "2h", "3d", "45m" or an ISO-8601 timestamp."""
    if value is None:
        return None
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if value[-1:] in units and value[:-1].isdigit():
        return datetime.now(UTC) - timedelta(**{units[value[-1]]: int(value[:-1])})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since: expected e.g. 2h, 3d or an ISO time, not {value!r}", 2)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def record_json(record: CallRecord) -> dict[str, Any]:
    return {
        "call_id": record.call_id,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "duration_seconds": record.duration_seconds,
        "caller_number": record.caller_number,
        "dialed_number": record.dialed_number,
        "outcome": record.outcome.value if record.outcome else None,
        "end_reason": record.end_reason,
        "transferred_to": record.transferred_to,
        "message_id": record.message_id,
        "twilio_call_sid": record.twilio_call_sid,
        "carrier": [
            {"status": c.status, "at": c.at.isoformat(), "duration_seconds": c.duration_seconds}
            for c in record.carrier
        ],
        "quality": quality_json(record.quality),
        "attempts": [dict(a) for a in record.transfer_attempts()],
        "timeline": [
            {"at": e.at.isoformat(), "kind": e.kind, **dict(e.data)} for e in record.events
        ],
    }


def quality_json(quality: CallQuality | None) -> dict[str, Any] | None:
    if quality is None:
        return None
    return {
        "packets_received": quality.packets_received,
        "packets_lost": quality.packets_lost,
        "packet_loss_percent": quality.packet_loss_percent,
        "jitter_ms_mean": quality.jitter_ms_mean,
        "jitter_ms_max": quality.jitter_ms_max,
        "round_trip_ms_mean": quality.round_trip_ms_mean,
        "round_trip_ms_max": quality.round_trip_ms_max,
    }


def quality_text(quality: CallQuality | None) -> str:
    """E.g. "loss 0.3% jitter 4/18 ms rtt 41 ms" (jitter mean/max); "—" when nothing was
    measured (a local call, or no RTC stats from the SDK)."""
    return (quality.summary() if quality is not None else "") or "—"


def carrier_text(record: CallRecord) -> str:
    """Where Twilio says the call got to, e.g. "completed 42s"; empty when Twilio told us nothing."""
    last = record.carrier_status
    if last is None:
        return ""
    return last.status + (f" {last.duration_seconds}s" if last.duration_seconds is not None else "")


@calls_app.command("local")
def local(
    as_json: bool = typer.Option(False, "--json", help="Full records with their timelines."),
    since: str | None = typer.Option(
        None, "--since", metavar="WHEN", help="e.g. 2h, 3d, or an ISO time."
    ),
    status: str | None = typer.Option(
        None, "--status", metavar="OUTCOME", help="An outcome, e.g. message_taken."
    ),
    limit: int = typer.Option(50, "--limit", metavar="N", min=1, max=10_000),
) -> None:
    """List the calls recorded locally, newest first."""
    outcome = None
    if status is not None:
        try:
            outcome = CallOutcome(status)
        except ValueError:
            choices = ", ".join(o.value for o in CallOutcome)
            fail(f"--status must be one of {choices}", 2)
    after = parse_since(since)

    async def work(app: Application) -> list[CallRecord]:
        return await list_calls(app.unit_of_work, limit=limit, since=after, outcome=outcome)

    records = run_with_app(work)
    if as_json:
        typer.echo(json.dumps([record_json(r) for r in records], ensure_ascii=False, indent=2))
        return
    table = Table(
        "started (UTC)",
        "duration",
        "caller",
        "outcome",
        "to",
        "attempts",
        "twilio",
        "quality",
        "call id",
    )
    for r in records:
        duration = f"{r.duration_seconds:.0f}s" if r.duration_seconds is not None else "live"
        attempts = ", ".join(
            f"{a.get('employee')}:{a.get('result')}" for a in r.transfer_attempts()
        )
        cells = (
            f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            duration,
            mask(r.caller_number),
            r.outcome.value if r.outcome else "-",
            r.transferred_to or "",
            attempts,
            carrier_text(r),
            quality_text(r.quality),
            r.call_id,
        )
        table.add_row(*(plain(c) for c in cells))
    console.print(table if records else "no calls recorded yet")
