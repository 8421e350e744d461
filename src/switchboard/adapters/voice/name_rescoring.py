"""Closed-set name rescoring: let Whisper itself choose among the directory names a turn could hold.

tiny.en writes names it does not know as nearby English, and spelling similarity alone
(`NameSnapper`) cannot tell Kornel Pieczyrak from Cornelia Pieters in "Cornell Piedsarek". The
recogniser can: each candidate name is written into the transcript in place of the words it
sounds most like, and Whisper's decoder scores every such hypothesis against the same audio (the
encoding of the decode, reused), prompted with the candidates as the decode was prompted with
the directory. A name is written in only when

- the words it replaces look like the name at all (`floor`, the `NameSnapper` similarity 0..100),
- its hypothesis beats every other candidate's by `margin` (log-probability, natural log), and
- it is not much less likely than what Whisper first wrote (`max_drop`; `sure_max_drop` when the
  words already look much like the name, `sure_similarity`): the decoded words are the decoder's
  own favourite, so a name always costs something, but "billing, please" read as "Catherine
  Mills, please" costs 15–25 nats and a garbled name mostly under 10, so a turn without a name
  stays as it was.

Pure apart from the scorer it is given (the model, or a fake in tests).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from switchboard.adapters.voice.names import NameRun, NameSnapper, widened, write_in
from switchboard.adapters.voice.prompting import HintIndex, name_prompt


class Scorer(Protocol):
    """log P(text | the turn's audio, prompt) for each text, in one batch."""

    def __call__(self, prompt: str, texts: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True, slots=True)
class RescoreOptions:
    """Tunables; the defaults were tuned on the demo directory (benchmarks/voice.py)."""

    candidates: int = 6  # hypotheses scored per turn (one decoder batch)
    floor: float = 60.0  # NameSnapper similarity of the replaced words to the name
    margin: float = 4.0  # nats the best candidate must lead the next by
    max_drop: float = 6.0  # nats the best candidate may trail the transcript as decoded...
    sure_similarity: float = 70.0  # ...or, when the replaced words are at least this similar,
    sure_max_drop: float = 20.0  # this many


class NameRescorer:
    """Built once per directory from its names (hints); `rescore` runs on the STT worker."""

    def __init__(self, names: Sequence[str], options: RescoreOptions | None = None) -> None:
        self.options = options or RescoreOptions()
        self._snapper = NameSnapper(names)
        self._closest = HintIndex(self._snapper.names)

    def candidates(self, text: str) -> list[NameRun]:
        """The directory names most like a run of `text`, each with the run it would replace."""
        limit = self.options.candidates
        nearby = self._closest.closest(text, limit=limit)[:limit] if text.strip() else []
        runs = self._snapper.runs(text, also=nearby)
        return [r for r in runs if r.score >= self.options.floor][:limit]

    def rescore(self, text: str, score: Scorer, *, deadline: float | None = None) -> str:
        """`text`, or `text` with the name Whisper finds clearly most likely written in."""
        runs = self.candidates(text)
        if not runs or (deadline is not None and time.monotonic() > deadline):
            return text
        words = text.split()
        # Each name in place of its run, and of that run grown to the name's length if it can.
        spans = [(k, s) for k, r in enumerate(runs) for s in (r, widened(words, r)) if s]
        hypotheses = [write_in(words, s) for _, s in spans]
        if len(hypotheses) == 1 and hypotheses[0].casefold() == text.casefold():
            return text  # the one name in reach is already written: nothing to weigh
        prompt = name_prompt(r.name for r in runs)
        heard, *scores = score(prompt, [text, *hypotheses])
        best_of: dict[int, int] = {}  # candidate → its best hypothesis
        for h, (k, _) in enumerate(spans):
            if k not in best_of or scores[h] > scores[best_of[k]]:
                best_of[k] = h
        ranked = sorted(best_of.values(), key=lambda h: -scores[h])
        best, h = scores[ranked[0]], ranked[0]
        runner_up = scores[ranked[1]] if len(ranked) > 1 else float("-inf")
        opts = self.options
        sure = spans[h][1].score >= opts.sure_similarity
        if best - runner_up < opts.margin or heard - best > (
            opts.sure_max_drop if sure else opts.max_drop
        ):
            return text
        return hypotheses[h]
