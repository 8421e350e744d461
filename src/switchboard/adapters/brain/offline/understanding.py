"""One caller turn understood: its dialogue act and every slot it fills, in any order. Pure.

Understanding starts from the directory, not from sentence patterns: the turn (without the caller's
own name and without the people it says are *not* wanted) is scanned for every entity the company
has — names, nicknames, surnames with honorifics, departments, aliases, job titles and topic words
— anywhere in it, through `Resolver.scan`. The act comes from cue patterns (`acts`) and from what
the agent had just asked. Caller text is data: it is classified and cut into slots, never obeyed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from switchboard.adapters.brain.offline import intents as legacy
from switchboard.adapters.brain.offline.acts import (
    ABUSE,
    AFFIRM,
    CORRECTION,
    DENY,
    EMAIL_FORMAT,
    GOODBYE,
    MESSAGE_REQUEST,
    NEGATED,
    NO_MESSAGE,
    PAUSE,
    REPEAT,
    REQUEST,
    SOMEONE_ELSE,
    THEIR_BOSS,
    URGENT,
    Act,
    asks_contact_of_named,
    asks_private,
    info_acts,
    is_emergency_turn,
)
from switchboard.adapters.brain.offline.callers import (
    FROM_INTRO,
    NOT_A_NAME,
    ODD,
    caller_name,
    mask,
    name_words,
    reason_of,
)
from switchboard.adapters.brain.offline.intents import Intent
from switchboard.adapters.brain.offline.state import Asking
from switchboard.domain.resolution import Resolution, ResolutionStatus, Resolver
from switchboard.domain.resolution.normalize import FILLER, SENTENCE_WORDS, fold
from switchboard.domain.resolution.spelling import spelled_letters

_F = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Entity:
    """Whom a turn names. `status`: match | ambiguous | department | query (no directory)."""

    status: str
    ids: tuple[str, ...]
    names: tuple[str, ...]
    via: str  # name | title | department | topic | ambiguous
    query: str  # what to pass to find_employee so it answers the same
    departments: tuple[str | None, ...] = ()  # each candidate's department name
    described: bool = False  # a department found from what the call is about, not its name


@dataclass(slots=True)
class Heard:
    act: Act
    entity: Entity | None = None
    caller_name: str | None = None
    reason: str | None = None
    number: str | None = None
    message: str | None = None
    urgent: bool = False
    info: tuple[Act, ...] = ()
    abusive: bool = False
    other: str | None = None  # "colleague" or "boss": someone else than the current target
    # Asked for someone by name ("I'd like to speak to so annoy me"), but no name in it is
    # anybody's and the words were not taken for one: the recogniser wrote the name as words.
    unheard_name: bool = False
    asks_for_someone: bool = False  # "I'd like to speak to …", "put me through to …"


# --- the whole turn --------------------------------------------------------------------------------


class Listener:
    """Understands caller turns for one call; `resolver` None means no directory to scan."""

    __slots__ = ("_number", "_resolver")

    def __init__(self, resolver: Resolver | None, read_number: Callable[[str], str | None]):
        self._resolver = resolver
        self._number = read_number

    def hear(self, text: str, asking: Asking) -> Heard:
        t = text.strip()
        urgent = bool(URGENT.search(t))
        if is_emergency_turn(t):
            return Heard(Act.EMERGENCY, urgent=True)
        abusive = bool(ABUSE.search(t))
        if abusive:  # the rest of the turn still counts ("put me through to Raj, you idiot")
            t = re.sub(r"\s+", " ", ABUSE.sub(" ", t)).strip()
            if len([w for w in fold(t).split() if w not in _PLAIN_WORDS]) < 2:
                return Heard(Act.ABUSE, abusive=True)
        heard = self._hear(t, asking, urgent)
        if abusive:
            heard.abusive = True
            unknown = heard.entity is not None and heard.entity.status == "query"
            if heard.act not in _KEPT_WHEN_ABUSIVE or unknown:
                return Heard(Act.ABUSE, abusive=True)
        return heard

    def _hear(self, t: str, asking: Asking, urgent: bool) -> Heard:
        if REPEAT.match(t):
            return Heard(Act.REPEAT)
        if PAUSE.match(t):
            return Heard(Act.PAUSE)
        words = t.split()
        if asking is Asking.MESSAGE:
            if (GOODBYE.search(t) and len(words) <= 5) or _NO_MESSAGE_AFTER_ALL.match(t):
                return Heard(Act.GOODBYE)
            return Heard(Act.GIVE_MESSAGE, message=t, urgent=urgent)
        if asking in (Asking.NUMBER, Asking.CONFIRM_NUMBER):
            number = self._number(t)
            if number is None and _SAME_LINE.search(t):
                number = self._number("the number I'm calling from is fine")
            if number:
                return Heard(Act.GIVE_NUMBER, number=number, message=legacy.message_text(t))
            if asking is Asking.CONFIRM_NUMBER:
                short_fix = len(words) <= 12 and _NUMBER_FIX.search(t)
                if (DENY.search(t) and len(words) <= 6) or short_fix:
                    return Heard(Act.DENY)  # "close, it ends in four eight": read it again
                if len(words) >= 8 and not GOODBYE.search(t):
                    # A substantive answer to a read-back confirms it; here it is the message.
                    return Heard(Act.GIVE_MESSAGE, message=t, urgent=urgent)
                if AFFIRM.search(t) or not DENY.search(t):
                    return Heard(Act.AFFIRM, message=legacy.message_text(t), urgent=urgent)
                return Heard(Act.DENY)
        if _MOSTLY_DIGITS.search(t):
            number = self._number(t)
            if number and len(re.sub(r"[\d\W]", "", t)) <= 40:
                return Heard(Act.GIVE_NUMBER, number=number, message=legacy.message_text(t))
        name, span = caller_name(t, asking)
        said = _ITS_SOMEONE.search(t)
        if (
            name
            and said
            and self._resolver is not None
            and said.group(1).lower().startswith(name.lower().split()[0])
            and self._resolver.scan(name).status is not ResolutionStatus.NONE
        ):
            # "I think it's Angela": whom they want when Angela works here (not "it's Dana
            # from Acme", "it's Dana calling").
            name, span = None, None
        intro = FROM_INTRO.match(t)
        named_target = (
            name is not None
            and intro is not None
            and span == intro.span(1)
            and self._resolver is not None
            and self._resolver.scan(name).status is not ResolutionStatus.NONE
        )
        if named_target:  # "Olivia from marketing": whom they want, not who they are
            name, span = None, None
        rest = NEGATED.sub(" , ", mask(t, span))
        entity = _drop_negated(self._entity(rest, asking), t)
        heard = Heard(Act.OTHER, entity, name, reason_of(t), None, legacy.message_text(t), urgent)
        if re.search(r"\b(?:number|calling from|reach me|call me (?:back )?(?:at|on))\b", t, _F):
            heard.number = self._number(t)
        heard.act = self._act(t, asking, heard)
        if heard.act is Act.OTHER and asking is Asking.TARGET and heard.entity is None:
            bare = _bare(rest)
            if bare and len(bare.split()) <= 4:  # a name nobody here has: looked up, not ignored
                heard.entity = Entity("query", (), (), "unknown", bare)
                heard.act = Act.TRANSFER
        heard.info = tuple(info_acts(t)) if heard.act in _INFO else ()
        e = heard.entity
        heard.asks_for_someone = bool(_ASKS_FOR_SOMEONE.search(t))
        heard.unheard_name = (
            e is None and heard.act in (Act.TRANSFER, Act.MESSAGE, Act.OTHER) and _names_unknown(t)
        )
        if heard.act in (Act.TRANSFER, Act.MESSAGE) and e is not None and e.status == "department":
            content = [w for w in fold(rest).split() if w not in _REQUEST_WORDS]
            if len(content) >= 2 or e.via == "topic" or e.described:
                heard.entity = replace(e, described=True)
                if heard.act is Act.TRANSFER:
                    heard.reason = heard.reason or _topic_reason(rest)
        if heard.act is Act.TRANSFER and not heard.reason and e is not None and e.via != "topic":
            heard.reason = self._topic_clause(rest)  # "…Grace please, it's urgent, my pay is wrong"
        if heard.act is Act.GIVE_REASON and not heard.reason:
            heard.reason = t
        if heard.act not in (
            Act.TRANSFER,
            Act.MESSAGE,
            Act.PRIVATE,
            Act.CORRECTION,
            Act.DENY_REQUEST,
        ):
            heard.entity = None
        return heard

    def _act(self, t: str, asking: Asking, h: Heard) -> Act:
        e = h.entity
        request = bool(REQUEST.search(t))
        deny = bool(DENY.search(t)) or bool(NO_MESSAGE.search(t))
        infos = info_acts(t)
        if asks_private(t):
            return Act.PRIVATE
        if infos and infos[0] is Act.INFO_ADDRESS and re.search(r"\be-?mail", t, _F):
            # "If I want to email Marcus, what's the address?": an email address, not the street.
            named = e is not None and e.status in ("match", "ambiguous")
            return Act.PRIVATE if named else Act.INFO_EMAIL_FORMAT
        if (
            e is not None
            and e.via in ("name", "spelled", "ambiguous")
            and asks_contact_of_named(t)
            and not EMAIL_FORMAT.search(t)
        ):
            return Act.PRIVATE
        if MESSAGE_REQUEST.search(t) and not NO_MESSAGE.search(t):
            return Act.MESSAGE
        person = e is not None and e.via in ("name", "spelled", "ambiguous")
        if infos and person and infos[0] is Act.INFO_HOURS:
            infos = infos[1:]  # "is Dana working today": whether she is in, not our hours
        if infos and (e is None or e.via == "topic" or not request or _ASKS_FIRST.match(t)):
            return infos[0]
        if asking is Asking.NAME and _QUESTION.match(t) and not _INTRODUCES.search(t):
            return Act.OTHER  # "why do you need my name?" is not a name
        if asking is Asking.NAME and h.caller_name and not (CORRECTION.search(t) or request):
            return Act.GIVE_NAME
        if e is not None and e.via != "topic":
            if deny:
                return (
                    Act.CORRECTION if asking in (Asking.NAME, Asking.REASON) else Act.DENY_REQUEST
                )
            if CORRECTION.search(t) and asking is not Asking.TARGET:
                return Act.CORRECTION
            if asking is Asking.NAME and not request:
                h.caller_name = h.caller_name or _bare(t)
                return Act.GIVE_NAME
            if asking is Asking.REASON and not request:
                return Act.GIVE_REASON
            if asking is Asking.WHICH or request or asking in (Asking.TARGET, Asking.ANYTHING_ELSE):
                return Act.TRANSFER
            if len(t.split()) <= 4:
                return Act.TRANSFER
        if (
            e is None
            and asking is not Asking.NAME
            and (SOMEONE_ELSE.search(t) or THEIR_BOSS.search(t))
        ):
            h.other = "boss" if THEIR_BOSS.search(t) else "colleague"
            return Act.DENY_REQUEST if deny else Act.TRANSFER
        if GOODBYE.search(t):
            return Act.GOODBYE
        if deny:
            return Act.DENY
        if e is not None and e.via == "topic" and asking in _ROUTABLE and len(t.split()) >= 4:
            return Act.TRANSFER  # "ok, who else can help with a firmware bug?"
        if AFFIRM.search(t):
            return Act.AFFIRM
        if asking is Asking.NAME:
            if "?" in t and not _INTRODUCES.search(t):
                return Act.OTHER  # "why do you need my name?" is not a name
            if h.caller_name:
                return Act.GIVE_NAME
            if h.reason:
                return Act.GIVE_REASON
            odd = legacy.strip_filler(t).strip().strip(".!?").strip()
            plain_short = (
                len(odd.split()) <= 3
                and "?" not in t
                and not all(w.lower().strip(".,!") in _NOT_NAMES for w in odd.split())
            )
            if odd and (ODD.search(t) or plain_short) and any(ch.isalpha() for ch in odd):
                h.caller_name = odd[:80]  # kept verbatim, never interpreted
                return Act.GIVE_NAME
        if asking is Asking.REASON:
            return Act.GIVE_REASON
        if e is not None and e.via == "topic" and asking in _ROUTABLE:
            return Act.TRANSFER
        if h.caller_name:
            return Act.GIVE_NAME
        if h.reason:
            return Act.GIVE_REASON
        if h.number:
            return Act.GIVE_NUMBER
        return Act.OTHER

    def _topic_clause(self, text: str) -> str | None:
        """A clause of `text` that says what the call is about (it names a topic)."""
        if self._resolver is None:
            return None
        clauses = re.split(r"[,.;!?]+|\s(?:and|but|because|cause|since)\s", text)
        for clause in clauses[:6]:
            clause = clause.strip()
            if len(clause.split()) >= 2:
                found = self._resolver.scan(clause)
                if (
                    found.status is ResolutionStatus.DEPARTMENT
                    and found.reason != "department name or alias"
                ):
                    return clause
        return None

    def _entity(self, text: str, asking: Asking) -> Entity | None:
        if not fold(text).strip():
            return None
        text = re.sub(r"(\w)['’]s\b", r"\1", text)  # "Priya's" → "Priya"
        if spelled_letters(text) is None:  # "H, A, L, L" keeps both Ls
            text = re.sub(r"\b(\w+)(?:\W+\1\b)+", r"\1", text, flags=_F)  # "John, John" → "John"
        if self._resolver is None:
            phrase = legacy.target_phrase(text)
            plain = legacy.intents(text) <= {Intent.YES, Intent.NO, Intent.URGENT}
            if phrase is None and asking is Asking.TARGET and plain:
                phrase = legacy.first_clause(text)
            return Entity("query", (), (), "name", phrase) if phrase else None
        found = entity_of(self._resolver.scan(text), text)
        # "No, I'd like to speak to Bin Oak" while asked for a name: a correction naming someone
        # nobody here is called is looked up too (and then spelled), not taken for the caller.
        correcting = bool(_ASKS_FOR_SOMEONE.search(text)) and bool(
            DENY.search(text) or CORRECTION.search(text)
        )
        if found is None and (asking in _ROUTABLE or correcting):
            # Asked for by name, but nobody has it: looked up anyway, so the caller hears that
            # the name is not in the directory rather than the same question again.
            phrase = legacy.target_phrase(text)
            if phrase and len(phrase.split()) <= 4 and phrase.split()[0].lower() not in NOT_A_NAME:
                return Entity("query", (), (), "unknown", phrase)
        return found


_INFO = frozenset({Act.INFO_HOURS, Act.INFO_ADDRESS, Act.INFO_WEBSITE, Act.INFO_EMAIL_FORMAT,
                   Act.INFO_FAX, Act.INFO_PARKING})  # fmt: skip
_KEPT_WHEN_ABUSIVE = frozenset(
    {Act.TRANSFER, Act.MESSAGE, Act.CORRECTION, Act.DENY_REQUEST, Act.PRIVATE, Act.GOODBYE,
     Act.INFO_HOURS, Act.INFO_ADDRESS, Act.INFO_WEBSITE, Act.INFO_EMAIL_FORMAT, Act.INFO_FAX,
     Act.INFO_PARKING, Act.GIVE_NUMBER, Act.GIVE_MESSAGE}
)  # fmt: skip
_ITS_SOMEONE = re.compile(
    r"\b(?:i think|i believe|maybe|probably|pretty sure)\s+it'?s\s+([\w'-]+(?: [\w'-]+)?)"
    r"(?!\s+(?:from|calling|here|speaking)\b)",
    _F,
)
_NOT_NAMES = NOT_A_NAME | {"me", "myself", "him", "her", "them", "us", "you", "nobody", "none"}
_INTRODUCES = re.compile(r"\b(?:this is|my name is|my name'?s|i'?m|i am|it'?s|call me)\b", _F)
_QUESTION = re.compile(r"^\W*(?:why|what|how|who|where|when|do|does|is|are)\b", _F)
_NO_MESSAGE_AFTER_ALL = re.compile(
    r"^\W*(?:nothing|never ?mind|forget it|no message|no,? (?:nothing|never ?mind))\b", _F
)
_NUMBER_FIX = re.compile(
    r"\b(?:ends? (?:in|with)|last (?:\w+ )?digits?|(?:wrong|incorrect) number|should be|not quite|"
    r"close but)\b|\bclose,",
    _F,
)
_SAME_LINE = re.compile(
    r"\b(?:at|on|use) this one\b|\b(?:the |this )?(?:number|one|line|phone) (?:i'?m|i am) (?:on|using|calling (?:from|on))\b|"
    r"\b(?:this|same) (?:number|line|phone)\b|\bcaller ?id\b|\bthe one (?:i'?m|i am) on\b",
    _F,
)
_ASKS_FIRST = re.compile(
    r"^\W*(?:(?:hi|hello|hey|yes|yeah|ok(?:ay)?|so|um+|uh+|good (?:morning|afternoon|evening))\W+)*"
    r"(?:how|what|where|when|are|is|do|does)\b",
    _F,
)
_MOSTLY_DIGITS = re.compile(r"(?:\d\W*){7,}")
_REQUEST_WORDS = FILLER | {"talk", "speak", "someone", "department", "please", "now", "team"}
_PLAIN_WORDS = FILLER | SENTENCE_WORDS | {"talk", "speak", "someone", "department", "please"}
# Whisper writes the "to" of "speak to" as "too" or "the" when a name it cannot read follows.
_ASKS_FOR_SOMEONE = re.compile(
    r"\b(?:speak|talk) (?:to|with|too|the)\b|\btrying to reach\b|\bput me through to\b|"
    r"\bconnect me (?:to|with)\b|\btransfer me to\b|\bi (?:asked|was asking) for\b",
    re.I,
)
_ROUTABLE = frozenset({Asking.TARGET, Asking.ANYTHING_ELSE, Asking.WHICH, Asking.OFFER_MESSAGE})


def _drop_negated(entity: Entity | None, text: str) -> Entity | None:
    """ "Kathryn, not Catherine": of names that sound alike, drop the one said not to be wanted."""
    if entity is None or entity.status != "ambiguous":
        return entity
    dropped = {w for m in NEGATED.finditer(text) for w in fold(m.group(1)).split()}
    kept = [
        (i, n, d)
        for i, n, d in zip(entity.ids, entity.names, entity.departments, strict=False)
        if not dropped & set(fold(n).split())
    ]
    if not dropped or not kept or len(kept) == len(entity.ids):
        return entity
    ids, names, depts = (tuple(x) for x in zip(*kept, strict=True))
    if len(ids) == 1:
        return Entity("match", ids, names, "name", names[0])
    return replace(entity, ids=ids, names=names, departments=depts)


def _names_unknown(text: str) -> bool:
    """The turn asks for someone ("speak to …", "trying to reach …") with words after it that
    are not "someone", "a manager", "you"."""
    asked = _ASKS_FOR_SOMEONE.search(text)
    if asked is None:
        return False
    phrase = _CLAUSE_END.split(text[asked.end() :], maxsplit=1)[0]  # "…, please", "… about …"
    return any(w not in NOT_A_NAME and w not in _ANYONE for w in fold(phrase).split())


_CLAUSE_END = re.compile(r"[,.;:!?]|\b(?:about|regarding|concerning|because|as|since|re)\b", re.I)


_ANYONE = frozenset(
    {"someone", "somebody", "anyone", "anybody", "person", "human", "operator", "representative",
     "agent", "manager", "supervisor", "boss", "receptionist", "reception", "department", "team"}
)  # fmt: skip


def _bare(text: str) -> str | None:
    return name_words(legacy.strip_filler(text), strict=True)


def _topic_reason(text: str) -> str | None:
    clean = re.sub(r"^[\W_]+|[\s,.!?]+$", "", text)
    clean = re.sub(
        r"^(?:(?:hi|hello|hey|yes|yeah|um|uh|so|well|good (?:morning|afternoon|evening))\W+)+",
        "",
        clean,
        flags=_F,
    )
    clean = re.sub(r"[\s,]*\b(?:please|thanks|thank you|pls)\W*$", "", clean, flags=_F)
    return clean or None


def entity_of(found: Resolution, text: str) -> Entity | None:
    """The `Entity` a scan found, with a `find_employee` query that answers the same."""
    cands = found.candidates
    if found.status is ResolutionStatus.NONE or not cands:
        return None
    if found.status is ResolutionStatus.DEPARTMENT:
        via = "topic" if found.reason == "topic" else "department"
        described = via == "topic" or found.reason.endswith("word form")
        return Entity(
            "department", (cands[0].id,), (cands[0].name,), via, cands[0].name, described=described
        )
    if found.status is ResolutionStatus.MATCH:
        via = "title" if found.reason == "job title" else "name"
        via = "spelled" if found.reason.startswith("spelled") else via
        return Entity("match", (cands[0].id,), (cands[0].name,), via, cands[0].name)
    return Entity(
        "ambiguous", tuple(c.id for c in cands), tuple(c.name for c in cands), "ambiguous",
        text[:200], tuple(c.department for c in cands),
    )  # fmt: skip
