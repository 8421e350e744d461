"""Closed-set rescoring of a spelled name: Whisper itself chooses among the directory's spellings.

Over a phone line tiny.en confuses letters that differ in their first sound ("B-A-L-L-B" for
B-E-L-O-V, "D-R-T-I-L-T-I-T" for G-R-Z-I-N-C-I-C). The spellings nearest what was written
(`SpellingIndex.closest`, by the phone-line letter distance) are each written out the way Whisper
writes a spelling ("B-E-L-O-V.") and scored by its decoder against the same audio (the encoding
of the decode, reused, as `name_rescoring` does for spoken names). The best is written in when it
leads the next by `margin` nats and is not much less likely than what was decoded (`max_drop`).

Measured on the generated 312-person directory (piper spelling each surname, benchmarks/voice.py):
scoring every surname put the right one first for 34 of 39 callers, where the letters as
written found 26; scoring only the nearest few keeps it to one decoder batch.

Pure apart from the scorer it is given (the model, or a fake in tests).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from switchboard.adapters.voice.name_rescoring import Scorer
from switchboard.domain.resolution.spelling import SpellingIndex, spelled_letters

# Steers Whisper to write a spelled name as letters ("K-O-W-A-L-S-K-I") rather than as English
# words; the directory's names would steer it the other way ("S. I. L. I. N." → "Sigrid Lien").
SPELLING_PROMPT = "Spelled out: S-M-I-T-H. K-O-W-A-L-S-K-I."


def written(spelling: str) -> str:
    """A spelling as Whisper writes one: "veselov" → "V-E-S-E-L-O-V."."""
    return "-".join(spelling.upper()) + "."


@dataclass(frozen=True, slots=True)
class SpellingRescoreOptions:
    candidates: int = 8  # spellings scored per turn (one decoder batch)
    max_cost_per_letter: float = 0.6  # how far (letter distance per letter) a candidate may be
    margin: float = 2.0  # nats the best spelling must lead the next by
    max_drop: float = 12.0  # nats it may trail what was decoded


class SpellingRescorer:
    """Built once per directory from its names (hints); `rescore` runs on the STT worker."""

    def __init__(self, names: Sequence[str], options: SpellingRescoreOptions | None = None):
        self.options = options or SpellingRescoreOptions()
        self._index = SpellingIndex(names)

    def candidates(self, letters: str) -> list[str]:
        """The directory spellings near enough `letters` to be worth scoring, nearest first."""
        opts = self.options
        return [
            key
            for cost, key in self._index.closest(letters, limit=opts.candidates)
            if cost <= opts.max_cost_per_letter * max(len(key), len(letters))
        ]

    def rescore(self, text: str, score: Scorer, *, deadline: float | None = None) -> str:
        """`text`, or the directory spelling Whisper finds clearly most likely, written out."""
        letters = spelled_letters(text)
        if letters is None or (deadline is not None and time.monotonic() > deadline):
            return text
        keys = self.candidates(letters)
        if not keys:
            return text
        hypotheses = [written(k) for k in keys]
        heard, *scores = score(SPELLING_PROMPT, [text, *hypotheses])
        ranked = sorted(range(len(keys)), key=lambda i: -scores[i])
        best = scores[ranked[0]]
        runner_up = scores[ranked[1]] if len(ranked) > 1 else float("-inf")
        if best - runner_up < self.options.margin or heard - best > self.options.max_drop:
            return text
        return hypotheses[ranked[0]]
