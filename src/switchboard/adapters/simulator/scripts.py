"""How simulated people behave, in the scenario file's words.

    employees:
      priya-raman: {answer: true, decision: accept}       # answer: true|false|busy|voicemail|failed
      sam-okafor: {answer: true, decision: message, by: keypad, answer_after: 6}
    caller:
      hangup: {during: hold}                              # hold|ringing|consultation|merging

Employee keys: `answer`, `decision` (accept|decline|message|hangup|none), `by` (voice|keypad),
`answer_after` (seconds of ringing before the phone is picked up, rejected or sent to voicemail),
`decide_after` (seconds from hearing the agent to replying), `sip_status` (for `failed`), `say`
(a phrase, or a list said one per prompt, replacing the decision's usual words).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from switchboard.domain.directory import Employee
from switchboard.domain.errors import InvalidValue
from switchboard.ports.telephony import Reply


class AnswerMode(StrEnum):
    ANSWER = "true"
    NO_ANSWER = "false"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    FAILED = "failed"


class DecisionMode(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    MESSAGE = "message"
    HANGUP = "hangup"  # hangs up during the consultation without deciding
    NONE = "none"  # listens and never answers


class HangupPoint(StrEnum):
    HOLD = "hold"
    RINGING = "ringing"
    CONSULTATION = "consultation"
    MERGING = "merging"


_PHRASES = {
    DecisionMode.ACCEPT: "Yes, put them through.",
    DecisionMode.DECLINE: "No, I can't take it right now.",
    DecisionMode.MESSAGE: "Could you take a message for me?",
}
_KEYS = {DecisionMode.ACCEPT: "1", DecisionMode.DECLINE: "2", DecisionMode.MESSAGE: "3"}
_EMPLOYEE_KEYS = {"answer", "decision", "by", "answer_after", "decide_after", "sip_status", "say"}


@dataclass(frozen=True, slots=True)
class EmployeeScript:
    answer: AnswerMode = AnswerMode.NO_ANSWER
    decision: DecisionMode = DecisionMode.ACCEPT
    by_keypad: bool = False
    answer_after: float = 4.0
    decide_after: float = 2.0
    sip_status: int = 503
    say: tuple[str, ...] = ()

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> EmployeeScript:
        """Read one `employees:` entry; raises ValueError naming the bad key or value."""
        unknown = set(spec) - _EMPLOYEE_KEYS
        if unknown:
            raise InvalidValue(f"unknown employee keys: {', '.join(sorted(unknown))}")
        raw_answer = spec.get("answer", False)
        answer = str(raw_answer).lower() if isinstance(raw_answer, bool) else str(raw_answer)
        by = str(spec.get("by", "voice"))
        if by not in ("voice", "keypad"):
            raise InvalidValue(f"by must be voice or keypad, not {by!r}")
        said = spec.get("say", ())
        try:
            return cls(
                answer=AnswerMode(answer),
                decision=DecisionMode(str(spec.get("decision", "accept"))),
                by_keypad=by == "keypad",
                answer_after=_seconds(spec, "answer_after", 4.0),
                decide_after=_seconds(spec, "decide_after", 2.0),
                sip_status=int(spec.get("sip_status", 503)),
                say=(said,) if isinstance(said, str) else tuple(str(s) for s in said),
            )
        except (TypeError, ValueError) as exc:
            raise InvalidValue(f"bad employee script {dict(spec)!r}: {exc}") from None

    def replies(self) -> tuple[Reply, ...]:
        """What the employee answers, one reply per prompt heard, in order."""
        if self.say:
            return tuple(Reply(text=s) for s in self.say)
        if self.decision not in _PHRASES:
            return ()
        if self.by_keypad:
            return (Reply(digits=_KEYS[self.decision]),)
        return (Reply(text=_PHRASES[self.decision]),)


@dataclass(frozen=True, slots=True)
class CallerScript:
    hangup_during: HangupPoint | None = None
    hangup_after: float = 1.0  # seconds into that phase

    @classmethod
    def from_spec(cls, hangup: Mapping[str, Any] | None) -> CallerScript:
        """Read `caller.hangup` ({during: ...}); `after_turn` belongs to the conversation, not here."""
        if not hangup or "during" not in hangup:
            return cls()
        try:
            return cls(HangupPoint(str(hangup["during"])), _seconds(hangup, "after", 1.0))
        except ValueError as exc:
            raise InvalidValue(f"bad caller hangup {dict(hangup)!r}: {exc}") from None


def _seconds(spec: Mapping[str, Any], key: str, default: float) -> float:
    value = float(spec.get(key, default))
    if value < 0:
        raise InvalidValue(f"{key} must not be negative")
    return value


def scripts_by_target(
    employees: Iterable[Employee], spec: Mapping[str, Mapping[str, Any]]
) -> dict[str, EmployeeScript]:
    """Turn a scenario's `employees:` (keyed by employee id) into scripts keyed by dial target.

    Employees not listed are left out: their phones ring out (`answer: false`). An id that is not
    in the directory is an error, so a typo in a scenario cannot silently change its meaning.
    """
    by_id = {employee.id: employee for employee in employees}
    unknown = sorted(set(spec) - set(by_id))
    if unknown:
        raise InvalidValue(f"employees not in the directory: {', '.join(unknown)}")
    return {by_id[eid].phone: EmployeeScript.from_spec(entry) for eid, entry in spec.items()}
