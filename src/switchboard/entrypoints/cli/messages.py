"""`switchboard messages list|show|resend`: the messages taken for employees and their delivery."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.bootstrap import Application
from switchboard.domain.chat_address import mask as mask_chat_url
from switchboard.domain.directory import Directory
from switchboard.domain.messages.delivery import DeliveryState
from switchboard.domain.notifications import Channel, Notification
from switchboard.domain.phone import mask
from switchboard.entrypoints.cli._runtime import EXIT_USAGE, console, fail, plain, run_with_app
from switchboard.entrypoints.cli.calls import parse_since
from switchboard.services.directory import load_directory
from switchboard.services.messages.message_log import MessageLog, MessageView

messages_app = typer.Typer(
    help="Messages taken for employees, and their delivery.", no_args_is_help=True
)

_STATE_STYLE = {
    DeliveryState.DELIVERED: "green",
    DeliveryState.SENT: "cyan",
    DeliveryState.PENDING: "yellow",
    DeliveryState.FAILED: "bold red",
    DeliveryState.NOT_DELIVERED: "bold red",
}


def _log(app: Application) -> MessageLog:
    async def directory() -> Directory:
        return await load_directory(app.unit_of_work)

    return MessageLog(
        SqlAlchemyMessageQueries(app.storage.engine),
        SqlAlchemyMessageOutbox(app.storage.engine),
        directory,
        app.clock,
    )


def shown_to(n: Notification) -> str:
    """A chat URL with its tokens masked; other addresses as stored (the JSON is complete)."""
    return mask_chat_url(n.to) if n.channel is Channel.CHAT else n.to


def notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "channel": n.channel.value,
        "to": shown_to(n),
        "status": n.status.value,
        "attempts": n.attempts,
        "error_code": n.error_code,
        "provider_id": n.provider_id,
        "fallback_of": n.fallback_of,
        "next_attempt_at": n.next_attempt_at.isoformat() if n.next_attempt_at else None,
        "updated_at": n.updated_at.isoformat(),
    }


def view_json(view: MessageView) -> dict[str, Any]:
    m = view.stored.message
    return {
        "id": m.id,
        "created_at": m.created_at.isoformat(),
        "state": view.state.value,
        "for": {"kind": m.recipient_kind.value, "id": m.recipient_id},
        "caller_name": m.caller_name,
        "callback_number": m.callback_number,
        "text": m.text,
        "urgent": m.urgent,
        "call_id": m.call_id,
        "recording_url": m.recording_url,
        "kind": m.kind.value,  # message, transfer_summary or digest
        "notifications": [notification_json(n) for n in view.stored.notifications],
    }


def _state(value: str | None) -> DeliveryState | None:
    if value is None:
        return None
    try:
        return DeliveryState(value)
    except ValueError:
        choices = ", ".join(s.value for s in DeliveryState)
        fail(f"--status must be one of {choices}", EXIT_USAGE)


def _channels(values: list[str]) -> list[Channel]:
    try:
        return [Channel(v) for v in values]
    except ValueError:
        fail(f"--channel must be one of {', '.join(c.value for c in Channel)}", EXIT_USAGE)


def _styled(state: DeliveryState) -> str:
    return f"[{_STATE_STYLE[state]}]{state.value.replace('_', ' ')}[/]"


@messages_app.command("list")
def list_messages(
    as_json: bool = typer.Option(False, "--json", help="Messages with their notifications."),
    status: str | None = typer.Option(
        None, "--status", metavar="STATE", help="delivered, sent, pending, failed or not_delivered."
    ),
    since: str | None = typer.Option(
        None, "--since", metavar="WHEN", help="e.g. 2h, 3d, or an ISO time."
    ),
    limit: int = typer.Option(50, "--limit", metavar="N", min=1, max=10_000),
) -> None:
    """List messages, newest first, with where their delivery stands."""
    state, after = _state(status), parse_since(since)

    async def work(app: Application) -> list[MessageView]:
        return await _log(app).recent(limit=limit, since=after, state=state)

    views = run_with_app(work)
    if as_json:
        typer.echo(json.dumps([view_json(v) for v in views], ensure_ascii=False, indent=2))
        return
    if not views:
        console.print("no messages" + (f" that are {state.value}" if state else ""))
        return
    table = Table("taken (UTC)", "for", "from", "callback", "state", "channels", "id")
    for v in views:
        m = v.stored.message
        channels = ", ".join(f"{n.channel.value}:{n.status.value}" for n in v.stored.notifications)
        table.add_row(
            f"{m.created_at:%Y-%m-%d %H:%M}",
            plain(m.recipient_id) + (" [bold red](urgent)[/]" if m.urgent else ""),
            plain(m.caller_name),
            plain(mask(m.callback_number)) if m.callback_number else "-",
            _styled(v.state),
            plain(channels),
            plain(m.id),
        )
    console.print(table)


@messages_app.command("show")
def show(
    message_id: str = typer.Argument(..., help="The message id (or its first 8+ characters)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One message in full, with every notification and its delivery status."""

    async def work(app: Application) -> MessageView:
        return await _log(app).show(message_id)

    view = run_with_app(work)
    if as_json:
        typer.echo(json.dumps(view_json(view), ensure_ascii=False, indent=2))
        return
    m = view.stored.message
    console.print(
        f"[bold]{plain(m.id)}[/]  {_styled(view.state)}"
        + ("  [bold red]URGENT[/]" if m.urgent else "")
    )
    console.print(plain(f"for       {m.recipient_kind.value} {m.recipient_id}"))
    console.print(plain(f"from      {m.caller_name}, callback {m.callback_number or 'none given'}"))
    console.print(
        plain(
            f"taken     {m.created_at.isoformat()}" + (f"  (call {m.call_id})" if m.call_id else "")
        )
    )
    if m.recording_url:
        console.print(f"recording {plain(m.recording_url)}")
    console.print(f"message   {plain(m.text)}", highlight=False)
    table = Table("channel", "to", "status", "attempts", "error", "updated (UTC)", "id")
    for n in view.stored.notifications:
        cells = (
            n.channel.value + (" (fallback)" if n.fallback_of else ""),
            shown_to(n),
            n.status.value,
            n.attempts,
            n.error_code or "",
            f"{n.updated_at:%Y-%m-%d %H:%M:%S}",
            n.id,
        )
        table.add_row(*(plain(cell) for cell in cells))
    console.print(table)
    if view.state is DeliveryState.NOT_DELIVERED:
        console.print(
            "[bold red]Nobody has been told:[/] this message is only in the local outbox. "
            "Configure SMTP or Twilio SMS and run `switchboard messages resend "
            f"{plain(m.id)}`.",
            soft_wrap=True,
        )


@messages_app.command("resend")
def resend(
    message_id: str = typer.Argument(..., help="The message id (or its first 8+ characters)."),
    channel: list[str] = typer.Option(
        [],
        "--channel",
        metavar="CHANNEL",
        help="sms, email, chat or local (repeatable); default: every channel the recipient has.",
    ),
    force: bool = typer.Option(
        False, "--force", help="Send even while a delivery is still in flight."
    ),
) -> None:
    """Send a message again to its recipient's current addresses (queued for the notification worker)."""
    channels = _channels(channel)

    async def work(app: Application) -> tuple[Notification, ...]:
        return await _log(app).resend(message_id, channels=channels, force=force)

    queued = run_with_app(work)
    for n in queued:
        console.print(
            plain(
                f"queued {n.channel.value} to {mask(n.to) if n.channel is Channel.SMS else shown_to(n)} ({n.id})"
            )
        )
    console.print(
        "[dim]The notification worker sends them: `switchboard serve` runs it, or `switchboard worker`.[/]"
    )
