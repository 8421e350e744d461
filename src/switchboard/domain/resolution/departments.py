"""Department requests: a department's name or alias anywhere in the utterance ("someone in payroll").

Job titles are deliberately not indexed, so "payroll" means the Payroll department even when an
employee's title is "Payroll specialist" (docs/call-behaviour.md, "Routing").
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from switchboard.domain.directory import Department
from switchboard.domain.resolution.normalize import FILLER, tokens

FUZZY_CUTOFF = 85.0  # misheard department names ("payrol") below this are not guessed


class DepartmentNames:
    """Phrase lookup over department names and aliases, longest phrase first."""

    __slots__ = ("_by_first_word", "_joined", "all")

    def __init__(self, departments: tuple[Department, ...]) -> None:
        self.all = departments
        self._by_first_word: dict[str, list[tuple[tuple[str, ...], Department]]] = {}
        self._joined: dict[str, Department] = {}
        for dept in departments:
            for phrase in (dept.name, *dept.aliases):
                words = tuple(tokens(phrase))
                if words:
                    self._by_first_word.setdefault(words[0], []).append((words, dept))
                    self._joined["".join(words)] = dept
        for options in self._by_first_word.values():
            options.sort(key=lambda item: -len(item[0]))

    def find(self, words: list[str]) -> tuple[Department, list[str]] | None:
        """The department named in `words`, and the non-filler words left around it."""
        for i, word in enumerate(words):
            for phrase, dept in self._by_first_word.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    rest = [w for w in words[:i] + words[i + len(phrase) :] if w not in FILLER]
                    return dept, rest
        return None

    def closest(self, words: list[str]) -> tuple[Department, float] | None:
        """A department whose name the utterance nearly spells, with its similarity score."""
        core = "".join(w for w in words if w not in FILLER)
        if not core or not self._joined:
            return None
        hit = process.extractOne(
            core, list(self._joined), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return (self._joined[hit[0]], float(hit[1])) if hit is not None else None
