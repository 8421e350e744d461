"""The words of a notification: an SMS within its segment budget and a plain-text + HTML email.

SMS length is counted the way carriers bill it: GSM-7 text (160 septets, 153 per part when split;
the extension characters such as `€[]{}` take two) unless any character is outside GSM-7, in which
case the whole SMS is UCS-2 (70 UTF-16 units, 67 per part). The caller's text is shortened visibly
("...") only in the SMS; the email always carries it in full.

A voicemail's recording is never shown as where it is stored (a `file://` path on the server, or
Twilio's URL, which needs the account's credentials): with the console's public address
(`console_base_url`, WEBHOOK_BASE_URL) the text links to the message's page in the console, which
plays it; without one it says the recording is kept on the server and how to find it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote
from zoneinfo import ZoneInfo

from switchboard.domain.messages import Message, MessageKind
from switchboard.domain.phone import mask

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
DEFAULT_SMS_SEGMENTS = 3


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def _units(text: str, gsm: bool) -> int:
    if gsm:
        return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2  # emoji take two UTF-16 units


def sms_segments(text: str) -> int:
    """How many SMS parts `text` is billed as."""
    gsm = is_gsm7(text)
    units = _units(text, gsm)
    single, multi = (160, 153) if gsm else (70, 67)
    if units <= single:
        return 1
    return -(-units // multi)


def _fit(prefix: str, body: str, suffix: str, max_segments: int) -> str:
    """prefix + body + suffix, with body shortened (marked "...") until it fits the budget."""
    text = prefix + body + suffix
    if sms_segments(text) <= max_segments:
        return text
    lo, hi = 0, len(body)
    while lo < hi:  # the longest body prefix that still fits
        mid = (lo + hi + 1) // 2
        if sms_segments(prefix + body[:mid].rstrip() + "..." + suffix) <= max_segments:
            lo = mid
        else:
            hi = mid - 1
    return prefix + body[:lo].rstrip() + "..." + suffix


def call_time(message: Message, timezone: str) -> str:
    """When the message was taken, in the company's timezone: "Mon 23 Nov 14:05 CST"."""
    local = message.created_at.astimezone(ZoneInfo(timezone))
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


_HEADS = {MessageKind.TRANSFER_SUMMARY: "Call put through", MessageKind.DIGEST: "Daily digest"}


def headline(message: Message) -> str:
    """ "Message", or what a follow-up is ("Call put through", "Daily digest")."""
    return _HEADS.get(message.kind, "Message")


def _callback(message: Message) -> str:
    return message.callback_number or "no number given"


def recording_page(message: Message, console_base_url: str | None) -> str | None:
    """The console page that plays the message's recording (`<base>/messages/<id>`), or None when
    the message has no recording or the console's public address is not known."""
    if not message.recording_url or not console_base_url:
        return None
    return f"{console_base_url.rstrip('/')}/messages/{quote(message.id, safe='')}"


def recording_note(message: Message, console_base_url: str | None, *, sms: bool = False) -> str:
    """What a notification says about the message's recording: the console link, or where to find
    it without one; "" when there is no recording. `sms`: without backticks (not in GSM-7, a
    backtick would make the whole SMS UCS-2, 70 characters a part)."""
    if not message.recording_url:
        return ""
    page = recording_page(message, console_base_url)
    if page is not None:
        return page
    command = f"switchboard messages show {message.id}"
    return f"(recording kept on the server: see {command if sms else f'`{command}`'})"


def render_sms(
    message: Message,
    timezone: str,
    *,
    max_segments: int = DEFAULT_SMS_SEGMENTS,
    console_base_url: str | None = None,
) -> str:
    """The SMS body: urgency, caller, number, time, then as much of the text as fits the budget,
    then the recording's console link (or where it is kept) in full."""
    head = "URGENT message" if message.urgent else headline(message)
    prefix = f"{head} from {message.caller_name or 'a caller'} ({_callback(message)}), "
    prefix += f"{call_time(message, timezone)}: "
    note = recording_note(message, console_base_url, sms=True)
    if recording_page(message, console_base_url) is not None:
        note = f"Recording: {note}"
    suffix = f" {note}" if note else ""
    return _fit(prefix, message.text, suffix, max_segments)


@dataclass(frozen=True, slots=True)
class EmailContent:
    subject: str
    text: str
    html: str


def render_email(
    message: Message, timezone: str, company: str, *, console_base_url: str | None = None
) -> EmailContent:
    """Subject, plain text and HTML (every caller-supplied value escaped) for one message; a
    recording is linked to its console page (`console_base_url`) or said to be on the server."""
    who = message.caller_name or "a caller"
    subject = f"{'URGENT: ' if message.urgent else ''}{headline(message)} from {who}"
    rows = [
        ("From", who),
        ("Callback number", _callback(message)),
        ("Received", call_time(message, timezone)),
        ("Urgent", "yes" if message.urgent else "no"),
    ]
    page = recording_page(message, console_base_url)
    if message.recording_url:
        rows.append(("Recording", recording_note(message, console_base_url)))
    text = "\n".join(f"{k}: {v}" for k, v in rows)
    text += f"\n\n{message.text}\n\n-- {company} receptionist (message {message.id})\n"
    e = html.escape

    def cell(key: str, value: str) -> str:
        if key == "Recording" and page is not None:
            return f'<a href="{e(page)}">Play the recording</a> ({e(page)})'
        return e(value)

    cells = "".join(f"<tr><th>{e(k)}</th><td>{cell(k, v)}</td></tr>" for k, v in rows)
    body = e(message.text).replace("\n", "<br>")
    document = (
        f"<html><body><h2>{e(subject)}</h2><table>{cells}</table><p>{body}</p>"
        f"<p><small>{e(company)} receptionist (message {e(message.id)})</small></p></body></html>"
    )
    return EmailContent(subject=subject, text=text, html=document)


def log_safe_summary(message: Message) -> str:
    """A one-line description for logs: no caller text, the number masked."""
    return f"message {message.id} for {message.recipient_kind}:{message.recipient_id} from {mask(message.callback_number)}"
