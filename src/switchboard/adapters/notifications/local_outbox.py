"""The local outbox: a JSON-lines file (and/or the console) that records messages NOT DELIVERED.

Used when Twilio and SMTP are not configured (offline mode, `switchboard call`) and as the last
fallback. Every record says `"delivered": false` and the console line starts with "NOT DELIVERED",
so nobody mistakes it for a notification that reached the employee.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TextIO

from switchboard.domain.messages import Message
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.ports.notifications import SendResult, TemporaryNotifyError

OUTBOX_FILE = "outbox.jsonl"


def outbox_record(notification: Notification, message: Message) -> dict[str, object]:
    """The JSON object written for one notification."""
    return {
        "delivered": False,
        "note": "NOT DELIVERED: recorded in the local outbox only",
        "notification_id": notification.id,
        "message_id": message.id,
        "to": notification.to,
        "recipient": f"{message.recipient_kind}:{message.recipient_id}",
        "caller_name": message.caller_name,
        "callback_number": message.callback_number,
        "text": message.text,
        "urgent": message.urgent,
        "call_id": message.call_id,
        "recording_url": message.recording_url,
        "created_at": message.created_at.isoformat(),
    }


class LocalOutboxNotifier:
    """Appends to `<data_dir>/outbox.jsonl` when `path` is given, prints to `console` when given."""

    channel = Channel.LOCAL

    def __init__(self, path: Path | None, *, console: TextIO | None = None) -> None:
        self._path = path
        self._console = console

    @classmethod
    def in_data_dir(cls, data_dir: Path, *, echo: bool = False) -> LocalOutboxNotifier:
        """The outbox file in the data directory, optionally echoed to stderr."""
        return cls(data_dir / OUTBOX_FILE, console=sys.stderr if echo else None)

    def _append(self, line: str) -> None:
        assert self._path is not None
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Record the message; raises TemporaryNotifyError when the file cannot be written."""
        line = json.dumps(outbox_record(notification, message), ensure_ascii=False)
        if self._path is not None:
            try:
                await asyncio.to_thread(self._append, line)
            except OSError as exc:
                raise TemporaryNotifyError(f"local outbox: {exc}") from exc
        if self._console is not None:
            urgent = "URGENT " if message.urgent else ""
            self._console.write(
                f"NOT DELIVERED ({urgent}message for {notification.to}, local outbox) "
                f"from {message.caller_name} {message.callback_number or ''}: {message.text}\n"
            )
        # "sent" is the furthest a local record goes; it is never reported as delivered.
        return SendResult(status=NotificationStatus.SENT, provider_id=None, delivered=False)
