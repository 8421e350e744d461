"""Scoring people against one reading of an utterance (a tuple of folded words).

A reading is tried as one name part (first name, surname or alias, possibly split by the
recogniser: "shiv on"), as every first/surname split, and — for three or more words — as first
and last with the middle skipped. A single word that is no name is also read as a first name and
a surname run together ("mariusviks"). A full name scores the mean of its parts and both parts must
belong to the same person. Typos the deletion index cannot reach are found by vetting the
partners of a surely matched part directly ("lavinia ahne" → Lavinia Wahner).
"""

from __future__ import annotations

from switchboard.domain.resolution.index import FIRST, LAST, NameIndex

_MIDDLE_SKIPPED_PENALTY = 5.0  # "john paul smith" for John Smith: plausible, but less sure
_MAX_ANCHORED = 3000
# A one-word full name ("annalee smith" heard as "annaleesmith"): a little less sure than the same
# name said as two words, so a person really called that way wins.
_JOINED_PENALTY = 2.0
_MIN_JOINED = 5  # a name this common is not worth vetting partner by partner
_Scores = dict[int, float]
PartCache = dict[tuple[str, bool], dict[str, float]]  # (spoken part, weak?) → token scores


class Scorer:
    """Scores people for readings of an utterance using a prebuilt `NameIndex`; holds no state."""

    __slots__ = ("_index",)

    def __init__(self, index: NameIndex) -> None:
        self._index = index

    def people(
        self, core: tuple[str, ...], cache: PartCache, *, weak: bool, lone: bool = True
    ) -> _Scores:
        """Each plausible person's best score for `core` read as a name (see module docstring).

        `lone=False` skips reading `core` as one name part: only first + last readings count.
        """

        def part(spoken: str) -> dict[str, float]:
            key = (spoken, weak)
            if key not in cache:
                hits = self._index.strong(spoken)
                if weak:
                    hits = self._index.weak(spoken) | hits  # strong scores win on overlap
                cache[key] = hits
            return cache[key]

        out: _Scores = {}
        n = len(core)
        if n <= 3 and lone:  # one name part, possibly split by the recogniser ("shiv on")
            whole = part("".join(core))
            for token, score in whole.items():
                for role in (FIRST, LAST):
                    for person in self._index.holders(token, role):
                        if score > out.get(person, 0.0):
                            out[person] = score
            if n == 1 and not whole and len(core[0]) >= _MIN_JOINED:
                self._joined(core[0], cache, out)
        for k in range(max(1, n - 3), min(n, 4)):
            first, last = "".join(core[:k]), "".join(core[k:])
            self._pair(part(first), part(last), out, 0.0)
            if weak:  # typos the deletion index cannot reach: vet partners of a sure part
                self._anchored(cache.get((first, False), {}), last, FIRST, out)
                self._anchored(cache.get((last, False), {}), first, LAST, out)
        if n >= 3:
            self._pair(part(core[0]), part(core[-1]), out, _MIDDLE_SKIPPED_PENALTY)
        return out

    def _joined(self, word: str, cache: PartCache, out: _Scores) -> None:
        """A full name the recogniser wrote as one word ("mariusviks" for Marius Viks): every
        split into a first name and a surname, each matched exactly, by sound or as a nickname."""

        def strong(spoken: str) -> dict[str, float]:
            key = (spoken, False)
            if key not in cache:
                cache[key] = self._index.strong(spoken)
            return cache[key]

        for cut in range(2, len(word) - 1):
            self._pair(strong(word[:cut]), strong(word[cut:]), out, _JOINED_PENALTY)

    def _pair(
        self, first: dict[str, float], last: dict[str, float], out: _Scores, penalty: float
    ) -> None:
        """Score people whose first name matches `first` and surname matches `last`."""
        if not first or not last:
            return
        firsts = self._by_person(first, FIRST)
        holders = self._index.holders
        for token, s2 in last.items():
            for person in holders(token, LAST):
                s1 = firsts.get(person)
                if s1 is not None:
                    score = (s1 + s2) / 2.0 - penalty
                    if score > out.get(person, 0.0):
                        out[person] = score

    def _anchored(self, sure: dict[str, float], other: str, role: int, out: _Scores) -> None:
        """People surely matching one part whose other name is within typo reach of `other`."""
        people = self._by_person(sure, role)
        if not people or len(people) > _MAX_ANCHORED:
            return
        for person, s2 in self._index.partner_typos(people, other, 1 - role).items():
            score = (people[person] + s2) / 2.0
            if score > out.get(person, 0.0):
                out[person] = score

    def _by_person(self, hits: dict[str, float], role: int) -> _Scores:
        scores: _Scores = {}
        for token, score in hits.items():
            for person in self._index.holders(token, role):
                if score > scores.get(person, 0.0):
                    scores[person] = score
        return scores
