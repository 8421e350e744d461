"""Names inside whole spoken sentences: "Hi, is Tom Reed in today?", "But me through to Marcus Bell".

Used only when the trimmed utterance as a whole gives no usable answer. Contiguous spans of two
to four words are read as full names, but only spans holding at least one word the index knows
exactly (name-like spans, found by dictionary lookups, so a long sentence stays cheap); words
around a full name never block it, because both of its parts must still belong to one person.
In order, each step only when the previous found nobody at the threshold:

1. exact, identical-sound and nickname full-name (first + last) readings of name-like spans;
2. typos and respellings within two-word spans (one word of which is exact);
3. a sure, unique part with a misheard partner (`misheard`: "Juan Gallagher");
4. a lone exact name part ("is Reed in today?") in an utterance of three or more words, but only
   when each neighbour is filler or an everyday word that is no name in this directory: in
   "Peter Patel" the unknown "Peter" may be a first name, and a query whose first and last
   names match nobody is `none` (docs/call-behaviour.md, "Name resolution").

Step 1 (`exact`) runs before typo readings of the whole utterance, steps 2–4 (`loose`) after.
"""

from __future__ import annotations

from collections.abc import Iterable

from switchboard.domain.resolution.index import NameIndex
from switchboard.domain.resolution.misheard import misheard
from switchboard.domain.resolution.normalize import FILLER, SENTENCE_WORDS
from switchboard.domain.resolution.scoring import PartCache, Scorer

_Scores = dict[int, float]
_MAX_SPAN = 4  # "mary kate obrien smith"


class SpanSearch:
    """Scores people for the name-like spans of a sentence; holds no per-query state."""

    __slots__ = ("_everyday", "_index", "_keep", "_scorer", "_threshold")

    def __init__(
        self,
        index: NameIndex,
        scorer: Scorer,
        keep: frozenset[str],
        threshold: float,
        everyday: frozenset[str] = SENTENCE_WORDS,
    ):
        self._everyday = everyday  # SENTENCE_WORDS plus this company's team and job-title words
        self._index = index
        self._scorer = scorer
        self._keep = keep  # filler words that are names in this directory
        self._threshold = threshold

    def exact(self, words: list[str], cache: PartCache) -> _Scores:
        """Step 1: exact, identical-sound and nickname full-name readings of name-like spans."""
        out: _Scores = {}
        # Full names only (`lone=False`): a joined span ("glo ria" → every Gloria) must not outrank
        # a respelled full name of the whole request ("glo ria paketti"), which is scored later;
        # a lone part has to pass the neighbour rule of step 4.
        spans = self._spans(words, cache)
        self._merge(out, (self._scorer.people(s, cache, weak=False, lone=False) for s in spans))
        return out

    def loose(
        self, words: list[str], cache: PartCache, done: frozenset[tuple[str, ...]]
    ) -> _Scores:
        """Steps 2–4 (see the module docstring), each only if the previous found nobody.

        `done`: readings already scored with typos as a whole; they are not scored again.
        """
        pairs = [s for s in self._spans(words, cache) if len(s) == 2]
        out: _Scores = {}
        typo_pairs = [s for s in pairs if s not in done]
        weak = (self._scorer.people(s, cache, weak=True, lone=False) for s in typo_pairs)
        if self._merge(out, weak):
            return out
        if self._merge(out, (misheard(self._index, s[0], s[1]) for s in pairs)):
            return out
        if len(words) >= 3:  # two words are a name ("akshay read"), not a sentence
            lone = [(w,) for i, w in enumerate(words) if self._alone(words, i, cache)]
            self._merge(out, (self._scorer.people(s, cache, weak=False) for s in lone))
        return out

    def _spans(self, words: list[str], cache: PartCache) -> list[tuple[str, ...]]:
        named = [self._known(w, cache) for w in words]
        return [
            tuple(words[i : i + size])
            for size in range(_MAX_SPAN, 1, -1)
            for i in range(len(words) - size + 1)
            if any(named[i : i + size]) and self._edge(words[i]) and self._edge(words[i + size - 1])
        ]

    def _merge(self, out: _Scores, results: Iterable[_Scores]) -> bool:
        for scores in results:
            for person, score in scores.items():
                if score > out.get(person, 0.0):
                    out[person] = score
        return max(out.values(), default=0.0) >= self._threshold

    def _known(self, word: str, cache: PartCache) -> bool:
        if word in FILLER and word not in self._keep:
            return False
        key = (word, False)
        if key not in cache:
            cache[key] = self._index.strong(word)
        return bool(cache[key])

    def _edge(self, word: str) -> bool:
        # A span starting or ending in filler is a longer copy of a span without it.
        return word not in FILLER or word in self._keep

    def _alone(self, words: list[str], i: int, cache: PartCache) -> bool:
        """A name part with only filler or everyday words (that are no name here) beside it."""
        if not self._known(words[i], cache):
            return False
        neighbours = words[max(0, i - 1) : i] + words[i + 1 : i + 2]
        return all(
            not self._edge(w) or (w in self._everyday and not self._known(w, cache))
            for w in neighbours
        )
