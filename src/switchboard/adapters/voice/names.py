"""Write a misheard directory name the way the directory spells it. Pure.

tiny.en over a phone line hears names it does not know as nearby English ("Cornell Piedsarek" for
Kornel Pieczyrak, "Nina Angels" for Nina Engels). The resolver is rightly strict with such text
(two edits at most; a different first name with a real surname is nobody), so the voice path fixes
the spelling first, as contextual biasing does in larger recognisers: a run of one to four words
that sounds like exactly one directory name is replaced by that name.

"Sounds like" is the mean of two similarities of the run and the name, each 0..100 (rapidfuzz
Indel ratio, spaces removed): their spelling, and their consonant skeletons (metaphone). A name is
written in only when

- the best run scores at least `floor` with it, and
- no other name scores within `margin` of it anywhere in the transcript (a close second means
  the recogniser could have heard either: the resolver's own rules then decide), and
- the transcript does not already hold a directory name (nothing to fix).

A run never starts or ends on an everyday word ("to", "the", "please"), so "trying to read" is not
taken for Tom Reed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from switchboard.domain.resolution.normalize import FILLER, SENTENCE_WORDS, fold
from switchboard.domain.resolution.phonetic import metaphone_key

MAX_RUN_WORDS = 4
_EVERYDAY = FILLER | SENTENCE_WORDS


@dataclass(frozen=True, slots=True)
class NameRun:
    """A directory name and the run of transcript words (`start`..`end`, exclusive) it sounds
    most like, with how much (0..100)."""

    name: str
    score: float
    start: int
    end: int


def write_in(words: Sequence[str], run: NameRun) -> str:
    """The transcript `words` with `run`'s words replaced by its name (trailing punctuation kept)."""
    tail = _trailing_punctuation(words[run.end - 1])
    return " ".join([*words[: run.start], run.name + tail, *words[run.end :]])


def widened(words: Sequence[str], run: NameRun) -> NameRun | None:
    """`run` grown to as many words as its name has, by the words before it (else after it),
    when those could be part of a name: "Alimee Grant" rather than "Grant" for Olivia Grant, so
    the name does not sit next to the garbled rest of itself. None when it cannot grow."""
    missing = len(fold(run.name).split()) - (run.end - run.start)
    if missing <= 0:
        return None
    if run.start - missing >= 0 and _may_edge(fold(words[run.start - missing])):
        return NameRun(run.name, run.score, run.start - missing, run.end)
    if run.end + missing <= len(words) and _may_edge(fold(words[run.end + missing - 1])):
        return NameRun(run.name, run.score, run.start, run.end + missing)
    return None


def _runs(folded: Sequence[str]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(folded))
        for j in range(i + 1, min(len(folded), i + MAX_RUN_WORDS) + 1)
        if _may_edge(folded[i]) and _may_edge(folded[j - 1])
    ]


class NameSnapper:
    """Built once per directory from its names (hints), used on every transcript. Only full
    names (two words or more) are written in: a lone first name is the resolver's business."""

    def __init__(self, names: Sequence[str], *, floor: float = 80.0, margin: float = 8.0) -> None:
        self.names = tuple(dict.fromkeys(n for n in names if len(fold(n).split()) >= 2))
        self.floor, self.margin = floor, margin
        self._spelled = [fold(n).replace(" ", "") for n in self.names]
        self._sounds = [_skeleton(fold(n)) for n in self.names]
        self._spelled_set = frozenset(self._spelled)
        self._index = {n: k for k, n in enumerate(self.names)}

    def snap(self, text: str) -> str:
        """`text` with the one name it garbles written as the directory spells it, else as is."""
        words = text.split()
        if self.spelled_in(text):
            return text  # a name is already there, spelled right
        ranked = self.runs(text)
        if not ranked:
            return text
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if best.score < self.floor or best.score - runner_up < self.margin:
            return text
        return write_in(words, best)

    def spelled_in(self, text: str) -> bool:
        """Whether a run of `text` already spells a directory name."""
        folded = [fold(w) for w in text.split()]
        return any(
            "".join(folded[i:j]).replace(" ", "") in self._spelled_set for i, j in _runs(folded)
        )

    def runs(self, text: str, *, also: Sequence[str] = ()) -> list[NameRun]:
        """Each directory name that sounds like a run of `text`, with its best run, best first
        (ties keep the directory's order). Names in `also` are scored even when the cheap
        spelling search would not have picked them."""
        folded = [fold(w) for w in text.split()]
        extra = [self._index[n] for n in dict.fromkeys(also) if n in self._index]
        best: dict[int, tuple[float, int, int]] = {}  # name → (score, run start, run end)
        for i, j in _runs(folded):
            spelled = "".join(folded[i:j]).replace(" ", "")
            scores = self._scores(spelled, _skeleton(" ".join(folded[i:j])), extra)
            for k, score in scores.items():
                if score > best.get(k, (0.0, 0, 0))[0]:
                    best[k] = (score, i, j)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [NameRun(self.names[k], score, i, j) for k, (score, i, j) in ranked]

    def _scores(self, spelled: str, sound: str, extra: Sequence[int] = ()) -> dict[int, float]:
        # Spelling picks the candidates (cheap, in C); sound then refines each.
        spelled_hits = process.extract(
            spelled,
            self._spelled,
            scorer=fuzz.ratio,
            limit=8,
            score_cutoff=50,
        )
        hits = [(spelling, k) for _, spelling, k in spelled_hits]
        hits += [(fuzz.ratio(spelled, self._spelled[k]), k) for k in extra]
        out: dict[int, float] = {}
        for spelling, k in hits:
            name_sound = self._sounds[k]
            heard = fuzz.ratio(sound, name_sound) if sound and name_sound else spelling
            out[k] = (spelling + heard) / 2
        return out


def _may_edge(word: str) -> bool:
    # A run starts and ends on a word that could be part of a name: not "to", "the", "please".
    return bool(word) and not all(part in _EVERYDAY for part in word.split())


def _skeleton(text: str) -> str:
    return "".join(metaphone_key(w) for w in text.split())


def _trailing_punctuation(word: str) -> str:
    stripped = word.rstrip(",.!?;:")
    return word[len(stripped) :]
