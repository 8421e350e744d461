"""What the resolver answers: who (or which department) the caller most likely means."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

# How many people the agent names when a name is shared: a caller cannot hold more in mind from
# one sentence. Past that it names none of them and asks for the department instead (`offered`).
MAX_OFFERED = 3


class ResolutionStatus(StrEnum):
    MATCH = "match"  # one employee; best candidate first
    AMBIGUOUS = "ambiguous"  # the full candidate set and nothing else: ask the caller which one
    DEPARTMENT = "department"  # a department by name or alias; route to its front contact
    NONE = "none"  # nobody in the directory; never a forced guess


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: Literal["employee", "department"]
    id: str
    name: str
    department: str | None  # the department's *name* for an employee; None for a department
    score: float  # 0..100

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "department": self.department,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class Resolution:
    query: str
    status: ResolutionStatus
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def offered(self) -> tuple[Candidate, ...]:
        """The candidates to name to the caller: an ambiguous set of at most `MAX_OFFERED`
        people, every one of them; a larger set, nobody (ask which department instead, see
        `departments`). Other statuses: the candidates."""
        if self.status is ResolutionStatus.AMBIGUOUS and len(self.candidates) > MAX_OFFERED:
            return ()
        return self.candidates

    @property
    def departments(self) -> tuple[str, ...]:
        """The departments the candidates work in, each once, in candidate order."""
        return tuple(dict.fromkeys(c.department for c in self.candidates if c.department))

    def as_json(self) -> dict[str, Any]:
        """The `directory resolve --json` shape."""
        return {
            "query": self.query,
            "status": self.status.value,
            "candidates": [c.as_json() for c in self.candidates],
            "reason": self.reason,
        }
