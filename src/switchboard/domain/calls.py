"""Vocabulary of a call: the outcome of one transfer attempt and of the whole call (docs/call-behaviour.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TransferOutcome(StrEnum):
    """How one transfer attempt (one dial of one employee) ended."""

    CONNECTED = "connected"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"  # the caller is never connected to an employee's voicemail
    FAILED = "failed"  # with a SIP status where known
    CALLER_HUNG_UP = "caller_hung_up"
    MESSAGE_REQUESTED = "message_requested"  # the employee asked the agent to take a message


class CallOutcome(StrEnum):
    """How the whole call ended; the first that applies wins (docs/call-behaviour.md, "Outcome")."""

    TRANSFERRED = "transferred"
    MESSAGE_TAKEN = "message_taken"
    VOICEMAIL = "voicemail"  # after hours: the caller left a recorded voicemail (or tried to)
    ENDED_BY_CALLER = "ended_by_caller"
    INFO_ONLY = "info_only"
    NO_TRANSFER = "no_transfer"
    BLOCKED = "blocked"  # the caller is on the block list (domain/screening.py)


@dataclass(frozen=True, slots=True)
class CallContext:
    """Who is on the line. `call_id` tags every log line and record of the call."""

    call_id: str
    room_name: str
    caller_identity: str
    caller_number: str | None = None  # E.164 caller ID (sip.phoneNumber), when known
    dialed_number: str | None = None  # the company number dialled (sip.trunkPhoneNumber)
    twilio_call_sid: str | None = None
    verstat: str | None = (
        None  # X-Twilio-VerStat: Twilio's STIR/SHAKEN result (domain/screening.py)
    )


@dataclass(frozen=True, slots=True)
class TransferResult:
    outcome: TransferOutcome
    employee_id: str
    sip_status: int | None = None
    detail: str = ""  # for logs and the call record; never contains a phone number
