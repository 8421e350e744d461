"""What the resolver answers: who (or which department) the caller most likely means."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal


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

    def as_json(self) -> dict[str, Any]:
        """The `directory resolve --json` shape."""
        return {
            "query": self.query,
            "status": self.status.value,
            "candidates": [c.as_json() for c in self.candidates],
            "reason": self.reason,
        }
