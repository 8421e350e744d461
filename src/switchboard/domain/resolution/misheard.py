"""A sure, unique name part with a misheard partner: "Juan Gallagher" for Siobhan Gallagher.

Recognisers keep surnames far better than short first names ("White Chan" for Wei Chan, "Roger
Patel" for Raj Patel), and sometimes the reverse ("Robert Kowls"). A two-word reading is accepted
at exactly the threshold (`MISHEARD_SCORE`, below every ordinary full-name match) when all hold:

1. one part matches *exactly or by identical sound* the name of exactly one person in its role
   (the only Gallagher; a shared surname or first name proves nothing);
2. the other part is not a name anywhere in the directory, nor a nickname of one: "priya smith"
   names two real people who never go together, and stays `none`;
3. the other part is still similar to that person's other name (or to its recogniser respelling
   from `SPOKEN`): an Indel ratio above 60 in spelling or in metaphone. "White"/"Wei" (67),
   "Roger"/"Raj" (metaphone RJR/RJ, 80), "Lindest"/"Lindqvist" (83) pass; "Peter"/"Raj" (40),
   "Mary"/"Wei" (0), "Susan"/"Siobhan" (50), "Ryan"/"Raj" (57) and "Jordan"/"Christensen" (55)
   do not, so a different first name with a real surname stays `none` (docs/call-behaviour.md,
   "Name resolution"). "Juan"/"Siobhan" (40) is below the line too: it shares only the "-an" rhyme,
   which Dan, Brian and Susan share as well.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from switchboard.domain.resolution.index import EXACT, FIRST, LAST, NameIndex
from switchboard.domain.resolution.nicknames import SPOKEN
from switchboard.domain.resolution.normalize import FILLER, SENTENCE_WORDS
from switchboard.domain.resolution.phonetic import metaphone_key

MISHEARD_SCORE = 86.0  # = the resolver's THRESHOLD: usable, but never beats a real match
SIMILARITY_FLOOR = 60.0  # strictly above; see point 3 of the module docstring


def similarity(spoken: str, name: str) -> float:
    """The better of spelling and metaphone Indel ratios (0..100) between two folded names."""
    best = fuzz.ratio(spoken, name)
    heard, real = metaphone_key(spoken), metaphone_key(name)
    if heard and real:
        best = max(best, fuzz.ratio(heard, real))
    return float(best)


def misheard(index: NameIndex, first: str, last: str) -> dict[int, float]:
    """The one person `first last` names with one part misheard (see module docstring), or {}."""
    out: dict[int, float] = {}
    for sure, other, role in ((last, first, LAST), (first, last, FIRST)):
        person = _unique_holder(index, sure, role)
        if person is None or not _plausible_word(index, other):
            continue
        names = index.tokens_of[1 - role][person]
        spoken = [s for n in names for s in SPOKEN.get(n, ())]
        if max((similarity(other, n) for n in (*names, *spoken)), default=0.0) > SIMILARITY_FLOOR:
            out[person] = MISHEARD_SCORE
    return out


def _unique_holder(index: NameIndex, part: str, role: int) -> int | None:
    people = {
        p
        for token, score in index.strong(part).items()
        if score >= EXACT
        for p in index.holders(token, role)
    }
    return people.pop() if len(people) == 1 else None


def _plausible_word(index: NameIndex, word: str) -> bool:
    # Filler and everyday words are not misheard names; a real name is a different person.
    if len(word) < 2 or not word.isalpha() or word in FILLER or word in SENTENCE_WORDS:
        return False
    return not index.strong(word)
