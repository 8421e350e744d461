"""Sound keys: when two spellings are *the same name* to a listener, and when they merely sound alike.

Two strengths, on purpose. `sound_key` is conservative and vowel-preserving: Reid/Reed, John/Jon,
Smith/Smyth, Sarah/Sara collapse, but Chen/Chan and Bell/Bello stay apart, so an exact spelling
can still beat a similar one. `loose_key` (a consonant skeleton) ignores vowels and is only a
recall signal for recogniser respellings ("pre a rahman"), never a reason to call names identical.
"""

from __future__ import annotations

import re
from functools import cache

import jellyfish

from switchboard.domain.resolution.nicknames import HOMOPHONES, SPOKEN

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"ph", "f"),
        (r"ck", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c(?!h)", "k"),
        (r"q", "k"),
        (r"y", "i"),
        (r"gh$", ""),  # Leigh/Lee
        (r"(?<=[aeiou])h(?![aeiou])", ""),  # Sarah/Sara, John/Jon
        (r"(?<=[bdfgjklmnrvwz])h", ""),  # Rhonda/Ronda
        (r"ee|ei", "i"),  # Reed/Reid, Neil/Neal stays apart from Nell
        (r"ie$", "i"),  # Marie/Mari, Jodie/Jody
        (r"(.)\1+", r"\1"),  # Allan/Alan, Phillip/Philip
    )
)

_CANONICAL: dict[str, str] = {name: min(group) for group in HOMOPHONES for name in group} | {
    spoken: name for name, spokens in SPOKEN.items() for spoken in spokens
}


@cache
def sound_key(token: str) -> str:
    """Key shared by spellings that sound identical; distinct for merely similar names."""
    token = _CANONICAL.get(token, token)
    for pattern, repl in _RULES:
        token = pattern.sub(repl, token)
    return token


_VOWELISH = re.compile(r"[aeiouyhw]")
_DOUBLES = re.compile(r"(.)\1+")


@cache
def loose_key(token: str) -> str:
    """A coarse key for recall on recogniser output ("prea" ~ "priya"); empty if too short.

    The first letter plus the consonant skeleton of the sound key: recognisers mangle vowels and
    syllable breaks far more than consonants.
    """
    key = sound_key(token)
    key = key[:1] + _DOUBLES.sub(r"\1", _VOWELISH.sub("", key[1:]))
    return key if len(key) >= 2 and key.isalpha() else ""


def metaphone_key(token: str) -> str:
    """jellyfish metaphone: a second, differently-biased recall key."""
    return str(jellyfish.metaphone(token)) if token.isalpha() else ""


def deletions(token: str) -> set[str]:
    """The token and every string one deletion away: the typo-blocking key set."""
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def sounds_identical(a: str, b: str) -> bool:
    """True when two folded names are the same to a listener (see module docstring)."""
    return sound_key(a) == sound_key(b)
