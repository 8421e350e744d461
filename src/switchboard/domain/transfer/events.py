"""What a warm transfer reacts to (events), and the values that describe one attempt.

Pure values. The coordinator turns telephony results into events (commands: commands.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from switchboard.domain.calls import TransferOutcome


class MergeStrategy(StrEnum):
    """How an accepted consultation becomes a connected call (TRANSFER_MERGE_STRATEGY)."""

    MOVE = "move"  # LiveKit Cloud: move the employee's leg into the caller's room
    REFER = "refer"  # self-hosted LiveKit: SIP REFER the caller to the employee


class EmployeeDecision(StrEnum):
    ACCEPT = "accept"  # voice "yes / put them through" or keypad 1
    DECLINE = "decline"  # voice "no / not now" or keypad 2
    MESSAGE = "message"  # voice "take a message" or keypad 3


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """Everything the machine needs to know about one attempt. `target` is never put into words."""

    employee_id: str
    employee_name: str
    target: str  # E.164 or SIP URI: dial and REFER target
    caller_name: str
    reason: str
    caller_number: str | None = None
    merge: MergeStrategy = MergeStrategy.MOVE
    ring_timeout: float = 25.0
    checkin_seconds: float = 30.0
    decision_timeout: float = 20.0
    reprompts: int = 1  # how often an unclear or missing decision is asked again
    # Whether the machine itself tells the caller an unconnected outcome (to_caller_after); off
    # when the conversation layer words it instead, so the caller never hears it twice.
    announce_outcome: bool = True


# --- events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Begin:
    """The agent decided to transfer."""


@dataclass(frozen=True, slots=True)
class HoldStarted:
    pass


@dataclass(frozen=True, slots=True)
class DialAnswered:
    pass


_DIAL_FAILURES = frozenset(
    {
        TransferOutcome.BUSY,
        TransferOutcome.NO_ANSWER,
        TransferOutcome.VOICEMAIL,
        TransferOutcome.FAILED,
    }
)


@dataclass(frozen=True, slots=True)
class DialRejected:
    """The dial ended without a person: busy, no_answer (ring timeout), voicemail or failed."""

    outcome: TransferOutcome
    sip_status: int | None = None

    def __post_init__(self) -> None:
        if self.outcome not in _DIAL_FAILURES:
            raise ValueError(f"{self.outcome} is not a dial failure")


@dataclass(frozen=True, slots=True)
class EmployeeReplied:
    """The employee said or keyed something; `decision` is None when it could not be understood."""

    decision: EmployeeDecision | None


@dataclass(frozen=True, slots=True)
class ReplyTimedOut:
    pass


@dataclass(frozen=True, slots=True)
class EmployeeHungUp:
    pass


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    pass


@dataclass(frozen=True, slots=True)
class CallerAskedForMessage:
    """The caller, on hold, took up the check-in's offer of a message instead."""


@dataclass(frozen=True, slots=True)
class CheckinDue:
    pass


@dataclass(frozen=True, slots=True)
class MergeSucceeded:
    pass


@dataclass(frozen=True, slots=True)
class MergeFailed:
    sip_status: int | None = None


TransferEvent = (
    Begin
    | HoldStarted
    | DialAnswered
    | DialRejected
    | EmployeeReplied
    | ReplyTimedOut
    | EmployeeHungUp
    | CallerHungUp
    | CallerAskedForMessage
    | CheckinDue
    | MergeSucceeded
    | MergeFailed
)
