"""What a warm transfer asks the phone line to do. The coordinator runs them in order, and
reports results of Dial / ListenToEmployee / Merge back as events."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.domain.transfer.events import MergeStrategy


@dataclass(frozen=True, slots=True)
class SayToCaller:
    text: str


@dataclass(frozen=True, slots=True)
class SayToEmployee:
    text: str


@dataclass(frozen=True, slots=True)
class StartHold:
    pass


@dataclass(frozen=True, slots=True)
class StopHold:
    pass


@dataclass(frozen=True, slots=True)
class CreateConsultationRoom:
    pass


@dataclass(frozen=True, slots=True)
class Dial:
    """Dial the employee into the consultation room; answers as DialAnswered or DialRejected."""

    ring_timeout: float


@dataclass(frozen=True, slots=True)
class ListenToEmployee:
    """Wait for the employee's reply; answers as EmployeeReplied or ReplyTimedOut."""

    timeout: float


@dataclass(frozen=True, slots=True)
class Merge:
    """Connect caller and employee; answers as MergeSucceeded or MergeFailed."""

    strategy: MergeStrategy


@dataclass(frozen=True, slots=True)
class HangUpEmployee:
    """End the employee's leg wherever it is (ringing, consulting or moved)."""


@dataclass(frozen=True, slots=True)
class DeleteConsultationRoom:
    pass


TransferCommand = (
    SayToCaller
    | SayToEmployee
    | StartHold
    | StopHold
    | CreateConsultationRoom
    | Dial
    | ListenToEmployee
    | Merge
    | HangUpEmployee
    | DeleteConsultationRoom
)
