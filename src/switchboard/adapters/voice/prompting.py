"""Steering and guarding Whisper: the name prompt (and, for large directories, the names closest
to a first reading), the token budget, and loop clean-up. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from switchboard.domain.resolution.normalize import fold
from switchboard.domain.resolution.phonetic import metaphone_key

# Whisper keeps at most 223 prompt tokens and ~4 characters make a token in English names;
# staying well under leaves room for the answer inside the model's 448-token window.
DEFAULT_PROMPT_CHARS = 600
MAX_NEW_TOKENS = 200
_REPEATS = re.compile(r"\b((?:\S+\s+){0,2}?\S+?)(?:[\s,.!?-]+\1\b){2,}", re.IGNORECASE)
# A run of this many words or more said twice in a row is a loop, not speech.
_LONG_PHRASE_WORDS = 4
_PUNCTUATION = ",.!?;:-\"'"


def build_prompt(hints: Iterable[str], *, max_chars: int = DEFAULT_PROMPT_CHARS) -> str:
    """The directory's names as one comma-separated prompt, de-duplicated, in the given order.

    Names past `max_chars` are left out whole rather than cut mid-name; the resolver orders its
    hints so the ones most worth steering toward come first.
    """
    seen: set[str] = set()
    kept: list[str] = []
    length = 0
    for hint in hints:
        name = " ".join(str(hint).split()).strip(" ,")
        key = name.casefold()
        if not name or key in seen:
            continue
        extra = len(name) + (2 if kept else 0)
        if length + extra > max_chars:
            break
        seen.add(key)
        kept.append(name)
        length += extra
    return ", ".join(kept)


def name_prompt(hints: Iterable[str], *, max_chars: int = DEFAULT_PROMPT_CHARS) -> str:
    """The Whisper prompt: the names framed as what callers say, or "" with no names.

    Framed as a sentence it recognised slightly more names than a bare list in
    benchmarks/voice.py.
    """
    names = build_prompt(hints, max_chars=max_chars)
    return f"Callers ask for {names}." if names else ""


def fits(hints: Iterable[str], *, max_chars: int = DEFAULT_PROMPT_CHARS) -> bool:
    """Whether every distinct hint fits in one prompt of `max_chars`."""
    every = list(hints)
    return build_prompt(every, max_chars=max_chars) == build_prompt(every, max_chars=1 << 30)


class HintIndex:
    """The hints folded and reduced to sound skeletons once, for `closest` on every turn."""

    def __init__(self, hints: Sequence[str]) -> None:
        self.hints = list(hints)
        folded = [fold(h) for h in self.hints]
        self._spelled = folded
        self._sounds = [_skeleton(f) for f in folded]
        # Hints of two words or more ("Dana Whitfield", "Customer Support"), folded.
        self._whole = frozenset(f for f in folded if " " in f)
        self._longest = max((f.count(" ") + 1 for f in self._whole), default=0)

    def names_whole(self, heard: str) -> bool:
        """Does `heard` carry a hint of two words or more word for word ("…speak to Dana
        Whitfield, please?")? Then a second reading with the closest names has nothing to
        correct: the name Whisper wrote is already the directory's."""
        words = fold(heard).split()
        for n in range(2, min(self._longest, len(words)) + 1):
            for i in range(len(words) - n + 1):
                if " ".join(words[i : i + n]) in self._whole:
                    return True
        return False

    def closest(self, heard: str, *, limit: int = 12) -> list[str]:
        """The `limit` hints that sound most like something in `heard`, best first (ties keep
        the given order), then every other hint in the given order.

        For directories too large for one prompt: a first reading of the turn picks the names
        worth prompting with, and the turn is read again with those. Each hint scores the better
        of its spelling and its sound skeleton (metaphone, word by word) found anywhere in the
        transcript (rapidfuzz partial ratio, computed in C over the whole list).
        """
        text = fold(heard)
        if not text or not self.hints:
            return list(self.hints)
        scores: dict[int, float] = {}
        said = _skeleton(text)
        for query, choices in ((text, self._spelled), (said, self._sounds)):
            if not query:
                continue
            found = process.extract(
                query, choices, scorer=fuzz.partial_ratio, limit=limit * 4, score_cutoff=1
            )
            for _, score, i in found:
                if choices[i]:
                    scores[i] = max(scores.get(i, 0.0), score)
        ranked = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
        best = [self.hints[i] for i in ranked]
        chosen = {h.casefold() for h in best}
        return best + [h for h in self.hints if h.casefold() not in chosen]


def closest_hints(heard: str, hints: Sequence[str], *, limit: int = 12) -> list[str]:
    """`HintIndex(hints).closest(heard)`, for one-off use."""
    return HintIndex(hints).closest(heard, limit=limit)


def _skeleton(text: str) -> str:
    return " ".join(k for k in (metaphone_key(w) for w in text.split()) if k)


def token_budget(audio_seconds: float, *, cap: int = MAX_NEW_TOKENS) -> int:
    """How many tokens an utterance of this length may produce.

    Fast speech is about 4 tokens a second; twice that plus a margin never truncates real speech
    but stops a loop ("Priya Priya Priya ...") long before the model's own limit.
    """
    return max(16, min(cap, int(16 + 8 * max(0.0, audio_seconds))))


def collapse_repeats(text: str) -> str:
    """Squash Whisper's loops: a word or short phrase said three or more times in a row, or a
    phrase of four or more words said twice in a row, is kept once.

    Whisper sometimes loops on a word, or repeats the whole sentence into the silence after it;
    a caller almost never says the same thing thrice, or a whole sentence twice without a pause.
    """
    previous = None
    while previous != text:
        previous, text = text, _REPEATS.sub(r"\1", text)
    return _drop_repeated_phrases(text.split())


def _drop_repeated_phrases(words: list[str]) -> str:
    keys = [w.strip(_PUNCTUATION).casefold() for w in words]
    kept: list[str] = []
    i = 0
    while i < len(words):
        longest = (len(words) - i) // 2
        for size in range(longest, _LONG_PHRASE_WORDS - 1, -1):
            if keys[i : i + size] == keys[i + size : i + 2 * size]:
                del words[i + size : i + 2 * size]  # drop the copy, look again from here
                del keys[i + size : i + 2 * size]
                break
        else:
            kept.append(words[i])
            i += 1
    return " ".join(kept)
