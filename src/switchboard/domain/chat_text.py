"""The text of a chat notification: a title and a plain-text body (chat services show both).

Chat posts have no segment budget, so the caller's words go whole (they are at most
MAX_TEXT_LENGTH); the callback number is written out because the employee needs it to call back.
Every value is sent as plain text (apprise's TEXT format), so nothing the caller said is markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.domain.messages import Message
from switchboard.domain.messages.text import call_time, headline, recording_note


@dataclass(frozen=True, slots=True)
class ChatContent:
    title: str
    body: str


def render_chat(
    message: Message, timezone: str, company: str, *, console_base_url: str | None = None
) -> ChatContent:
    """Title "URGENT: Message from Dana Whitfield"; body: number, time, text, and a recording's
    console page (`console_base_url`), or where it is kept without one."""
    who = message.caller_name or "a caller"
    title = f"{'URGENT: ' if message.urgent else ''}{headline(message)} from {who}"
    lines = [
        f"Callback number: {message.callback_number or 'no number given'}",
        f"Received: {call_time(message, timezone)}",
        "",
        message.text,
    ]
    if message.recording_url:
        lines += ["", f"Recording: {recording_note(message, console_base_url)}"]
    lines += ["", f"-- {company} receptionist (message {message.id})"]
    return ChatContent(title=title, body="\n".join(lines))
