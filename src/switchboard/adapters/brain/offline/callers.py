"""What a caller says about themselves: their own name (kept out of the search for whom they
want) and why they call. Pure; caller text is cut into slots, never obeyed."""

from __future__ import annotations

import re

from switchboard.adapters.brain.offline import intents as legacy
from switchboard.adapters.brain.offline.acts import CORRECTION, DENY
from switchboard.adapters.brain.offline.state import Asking

_F = re.IGNORECASE

# --- the caller's own name -------------------------------------------------------------------

_INTRO = re.compile(
    r"\b(?:this is|my name is|my name'?s|name'?s|name is|i am|i'?m|im|you can call me|call me|"
    r"it'?s|it is)\s+",
    _F,
)
_INTRO_START = re.compile(
    r"^\s*(?:this is|my name is|my name'?s|name'?s|name is|i am|i'?m|you can call me|call me|"
    r"it'?s|it is)\s+",
    _F,
)
_HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|mister|missus|dr|doctor|prof|professor|sir|madam)\.?\s+", _F
)
_NAME_STOP = re.compile(
    r"\s(?:from|with|at|of|calling|here|speaking|and|i|i'?m|im|i'?d|i'?ll|i'?ve|we|about|regarding|"
    r"for|on|in|to|who|please|again|returning|again|the|a|an|my|is|was|that|this|"
    r"can|could|would|need|want)\b|[.,;:!?—–]|\s-\s",
    _F,
)
NOT_A_NAME = frozenset(
    (
        "hold", "hang", "wait", "sec", "second", "moment", "minute", "repeat", "pardon",
        "me", "myself", "him", "them", "us", "you", "nobody", "none", "no-one",
        "calling", "looking", "trying", "here", "fine", "good", "not", "just", "about", "regarding",
        "on", "in", "from", "a", "an", "the", "so", "very", "really", "sorry", "hoping", "wondering",
        "interested", "urgent", "with", "for", "to", "at", "after", "afraid", "returning", "back",
        "still", "your", "my", "our", "his", "her", "their", "its", "it", "this", "that", "there",
        "what", "who", "how", "why", "when", "where", "yes", "no", "yeah", "yep", "ok", "okay",
        "sure", "well", "um", "uh", "hi", "hello", "hey", "thanks", "thank", "please", "going",
        "gonna", "getting", "having", "ringing", "phoning", "wanting", "glad", "happy", "new", "one",
        "only", "also", "again", "area", "number", "call", "reaching", "following", "called", "late",
        "early", "busy", "available", "ready", "done", "lost", "stuck", "actually", "basically",
        "probably", "definitely", "totally", "pretty", "quite", "kind", "sort", "somebody", "someone",
        "anybody", "anyone", "nobody", "everyone", "everybody", "all", "both", "each", "other",
        "another", "more", "less", "same", "wrong", "right", "correct", "journalist", "reporter",
        "customer", "client", "supplier", "vendor", "student", "driver", "manager", "owner", "friend",
        "colleague", "contractor", "i", "put", "connect", "transfer", "get", "give", "let", "can",
        "could", "would", "need", "want", "try", "tell", "ask", "send", "take", "leave", "speak",
        "talk",
    )
)  # fmt: skip
_TARGET_AFTER = re.compile(
    r"^\s*(?:that\s+)?(?:i'?m after|i need|i want|i meant|i'?m looking for|you want|i'?m calling for)\b",
    _F,
)
FROM_INTRO = re.compile(
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|good (?:morning|afternoon|evening))\W+)*"
    r"(?!(?:i'?m|im|i am|this is|my|it'?s|it is|we|we'?re)\b)"
    r"([\w'-]+ [\w'-]+)\s+(?:from|with|at)\s+[\w'&.-]+(?:\s+[\w'&-]+){0,2}\s*[,.;—–-]",
    _F,
)
_HERE = re.compile(
    r"(?:^|[.,;!?]\s*|\b(?:yes|yeah|hi|hello|sorry|sure)\W+)([\w'.-]+(?: [\w'.-]+){0,2}) (?:here|speaking)\b",
    _F,
)
ODD = re.compile(r"[()\[\]{};=<>*/\\|`$%#@+_\"]|--")
_NAMEISH = re.compile(r"[^\W\d_][\w'.-]*", _F)


def name_words(raw: str, *, strict: bool) -> str | None:
    """A name from the start of `raw` (up to where a name stops), or None."""
    raw = _HONORIFIC.sub("", raw.strip(" '\"—–-"))
    cut = _NAME_STOP.search(" " + raw)
    head = (" " + raw)[: cut.start()] if cut else " " + raw
    words = head.split()[:4]
    if not words:
        return None
    if words[0].lower().strip(".'") in NOT_A_NAME:
        return None
    if not all(_NAMEISH.fullmatch(w) for w in words):
        return None
    if strict and any(w.lower() in NOT_A_NAME for w in words):
        return None
    return " ".join(words).strip(".")


def caller_name(text: str, asking: Asking) -> tuple[str | None, tuple[int, int] | None]:
    """The caller's own name and where it is in `text` (to keep it out of the entity scan)."""
    best: tuple[str, tuple[int, int]] | None = None
    for m in _INTRO.finditer(text):
        weak = m.group(0).lower().startswith(("it", "i"))  # "it's", "I'm": often not a name
        rest = text[m.end() :]
        if (
            weak
            and asking not in (Asking.NAME, Asking.TARGET)
            and not re.match(
                r"^\s*[\w'-]+(?:\s+[\w'-]+)?\s*(?:from\b|,|calling\b|here\b)", rest, _F
            )
        ):
            continue
        name = name_words(rest, strict=weak)
        if not name:
            continue
        after = rest[len(rest) - len(rest.lstrip()) :]
        tail = (
            after[after.lower().find(name.lower().split()[-1]) + len(name.split()[-1]) :]
            if name
            else ""
        )
        if weak and _TARGET_AFTER.match(tail):
            continue  # "it's Jon Fischer I'm after": whom they want, not who they are
        span = (m.start(), m.end() + len(rest) - len(tail))
        if best is None or len(name.split()) > len(best[0].split()):
            best = (name, span)
    intro = FROM_INTRO.match(text)
    if intro and best is None and asking is Asking.TARGET:
        # "Hi, Nora Quinn from Quinn Catering, …": the caller, unless their name is the target
        # ("Olivia from marketing"), which the listener checks against the directory.
        name = name_words(intro.group(1), strict=True)
        if name:
            best = (name, intro.span(1))
    here = _HERE.search(text)
    if here and (best is None):
        name = name_words(here.group(1), strict=True)
        if name:
            best = (name, here.span(1))
    cue = CORRECTION.search(text) or DENY.search(text)
    if asking is Asking.NAME and best is None and ODD.search(text):
        return None, None  # not a plain name: kept verbatim by the caller of this function
    if asking is Asking.NAME and not cue:
        bare = legacy.strip_filler(text)
        pieces = [_INTRO_START.sub("", p) for p in re.split(r"[.,;:!?—–]+", bare) if p.strip()]
        names = [n for n in (name_words(p, strict=True) for p in pieces[:3]) if n]
        if names:
            name = max(names, key=lambda n: len(n.split()))
            if best is None or (
                len(name.split()) > len(best[0].split()) and best[0].lower() in name.lower()
            ):
                start = text.lower().find(name.lower())
                best = (name, (max(start, 0), max(start, 0) + len(name)))
    if best is None:
        return None, None
    return best


def mask(text: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return text
    start, end = span
    # "Sam from Acme": the company they call from is not ours either.
    tail = text[end:]
    origin = re.match(
        r"\s*(?:from|with|at)\s+(?:the\s+)?(?:(?!i\b|i'|we\b|and\b|calling\b|about\b|"
        r"regarding\b|need\b|want\b|would\b|could\b|can\b)[\w'&-]+\s*){1,3}",
        tail,
        _F,
    )
    if origin:
        end += origin.end()
    return text[:start] + " , " + text[end:]


# --- reason --------------------------------------------------------------------------------------

_REASON = re.compile(
    r"\b(?:about|regarding|concerning|re:|in regards? to|with regards? to|(?:it'?s|is|it is) for)"
    r"\s+(.+)",
    _F | re.S,
)
_REASON_END = re.compile(
    r"[.?!;]|,\s*(?:can|could|would|is|please|so)\b|\s(?:can|could) (?:you|i)\b|\sput me\b|"
    r"\sis (?:he|she|they|\w+) (?:there|available|in)\b",
    _F,
)


_CALLBACK_REASON = re.compile(
    r"\b(?:returning (?:a |her |his |their |your |the )?(?:call|message|voicemail)|"
    r"follow(?:ing)? up (?:on|about|with)|calling (?:you |her |him |them )?back|"
    r"calling (?:to|because|since) \w+)\b[^.?!;]*",
    _F,
)


def reason_of(text: str) -> str | None:
    m = _REASON.search(re.sub(r"\b(?:what|how) about\b", " ", text, flags=_F))
    if not m:
        back = _CALLBACK_REASON.search(text)
        return back.group(0).strip(" ,") if back else None
    rest = m.group(1)
    cut = _REASON_END.search(rest)
    out = (rest[: cut.start()] if cut else rest).strip(" ,")
    return out or None
