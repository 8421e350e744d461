"""Turn what a caller said (or what speech-to-text heard) into comparable name tokens.

Folding: accents are stripped (José → jose, Zoë → zoe), case is dropped, apostrophes vanish
(O'Brien → obrien) and hyphens split (Mary-Kate → mary kate). Filler and honorifics are trimmed
only from the *edges* of the utterance: a word like "a" inside "pre a rahman" is part of a
recogniser's respelling and must survive.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Utterances longer than this are not a name request; refusing early keeps latency flat.
MAX_TOKENS = 8
_MAX_CHARS = 300

_APOSTROPHES = re.compile(r"['’`´]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

_FILLER_WORDS = """
    a an the i im i'm id me my you your we us can could may might would will shall please pls
    thanks thank thankyou speak speaking talk talking to with for reach get put through transfer
    transferred connect connected patch need want wanted like looking look trying try find
    is are am was be there here available around in at on of from into someone somebody anyone
    anybody person people department dept team office desk group division section unit
    extension ext line hi hello hey hiya good morning afternoon evening yes yeah yep ok okay
    so um uh er erm ah oh hmm well just actually maybe perhaps sir madam maam mr mrs ms miss
    mister missus dr doctor prof professor please call calling phone number who whom his her
    do does ask asking help him them their this that it
"""
FILLER: frozenset[str] = frozenset(_FILLER_WORDS.split())

# Everyday words of whole spoken sentences ("is Reed in today?", "trying to reach …"): next to a
# lone name part they do not suggest a second, unknown name part the way "Peter" in "Peter Patel"
# does. Words that are also common names (Read, Hope) are left out; one that is a name in the
# directory at hand is never treated as everyday (spans.py).
_SENTENCE_WORDS = """
    today todays tonight tomorrow yesterday now right still back again soon later yet
    but and or not no if whether sorry excuse ring rang reach tell told message leave left
    about regarding quick quickly urgent urgently put got let lets say said see meet
    wondering wonder hoping other over out up mine our its all any some also very really
    free busy home work working office hold hang went gone instead then guy lady
    he she they hes shes theyre think guess believe after have has had meant mean said
    wait directly direct cell mobile email emails address extension home personal
    work job question questions problem issue issues account order orders invoice bill lease
    contract meeting payment quote delivery shipment paycheck laptop computer password today's
    know thing something anything everything nothing stuff matter call called calls return
    returning back soon asap urgent important message number phone please thank thanks fine
    told tells says asked wants needs went came come coming going go got get gets give gave
    yesterday week month morning afternoon evening tonight monday tuesday wednesday thursday
    friday saturday sunday office building site team boss manager department guy lady woman
    man person someone somebody maybe though about regarding concerning because since so then
    grab catch ring buzz page reach contact chat see visit sec second minute moment word quick
    same one thing what whats whos wheres hows thats its lets when where why how which if
    earlier cut off last spoke spoken talked sent wanted asked before lunch minutes ago
    colleague colleagues coworker friend husband wife son daughter brother sister assistant
"""
SENTENCE_WORDS: frozenset[str] = frozenset(_SENTENCE_WORDS.split()) - FILLER


def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: accents stripped, apostrophes dropped, other marks → space."""
    if len(text) <= 40:  # names repeat across a directory: fold each distinct one once
        return _fold_cached(text)
    return _fold(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii():
        return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()
    decomposed = unicodedata.normalize("NFKD", text[:_MAX_CHARS])
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = (
        ascii_only.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("æ", "ae")
    )
    ascii_only = ascii_only.replace("Ø", "o").replace("Ł", "l").replace("đ", "d").replace("ı", "i")
    return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", ascii_only.lower())).strip()


def tokens(text: str) -> list[str]:
    """Folded words of `text` (see `fold`)."""
    return fold(text).split()


def joined(text: str) -> str:
    """One folded token with no separators: "O'Brien-Smith" → "obriensmith"."""
    return fold(text).replace(" ", "")


def core_variants(words: list[str], keep: frozenset[str]) -> list[tuple[tuple[str, ...], int]]:
    """The name-bearing cores of an utterance, each with a tie-break priority (higher wins).

    Edge filler is removed (priority 1). When a trimmed edge word is itself a name in the
    directory (`keep`, e.g. someone called Will) a variant restoring it is offered (priority 2),
    so "could I speak to will smith" can still mean Will Smith. A short trimmed word next to a
    short core may be a syllable the recogniser split off ("shiv on"), so that is tried too
    (priority 0: it only wins on a strictly better score).
    """
    if not words or len(words) > MAX_TOKENS * 3:
        return []
    start, end = 0, len(words)
    while start < end and words[start] in FILLER:
        start += 1
    while end > start and words[end - 1] in FILLER:
        end -= 1
    if start == end:
        # Only filler: maybe the whole thing is a name that happens to be a common word ("Will").
        named = tuple(w for w in words if w in keep)
        return [(named, 1)] if named else []
    variants = [(tuple(words[start:end]), 1)]
    if start > 0:
        before = words[start - 1]
        if before in keep or (len(before) <= 3 and end - start <= 2):
            variants.append((tuple(words[start - 1 : end]), 2 if before in keep else 0))
    if end < len(words):
        after = words[end]
        if after in keep or (len(after) <= 3 and end - start <= 2):
            variants.append((tuple(words[start : end + 1]), 2 if after in keep else 0))
    return [(v, p) for v, p in variants if len(v) <= MAX_TOKENS]
