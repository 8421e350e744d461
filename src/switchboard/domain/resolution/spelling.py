"""A name spelled out letter by letter ("V, E, S, E, L, O, V"), read from a transcript and found
in the directory. Pure.

A receptionist who does not catch an unusual name asks the caller to spell it. Speech recognisers
write spelled letters in many shapes: "V-E-S-E-L-O-V", "v e s e l o v", "ST-O-I-T-A", "Okay, oh
m a r" (K, O, M, A, R), "E3" for "E, G". `spelled_letters` reads the longest run of three or more
letters from a turn; letter names ("bee", "are", "you", "double u") count only inside a run that
is mostly written as letters, with at least three of them, so "Oh, I see", "are you there" or
"the I.T. desk" is no spelling.

Over a phone line (300–3400 Hz) letters that differ only in their first consonant sound alike
and a recogniser confuses them: the E-set (B C D E G P T V Z, and "3"), S/F/X, M/N, O/L, U/Q/W,
A/J/K, I/Y. `SpellingIndex.find` compares what was heard with each person's surname, first name,
and whole name (folded to ASCII: Ülker → ULKER) by an edit distance where a substitution inside
one of those groups costs `_NEAR` and any other edit about a letter. It answers the people whose
spelling is clearly closest: within `_MAX_COST_PER_LETTER` for each letter past the first two (so three letters must
be exact), and ahead of the
next different spelling by `_MARGIN`; people who share the spelling are answered together (an
ambiguous set for the agent to ask about). Large directories are narrowed first by a plain edit
distance over the letter groups (rapidfuzz, in C), so a lookup over 100,000 people stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from switchboard.domain.resolution.normalize import fold

MIN_LETTERS = 3
_NEAR = 0.35  # substituting a letter that sounds alike over the phone
_INDEL = 0.75  # a letter dropped or added (recognisers drop spelled letters more than they swap)
_MAX_COST_PER_LETTER = 0.3  # accepted cost, per letter of the spelling it is compared with
_MARGIN = 0.6  # the best spelling must lead the next different one by this much
_SHORTLIST = 40  # spellings compared exactly after the coarse pass

_GROUPS = ("bcdegptvz3", "sfx", "mn", "ol", "uqw", "ajk", "iy")
_GROUP_OF = {ch: str(i) for i, group in enumerate(_GROUPS) for ch in group}

# Letter names as recognisers write them when a caller says the letter. Words that are also
# everyday English ("you", "are", "see", "oh") count only inside a run written mostly as letters.
_LETTER_NAMES = {
    "ay": "a", "eh": "a", "bee": "b", "be": "b", "see": "c", "sea": "c", "cee": "c",
    "dee": "d", "ee": "e", "ef": "f", "eff": "f", "gee": "g", "aitch": "h", "eye": "i",
    "jay": "j", "kay": "k", "okay": "k", "el": "l", "elle": "l", "em": "m", "en": "n",
    "oh": "o", "owe": "o", "pee": "p", "pea": "p", "cue": "q", "queue": "q", "are": "r",
    "ar": "r", "ess": "s", "es": "s", "tee": "t", "tea": "t", "you": "u", "yu": "u",
    "vee": "v", "ex": "x", "why": "y", "zed": "z", "zee": "z",
    # Misreadings over the phone: a spelled "P." or "D." written as "The", "V." as "We".
    "the": "3", "we": "v", "hey": "a",
}  # fmt: skip
_DOUBLE_U = re.compile(r"\bdouble[\s-]+(?:u|you)\b", re.I)
_PIECES = re.compile(r"[A-Za-z]+|\d")
_SEPARATORS = re.compile(r"[\s,.;:!?\-–—/]+")


_ASKS_TO_SPELL = re.compile(r"\bspell(?:ing|ed)?\b[^.!?]*(?:\?|letter by letter)", re.I)


def asks_for_spelling(text: str) -> bool:
    """Does the agent's line ask the caller to spell something ("Could you spell their last
    name for me?", "How do you spell that?")."""
    return bool(_ASKS_TO_SPELL.search(text))


# Every spelling holds two letters written next to each other, or letters run together in
# capitals: a turn without either is no spelling (most turns, told apart in a microsecond).
_MAYBE_SPELLED = re.compile(
    r"(?<![\w'’])[A-Za-z3][\s,.;:!?\-–—/]+[A-Za-z3](?![\w'’])|(?<![\w'’])[A-Z]{2,3}(?![\w'’])"
)


def spelled_letters(text: str) -> str | None:
    """The letters a turn spells out (lower case, "3" kept for an E-set letter), or None.

    A run counts when it has at least three letters, most of them written as letters (not as
    letter names), two of them on their own ("GET ME RAJ" in capitals is shouting, not
    G-E-T-M-E-R-A-J)."""
    if not _MAYBE_SPELLED.search(text):
        return None
    best: tuple[list[str], int, int] = ([], 0, 0)
    run: tuple[list[str], int, int] = ([], 0, 0)
    for piece in [*_symbols(text), None]:
        if piece is None:
            if len(run[0]) > len(best[0]) and _counts(*run):
                best = run
            run = ([], 0, 0)
            continue
        letters, written, alone = piece
        run = (run[0] + letters, run[1] + written, run[2] + alone)
    return "".join(best[0]) if best[0] else None


def _counts(letters: list[str], written: int, alone: int) -> bool:
    return (
        len(letters) >= MIN_LETTERS
        and written >= MIN_LETTERS
        and 2 * written >= len(letters)
        and alone >= 2
    )


def _symbols(text: str) -> Iterable[tuple[list[str], int, int] | None]:
    """Each word of `text` as (its letters, how many are written as letters, how many of those
    stand alone), or None for a word that is no spelling: a run breaks there."""
    for word in _SEPARATORS.split(_DOUBLE_U.sub(" W ", text)):
        if not word:
            continue
        if word.isdigit() and word != "3":
            yield None
            continue
        pieces = _PIECES.findall(word)
        if not pieces or "".join(pieces) != word:  # "I'm", "O'Brien": words, not letters
            yield None
            continue
        letters: list[str] = []
        written = alone = 0
        for piece in pieces:
            if piece == "3" or len(piece) == 1:
                letters.append(piece.lower())
                written += 1
                alone += 1
            elif piece.isupper() and len(piece) <= 3:  # "ST-O-I-T-A", "GRC": letters run together
                letters.extend(piece.lower())
                written += len(piece)
            elif piece.lower() in _LETTER_NAMES:
                letters.append(_LETTER_NAMES[piece.lower()])
            else:
                letters = []
                break
        yield (letters, written, alone) if letters else None


def mostly_spelled(text: str, letters: str) -> bool:
    """Whether the letters are most of the turn ("G-R-I-N-T-I-T", "it's Patel, P A T E L"),
    not a few letters inside a sentence about something else."""
    words = [w for w in _SEPARATORS.split(text) if w]
    return len(letters) >= 0.6 * len(words)


def spelling_cost(heard: str, key: str) -> float:
    """Edit cost of reading `key` as `heard` over the phone (see the module docstring)."""
    previous = [j * _INDEL for j in range(len(key) + 1)]
    for i, h in enumerate(heard, 1):
        current = [i * _INDEL]
        near = _GROUP_OF.get(h)
        for j, k in enumerate(key, 1):
            if h == k:
                swap = 0.0
            elif near is not None and _GROUP_OF.get(k) == near:
                swap = _NEAR
            else:
                swap = 1.0
            current.append(
                min(previous[j - 1] + swap, previous[j] + _INDEL, current[j - 1] + _INDEL)
            )
        previous = current
    return previous[-1]


def _coarse(letters: str) -> str:
    return "".join(_GROUP_OF.get(ch, ch) for ch in letters)


def spelling_keys(name: str) -> set[str]:
    """How a caller may spell `name`: the surname, the first name, the part after the first name
    ("de la Cruz"), and the whole name, each folded to ASCII letters."""
    # Whole words as written: "O'Brien-Smith" is spelled O-B-R-I-E-N-S-M-I-T-H.
    words = [w for w in (fold(part).replace(" ", "") for part in name.split()) if w.isalpha()]
    if not words:
        return set()
    keys = {words[-1], words[0], "".join(words)}
    if len(words) > 2:
        keys.add("".join(words[1:]))
    return {k for k in keys if len(k) >= 2}


@dataclass(frozen=True, slots=True)
class SpelledMatch:
    """The people whose name is spelled as heard (several when they share it), and the key."""

    people: tuple[int, ...]
    spelling: str
    cost: float


class SpellingIndex:
    """Every spelling key of the indexed people, built once per directory snapshot."""

    __slots__ = ("_coarse_keys", "_holders", "_keys")

    def __init__(self, names: Sequence[str]) -> None:
        holders: dict[str, list[int]] = {}
        for number, name in enumerate(names):
            for key in spelling_keys(name):
                holders.setdefault(key, []).append(number)
        self._keys = list(holders)
        self._holders = {k: tuple(v) for k, v in holders.items()}
        self._coarse_keys = [_coarse(k) for k in self._keys]

    def closest(self, letters: str, limit: int = _SHORTLIST) -> list[tuple[float, str]]:
        """The spellings nearest `letters`, as (cost, spelling), nearest first."""
        if not letters or not self._keys:
            return []
        shortlist = process.extract(
            _coarse(letters), self._coarse_keys, scorer=Levenshtein.distance, limit=_SHORTLIST
        )
        scored = sorted(
            (spelling_cost(letters, self._keys[i]), self._keys[i]) for _, _, i in shortlist
        )
        return scored[:limit]

    def find(self, letters: str) -> SpelledMatch | None:
        """The people clearly spelled by `letters`, or None (nobody close, or two spellings
        equally close: "Smith" heard where Smyth and Smitz both work here)."""
        if len(letters) < MIN_LETTERS:
            return None
        scored = self.closest(letters)
        if not scored:
            return None
        cost, key = scored[0]
        if cost > _MAX_COST_PER_LETTER * (max(len(key), len(letters)) - 2):
            return None
        people = set(self._holders[key])
        for other_cost, other in scored[1:]:
            if other_cost - cost >= _MARGIN:
                break
            if not set(self._holders[other]) <= people:
                return None  # another spelling, someone else's, is about as close
        return SpelledMatch(tuple(sorted(people)), key, cost)
