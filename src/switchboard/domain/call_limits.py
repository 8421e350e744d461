"""Who may be dialled and how often, and when a call has gone bad (abuse, loops): at most two
transfer attempts per employee per call, only directory employees by id. Pure."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from switchboard.domain.directory import Directory, Employee

MAX_ATTEMPTS_PER_EMPLOYEE = 2


def dial_target(directory: Directory, employee_id: str) -> Employee | None:
    """The employee to dial for `employee_id`, or None. Only a directory employee id qualifies:
    raw numbers, sms numbers, extensions and star codes are never dialled."""
    return directory.employee(employee_id.strip()) if employee_id else None


@dataclass(slots=True)
class AttemptLedger:
    """Transfer attempts per employee in one call; at most `limit` each."""

    limit: int = MAX_ATTEMPTS_PER_EMPLOYEE
    counts: Counter[str] = field(default_factory=Counter)

    def allows(self, employee_id: str) -> bool:
        return self.counts[employee_id] < self.limit

    def record(self, employee_id: str) -> int:
        """Count one attempt; returns the attempts so far for this employee."""
        self.counts[employee_id] += 1
        return self.counts[employee_id]


_ABUSE = re.compile(
    r"\b(?:fuck\w*|shit\w*|bitch\w*|bastard|asshole|cunt|dickhead|moron|idiot|stupid bot|"
    r"kill you|i'?ll hurt you)\b",
    re.IGNORECASE,
)
_ACKS = frozenset(
    {"yes", "yeah", "yep", "no", "nope", "ok", "okay", "sure", "right", "correct", "thanks",
     "thank you", "yes please", "no thanks", "no thank you", "uh huh", "mhm"}
)  # fmt: skip


@dataclass(slots=True)
class CallMonitor:
    """Ends a call politely after repeated abuse, the same thing said over and over, or a call
    that has gone on for too many turns without an end."""

    max_abusive: int = 3
    max_repeats: int = 3
    max_turns: int = 40
    abusive: int = 0
    turns: int = 0
    said: Counter[str] = field(default_factory=Counter)

    def observe(self, caller_text: str) -> bool:
        """Count one caller turn; True when the call should now end."""
        self.turns += 1
        if _ABUSE.search(caller_text):
            self.abusive += 1
        normal = re.sub(r"\W+", " ", caller_text.lower()).strip()
        if normal and normal not in _ACKS:  # "yes" three times is a normal call, not a loop
            self.said[normal] += 1
        return self.should_end

    @property
    def should_end(self) -> bool:
        repeats = max(self.said.values(), default=0)
        return (
            self.abusive >= self.max_abusive
            or repeats >= self.max_repeats
            or self.turns >= self.max_turns
        )
