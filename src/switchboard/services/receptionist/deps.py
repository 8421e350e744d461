"""What the receptionist needs from the rest of the system, and what it remembers during one call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from switchboard.domain.call_limits import AttemptLedger, CallMonitor
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.messages import MAX_TEXT_LENGTH
from switchboard.ports.calls import (
    CallControl,
    CallRecorder,
    MessageDesk,
    NameResolver,
    Reachability,
    RingGroupControl,
)
from switchboard.ports.clock import Clock
from switchboard.ports.voicemail import RecordingTranscriber, VoicemailLimits, VoicemailRecorder

ReachabilityFn = Callable[[Employee, CompanyProfile, datetime], Reachability]


@dataclass(frozen=True, slots=True)
class VoicemailBox:
    """What a voicemail needs on this call: the line's recorder, the offline transcriber (None:
    the message says "(voicemail, not transcribed)") and the limits (VOICEMAIL_* settings)."""

    recorder: VoicemailRecorder
    transcriber: RecordingTranscriber | None = None
    limits: VoicemailLimits = field(default_factory=VoicemailLimits)


@dataclass(slots=True)
class CallState:
    """Facts about this call that the guardrails and the call outcome depend on."""

    ledger: AttemptLedger = field(default_factory=AttemptLedger)
    monitor: CallMonitor = field(default_factory=CallMonitor)
    emergency: bool = False
    transferred_to: str | None = None
    transfer_in_progress: bool = False
    caller_left_during_transfer: bool = False
    message_id: str | None = None
    voicemail: bool = False  # the caller was sent to a department's voicemail (recorded)
    info_requested: bool = False
    other_requested: bool = False
    ended: bool = False
    caller_turns: int = 0
    blocked: bool = False  # the caller is on the block list: refused, the call ends
    # Numbers the agent has read back (last 7 digits) → caller turns heard by then.
    read_back: dict[str, int] = field(default_factory=dict)

    def note_agent_said(self, digits: str) -> None:
        if len(digits) >= 7:
            self.read_back[digits[-7:]] = self.caller_turns

    def confirmed_after_read_back(self, number: str) -> bool:
        """True once `number` was read back and the caller has spoken since (any real
        answer to a read-back confirms it: docs/call-behaviour.md, "Messages and notifications")."""
        heard_at = self.read_back.get("".join(ch for ch in number if ch.isdigit())[-7:])
        return heard_at is not None and self.caller_turns > heard_at

    def outcome(self, *, caller_hung_up: bool = False) -> CallOutcome:
        """The call outcome, the first that applies (docs/call-behaviour.md, "Outcome")."""
        if self.blocked:
            return CallOutcome.BLOCKED
        if self.transferred_to:
            return CallOutcome.TRANSFERRED
        if self.voicemail:
            return CallOutcome.VOICEMAIL
        if self.message_id:
            return CallOutcome.MESSAGE_TAKEN
        if self.caller_left_during_transfer or (caller_hung_up and self.transfer_in_progress):
            return CallOutcome.ENDED_BY_CALLER
        if self.info_requested and not self.other_requested and not self.emergency:
            return CallOutcome.INFO_ONLY
        return CallOutcome.NO_TRANSFER


@dataclass(slots=True)
class ReceptionistDeps:
    """Collaborators of one call's agent. Built by the composition root (worker, `switchboard call`,
    tests) with real or fake adapters."""

    directory: Directory
    resolver: NameResolver
    reachability: ReachabilityFn
    clock: Clock
    calls: CallControl
    messages: MessageDesk
    recorder: CallRecorder
    call: CallContext
    ai_disclosure: str | None = None
    default_region: str = "US"
    max_message_chars: int = MAX_TEXT_LENGTH  # the messaging layer's documented limit
    known_caller: str | None = None  # a returning caller's remembered name (caller memory)
    blocked: bool = False  # screening put the caller on the block list
    state: CallState = field(default_factory=CallState)
    # Department ring groups (docs/call-behaviour.md); None: department calls go to the front contact.
    groups: RingGroupControl | None = None
    # A department's after-hours `voicemail` records the caller (services/receptionist/voicemail.py);
    # None: the agent takes the message in conversation instead.
    voicemail: VoicemailBox | None = None

    def record(self, kind: str, /, **data: object) -> None:
        """Append to the call record, always tagged with the call id."""
        self.recorder.record(kind, call_id=self.call.call_id, **data)
