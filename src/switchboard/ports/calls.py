"""The seams between the conversation (agent) and the rest: the phone line, messages, the call record.

The agent's tools call only these Protocols; the telephony layer (warm transfer over LiveKit or the
simulator), the messaging layer (durable outbox) and call-record storage implement them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from switchboard.domain.calls import CallContext, TransferResult
from switchboard.domain.directory import Department, Employee
from switchboard.domain.resolution.result import Resolution
from switchboard.domain.routing.ring_group import RingGroupOutcome, RingPlan


class CallControl(Protocol):
    async def warm_transfer(
        self, call: CallContext, employee: Employee, *, caller_name: str, reason: str
    ) -> TransferResult:
        """Put the caller on hold, consult `employee`, and connect them or come back with why not.

        Returns only when the caller is either connected (the agent then leaves) or back with the
        agent. Never raises for telephony failures: they are outcomes (`failed`, with SIP status).
        """
        ...

    async def hang_up(self, call: CallContext) -> None:
        """End the call for everyone (after the agent has said goodbye)."""
        ...


class RingGroupControl(Protocol):
    async def ring_group(
        self,
        call: CallContext,
        department: Department,
        plan: RingPlan,
        *,
        caller_name: str,
        reason: str,
    ) -> RingGroupOutcome:
        """Hold the caller once and ring `plan`'s members (together or in turn); connect the first
        to accept and end every other leg at once. Never raises for telephony failures."""
        ...


@dataclass(frozen=True, slots=True)
class MessageRequest:
    call_id: str
    recipient_kind: str  # "employee" | "department"
    recipient_id: str
    caller_name: str
    callback_number: str  # E.164
    text: str
    urgent: bool = False
    caller_number: str | None = None  # caller ID, when known
    recording_url: str | None = None  # a voicemail's recording, when the message is one
    # The webhook delivery that asked for this message (Twilio's idempotency token, or route +
    # SID): stored in the message's own transaction, so a retry after a failure stores the message
    # and a replay after success stores nothing. None for messages taken on a call.
    once_key: str | None = None


@dataclass(frozen=True, slots=True)
class MessageReceipt:
    message_id: str
    channels: tuple[str, ...] = ()  # e.g. ("email", "sms"): how the recipient will be notified
    duplicate: bool = False  # the request's once_key was handled before: nothing was stored


class MessageDesk(Protocol):
    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        """Store the message durably (with its notification jobs) before returning."""
        ...


class CallRecorder(Protocol):
    def record(self, kind: str, /, **data: Any) -> None:
        """Append one event (turn, tool call, decision, attempt, outcome) to the call's record.

        Never blocks; persistence happens behind this port. Data must already be free of employee
        phone numbers and emails.
        """
        ...


class NameResolver(Protocol):
    """What the agent needs of `switchboard.domain.resolution.Resolver`."""

    def resolve(self, text: str) -> Resolution: ...


class Reachability(Protocol):
    """`switchboard.domain.availability.Reachability`, as far as the agent uses it."""

    @property
    def reachable(self) -> bool: ...
    @property
    def reason(self) -> str: ...
    @property
    def caller_message(self) -> str: ...
