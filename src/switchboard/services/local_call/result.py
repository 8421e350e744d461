"""What a local call produced, in the shape `switchboard simulate` prints (the scenario contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from switchboard.domain.calls import CallOutcome
from switchboard.domain.chat_address import mask as mask_chat_url
from switchboard.domain.notifications import Channel
from switchboard.domain.phone import mask
from switchboard.ports.calls import MessageReceipt, MessageRequest
from switchboard.ports.outbox import MessageOutbox
from switchboard.ports.telephony import LiveResources
from switchboard.services.local_call.lines import CallLine, CallLines


@dataclass(frozen=True, slots=True)
class LocalCallResult:
    """The outcome of one local call; `leftovers` is what stayed live on the network (must be
    empty: no orphaned room, ringing leg or hold audio)."""

    call_id: str
    outcome: CallOutcome
    transferred_to: str | None
    attempts: list[dict[str, str]]
    dialed: list[str]
    message: dict[str, Any] | None
    notifications: list[dict[str, str]]
    lines: list[CallLine]
    leftovers: LiveResources = field(default_factory=LiveResources)
    sent_to: list[tuple[str, str]] = field(default_factory=list)  # (channel, unmasked address)
    message_id: str | None = None  # the taken message's id in the outbox

    def transcript(self) -> list[dict[str, str]]:
        """Spoken lines only: [{role: agent|caller|employee, text}]."""
        return [{"role": ln.role, "text": ln.text} for ln in self.lines if ln.spoken]

    def as_json(self) -> dict[str, Any]:
        """The call's part of a scenario's JSON object (everything but name, passed, failures)."""
        return {
            "outcome": self.outcome.value,
            "transferred_to": self.transferred_to,
            "attempts": self.attempts,
            "dialed": self.dialed,
            "message": self.message,
            "notifications": self.notifications,
            "transcript": self.transcript(),
        }


def orphans_in(live: LiveResources, caller_room: str) -> LiveResources:
    """What the agent left behind: the call's own room and the people in it are the call itself;
    anything else, any ringing leg and any hold audio is an orphan."""
    return LiveResources(
        rooms=tuple(r for r in live.rooms if r != caller_room),
        participants=tuple(p for p in live.participants if p[0] != caller_room),
        ringing=live.ringing,
        holds=live.holds,
    )


def merge_live(a: LiveResources, b: LiveResources) -> LiveResources:
    """Everything live in either snapshot, once."""

    def both(x: tuple[Any, ...], y: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(x + y))

    return LiveResources(
        both(a.rooms, b.rooms), both(a.participants, b.participants),
        both(a.ringing, b.ringing), both(a.holds, b.holds),
    )  # fmt: skip


async def collect_result(
    call_id: str,
    outcome: CallOutcome,
    transferred_to: str | None,
    attempts: list[dict[str, str]],
    dialed: Sequence[str],
    taken: Sequence[tuple[MessageRequest, MessageReceipt]],
    outbox: MessageOutbox,
    lines: CallLines,
    leftovers: LiveResources,
) -> LocalCallResult:
    """Gather the result; the message and its notifications are read back from storage."""
    message: dict[str, Any] | None = None
    notifications: list[dict[str, str]] = []
    sent_to: list[tuple[str, str]] = []
    if taken:
        request, receipt = taken[-1]
        message = {
            "for": request.recipient_id,
            "caller_name": request.caller_name,
            "callback_number": request.callback_number,
            "text": request.text,
            "urgent": request.urgent,
        }
        for n in await outbox.notifications_of(receipt.message_id):
            # Phone numbers are masked in output; email addresses and local labels are not.
            to = mask(n.to) if n.channel is Channel.SMS else n.to
            to = mask_chat_url(to) if n.channel is Channel.CHAT else to  # tokens never shown
            notifications.append({"channel": n.channel.value, "to": to, "status": n.status.value})
            sent_to.append((n.channel.value, n.to))
    return LocalCallResult(
        call_id=call_id,
        outcome=outcome,
        transferred_to=transferred_to,
        attempts=list(attempts),
        dialed=list(dialed),
        message=message,
        notifications=notifications,
        lines=list(lines.lines),
        leftovers=leftovers,
        sent_to=sent_to,
        message_id=taken[-1][1].message_id if taken else None,
    )
