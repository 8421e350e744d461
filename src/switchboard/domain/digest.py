"""The daily digest: one email per employee of the calls they missed and the messages left for
them on one day (midnight to midnight in the company's timezone).

Pure. A missed call is a transfer attempt to the employee that did not connect (no answer, busy,
voicemail, declined, failed). A message counts for the employee it names, and a department's
message for its front contact; follow-ups (transfer summaries, digests) are not listed. The
digest's id is `dig_<day>_<employee>`: the outbox's key makes it exactly once per employee per day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from switchboard.domain.call_record import CallRecord
from switchboard.domain.directory import Directory, Employee
from switchboard.domain.messages import MAX_TEXT_LENGTH, Message, MessageKind, RecipientKind
from switchboard.domain.messages.delivery import StoredMessage, delivery_state
from switchboard.domain.notifications import Channel, Notification
from switchboard.domain.notifications.plan import notification_id, recipient_of

MISSED = frozenset({"no_answer", "busy", "voicemail", "declined", "failed"})
SENDER = "Switchboard daily digest"
_EXCERPT = 200  # characters of each message's text in the digest


@dataclass(frozen=True, slots=True)
class MissedCall:
    at: datetime
    caller_number: str | None
    result: str


@dataclass(frozen=True, slots=True)
class Digest:
    employee: Employee
    day: date
    missed: tuple[MissedCall, ...]
    messages: tuple[StoredMessage, ...]


def day_window(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The day from local midnight to the next local midnight, as aware datetimes."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)


def due_day(now: datetime, timezone: str, hour: int) -> date | None:
    """The day whose digest is due at `now`: yesterday (local), once the local time has reached
    `hour`; None before then (or when `hour` is negative: the digest is off)."""
    local = now.astimezone(ZoneInfo(timezone))
    if hour < 0 or local.hour < hour:
        return None
    return local.date() - timedelta(days=1)


def digest_id(day: date, employee_id: str) -> str:
    return f"dig_{day.isoformat()}_{employee_id}"


def collect(
    directory: Directory,
    day: date,
    calls: Iterable[CallRecord],
    stored: Iterable[StoredMessage],
) -> list[Digest]:
    """A digest for every employee with a missed call or a message that day, in directory order."""
    start, end = day_window(day, directory.company.timezone)
    missed: dict[str, list[MissedCall]] = defaultdict(list)
    for record in calls:
        for event in record.events:
            data = event.data
            if event.kind != "transfer_attempt" or data.get("result") not in MISSED:
                continue
            if start <= event.at < end and isinstance(data.get("employee"), str):
                missed[data["employee"]].append(
                    MissedCall(event.at, record.caller_number, str(data["result"]))
                )
    messages: dict[str, list[StoredMessage]] = defaultdict(list)
    for item in stored:
        m = item.message
        if m.kind is not MessageKind.MESSAGE or not start <= m.created_at < end:
            continue
        who = recipient_of(m, directory)
        if who is not None:
            messages[who.id].append(item)
    return [
        Digest(
            e,
            day,
            tuple(sorted(missed[e.id], key=lambda c: c.at)),
            tuple(sorted(messages[e.id], key=lambda s: s.message.created_at)),
        )
        for e in directory.employees
        if missed.get(e.id) or messages.get(e.id)
    ]


def digest_text(digest: Digest, timezone: str) -> str:
    """The email body; cut (saying how many more) to stay within MAX_TEXT_LENGTH."""
    zone = ZoneInfo(timezone)
    lines = [f"Your calls and messages on {digest.day:%a %d %b %Y}."]
    lines += ["", f"Missed calls ({len(digest.missed)}):"]
    lines += [
        f"- {c.at.astimezone(zone):%H:%M} from {c.caller_number or 'a withheld number'} "
        f"({c.result.replace('_', ' ')})"
        for c in digest.missed
    ] or ["- none"]
    lines += ["", f"Messages ({len(digest.messages)}):"]
    for item in digest.messages:
        m, state = item.message, delivery_state(item.notifications).value.replace("_", " ")
        excerpt = m.text if len(m.text) <= _EXCERPT else m.text[: _EXCERPT - 3] + "..."
        urgent = "URGENT " if m.urgent else ""
        lines.append(
            f"- {urgent}{m.created_at.astimezone(zone):%H:%M} {m.caller_name or 'a caller'} "
            f"({m.callback_number or 'no number'}) [{state}]: {excerpt} (message {m.id})"
        )
    if not digest.messages:
        lines.append("- none")
    text = "\n".join(lines)
    while len(text) > MAX_TEXT_LENGTH:
        lines = [*lines[:-2], "... and more: see `switchboard messages list`"]
        text = "\n".join(lines)
    return text


def digest_message(digest: Digest, timezone: str, now: datetime) -> Message:
    return Message(
        id=digest_id(digest.day, digest.employee.id),
        recipient_kind=RecipientKind.EMPLOYEE,
        recipient_id=digest.employee.id,
        caller_name=SENDER,
        callback_number=None,
        text=digest_text(digest, timezone),
        created_at=now,
        kind=MessageKind.DIGEST,
    )


def digest_notification(message: Message, employee: Employee, now: datetime) -> Notification:
    """Email only: the digest is an email (an employee without one gets no digest)."""
    assert employee.email is not None
    return Notification(
        id=notification_id(message.id, Channel.EMAIL),
        message_id=message.id,
        channel=Channel.EMAIL,
        to=employee.email,
        created_at=now,
        updated_at=now,
        next_attempt_at=now,
    )
