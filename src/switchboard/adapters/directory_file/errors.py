"""Problems found in a directory file, collected so one import reports every bad row at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from switchboard.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is and why it was refused."""

    source: str  # the file name, or "command line"
    location: str  # "row 4 (id=ann-lee)", "employees[3] (id=ann-lee)", "company", or ""
    field: str | None
    reason: str

    def __str__(self) -> str:
        parts = [self.source]
        if self.location:
            parts.append(self.location)
        if self.field:
            parts.append(self.field)
        parts.append(self.reason)
        return ": ".join(parts)


class DirectoryFileError(InvalidInput):
    """A directory file (or CLI field update) that was refused as a whole; `problems` says why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, source: str, reason: str, location: str = "") -> DirectoryFileError:
        """A whole-file problem (unreadable, empty, not a mapping, ...)."""
        return cls([Problem(source=source, location=location, field=None, reason=reason)])


class FieldError(InvalidInput, ValueError):
    """A single value that failed validation; the message is the human reason."""


class ProblemLog:
    """Collects problems while parsing; `raise_if_any` makes the result all-or-nothing."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, location: str, field: str | None, reason: str) -> None:
        self.problems.append(Problem(self.source, location, field, reason))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DirectoryFileError(self.problems)
