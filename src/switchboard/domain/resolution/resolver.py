"""Dial-by-name: from what the caller said to one employee, a shortlist, a department, or nobody.

Scores run 0..100: 100 exact or identical-sounding (Reid/Reed), 95 nickname (Bob → Robert),
90/80 one/two-edit typo, 70–88 sound-skeleton/metaphone respelling. A full name scores the mean of
its two parts, and both parts must match the same person.

The threshold: `THRESHOLD` = 86. Below it nobody is offered and the answer is `none`, never a
forced guess. 86 admits up to two edits over the whole name (100+80, 90+90 → 90), an exact part
with a fair respelling (100 + ≥ 72), but not three edits (90+80 → 85) nor a typo plus a loose
respelling, nor a lone part that only loosely resembles a name. Candidates tied at the top score form
an `ambiguous` set; availability plays no part. Weak signals (typos, metaphone) are consulted only
when exact, sound-identical and nickname lookups find nobody, so an exact spelling always wins.
When the trimmed utterance as a whole finds nobody, the name-like spans of the sentence are
searched (`spans`), ending with a unique surname whose first name was misheard (`misheard`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from switchboard.domain.directory import Department, Directory
from switchboard.domain.resolution.departments import DepartmentNames
from switchboard.domain.resolution.index import FIRST, LAST, Named, NameIndex
from switchboard.domain.resolution.nicknames import nickname_map
from switchboard.domain.resolution.normalize import (
    FILLER,
    MAX_TOKENS,
    SENTENCE_WORDS,
    core_variants,
    tokens,
)
from switchboard.domain.resolution.result import Candidate, Resolution, ResolutionStatus
from switchboard.domain.resolution.scoring import PartCache, Scorer
from switchboard.domain.resolution.spans import SpanSearch
from switchboard.domain.resolution.spelling import (
    SpellingIndex,
    mostly_spelled,
    spelled_letters,
)
from switchboard.domain.resolution.topics import DepartmentTopics, TopicHit, stems

THRESHOLD = 86.0
# A caller introducing themselves inside a request ("I'm Sam from Acme", "this is Dana calling"):
# that name is the caller's, so a model that passes the whole sentence still gets the target.
_SELF_INTRO = re.compile(
    r"\b(?:this is|i'?m|i am|my name is|my name'?s)\s+"
    r"(?!(?:looking|calling|trying|after|a|an|the|here|just|not|so|interested|wondering|hoping|"
    r"with|from|in|on|at|about|returning|following|sorry|fine|good|well|ringing)\b)"
    r"[\w'-]+(?:\s+[\w'-]+)?\s+(?:(?:from|with|at)\s+[\w'&.-]+(?:\s+[\w'&-]+)?|calling\b|here\b)",
    re.IGNORECASE,
)
MAX_MATCH_CANDIDATES = 5
_HEAD_OF = re.compile(
    r"\b(?:head|boss|manager|director|chief|leader|lead) of\b|\b(?:who|whoever) runs\b",
    re.IGNORECASE,
)
_BOSS = frozenset({"manag", "director", "head", "lead", "supervisor", "controll", "chief"})
_DETERMINERS = frozenset(["a", "an", "my", "the", "this", "that", "our", "some", "any"])
# Names that are also everyday nouns callers use ("pay a bill", "my will", "a price").
_THINGS = frozenset(
    [
        "bill",
        "will",
        "mark",
        "grace",
        "hope",
        "rose",
        "art",
        "frank",
        "pat",
        "price",
        "page",
        "park",
        "may",
    ]
)
_Scores = dict[int, float]


class Resolver:
    """Immutable dial-by-name resolver over one directory snapshot; build once, query many times."""

    __slots__ = (
        "_departments",
        "_hints",
        "_index",
        "_keep",
        "_scorer",
        "_spans",
        "_spelling",
        "_titles",
        "_topics",
    )

    def __init__(
        self,
        index: NameIndex,
        departments: tuple[Department, ...],
        hints: list[str],
        topics: DepartmentTopics | None = None,
        titles: dict[str, tuple[str, ...]] | None = None,
        title_words: frozenset[str] = frozenset(),
    ):
        self._index = index
        self._topics = topics or DepartmentTopics(departments)
        self._titles = titles or {}  # employee id → stemmed title words
        self._hints = hints
        # Filler words that may be names here: someone is called Will, or Will is William's nickname.
        nicks = {n for n, formal in nickname_map().items() if formal & index.vocabulary}
        self._keep = frozenset((index.vocabulary | nicks) & FILLER)
        self._departments = DepartmentNames(departments)
        self._scorer = Scorer(index)
        # Words of department names, aliases and job titles are no person's name: beside a lone
        # name part they are everyday words ("the benefits lady, Hannah").
        team_words = {w for d in departments for n in (d.name, *d.aliases) for w in tokens(n)}
        team_words |= title_words
        everyday = frozenset((SENTENCE_WORDS | team_words) - index.vocabulary)
        self._spans = SpanSearch(index, self._scorer, self._keep, THRESHOLD, everyday)
        self._spelling: SpellingIndex | None = None  # made at the first spelled name

    @classmethod
    def build(cls, directory: Directory) -> Resolver:
        """Index `directory` once; the resolver never sees later changes."""
        return cls.from_people(directory.departments, directory.employees)

    @classmethod
    def from_people(
        cls,
        departments: tuple[Department, ...],
        people: Sequence[Named],
        *,
        typo_maps: bool = True,
    ) -> Resolver:
        """`build` from the departments and what resolving reads of each employee, in listing
        order (`Employee`s, or `NameRecord`s loaded for the purpose: the same resolver).

        `typo_maps=False`: the maps only typo and respelling lookups read are made at their first
        use instead (`NameIndex.build`); the answers are the same."""
        hints = [e.name for e in people]
        hints += [a for e in people for a in e.aliases]
        hints += [n for d in departments for n in (d.name, *d.aliases)]
        # A few distinct job titles among 100,000 people: each is stemmed once, and the people
        # sharing it share the tuple.
        stemmed = {t: stems(t) for t in {e.title for e in people if e.title}}
        titles = {e.id: stemmed[e.title] for e in people if e.title}
        title_words = frozenset(w for t in stemmed for w in tokens(t))
        topics = DepartmentTopics(departments, people, stemmed)
        index = NameIndex.build(people, departments, typo_maps=typo_maps)
        return cls(index, departments, list(dict.fromkeys(hints)), topics, titles, title_words)

    def recognition_hints(self) -> list[str]:
        """Employee names, aliases and department names, for prompting speech-to-text."""
        return list(self._hints)

    def resolve(self, text: str) -> Resolution:
        """Who (or which department) `text` most likely names; see the module docstring."""
        asked = _SELF_INTRO.sub(" , ", text)
        if asked != text and tokens(asked):
            # "I'm Sam from Acme, about an overdue invoice": Sam is the caller, not the target.
            found = self._resolve(asked)
            return Resolution(text, found.status, found.candidates, found.reason)
        return self._resolve(text)

    def _resolve(self, text: str) -> Resolution:
        spelled = self._spelled(text)
        if spelled is not None:
            return spelled
        words = tokens(text)
        if not words or len(words) > MAX_TOKENS * 3:
            return Resolution(text, ResolutionStatus.NONE, reason="no name in the request")
        found = self._departments.find(words)
        if found is not None:
            dept, rest = found
            # A surname can be a department word ("Ann Sales"): the whole utterance as a name first.
            named = self._names(text, words, spans=False) if rest else None
            if named is None or named.status == ResolutionStatus.NONE:
                named = self._names(text, rest, only=dept.id) if rest else None  # "bob in payroll"
            if named is not None and named.status != ResolutionStatus.NONE:
                return named
            return _department(text, dept, 100.0, "department name or alias")
        named = self._names(text, words)
        if named.status == ResolutionStatus.NONE:
            close = self._departments.closest(words)
            if close is not None:
                return _department(text, close[0], close[1], "close to a department name")
            return self._described(text, named)
        return named

    def _described(self, text: str, named: Resolution) -> Resolution:
        """No name: a job title said in full, a department in another word form, or the topic
        ("your controller", "an overdue invoice", "my laptop won't boot")."""
        title = self._topics.title(text)
        if title is not None:
            i = self._number(title.id)
            return Resolution(
                text, ResolutionStatus.MATCH, (self._candidate(i, 100.0),), "job title"
            )
        dept = self._topics.department(text, raw=text)
        if dept is None and not self._name_shaped(text):
            dept = self._topics.topic(text)
        if dept is not None:
            return self._department_hit(text, dept, "topic")
        return named

    def _name_shaped(self, text: str) -> bool:
        """Two or three words led by one that is no everyday word nor a topic word: a full name
        of someone not here ("Milada Pres"), not a topic ("press")."""
        words = tokens(text)
        lead = words[0] if words else ""
        return (
            2 <= len(words) <= 3
            and lead.isalpha()
            and lead not in FILLER
            and lead not in SENTENCE_WORDS
            and self._topics.topic(lead) is None
            and self._topics.department(lead, raw=lead) is None
        )

    def scan(self, text: str) -> Resolution:
        """Whoever `text` names anywhere in it, for a whole caller turn rather than a name request.

        In order: a person's name (full name, first name, surname with or without an honorific,
        nickname, misheard spellings) anywhere in the turn, narrowed by a department or title also
        said ("John in sales", "the John who is an engineer"); a job title said in full, when it
        is longer than any department name said with it; a department's name or alias in any word
        form; the department that handles what the turn is about (`topics`). Statuses as for
        `resolve`; `reason` starts with "job title", "department name or alias" (then "in another
        word form" when the turn describes the call with it: "an overdue invoice") or "topic".
        """
        spelled = self._spelled(text)
        if spelled is not None:
            return spelled
        words = tokens(text)
        if not words:
            return Resolution(text, ResolutionStatus.NONE, reason="no name in the request")
        # "a bill", "my will", "the park": after a determiner these are things, not people.
        said = [
            "um" if i and words[i - 1] in _DETERMINERS and (w in SENTENCE_WORDS or w in _THINGS)
            else w
            for i, w in enumerate(words)
        ]  # fmt: skip
        plain = FILLER | SENTENCE_WORDS
        content = [
            w for w in set(said) if w not in plain or w in self._keep or self._index.strong(w)
        ]  # fmt: skip
        if content:
            person = self._people_in(text, said)
        else:  # "ok then, put me through": no name here, not even a misspelt one ("then"/Chen)
            person = Resolution(text, ResolutionStatus.NONE, reason="no name in the request")
        dept = self._topics.department(text, raw=text)
        if person.status is not ResolutionStatus.NONE:
            return self._narrow(person, dept, set(stems(text)))
        if dept is not None and _HEAD_OF.search(text):
            bosses = [c for c in self._members(dept.id) if set(self._titles.get(c.id, ())) & _BOSS]
            if len(bosses) == 1:  # "the head of engineering"
                return Resolution(text, ResolutionStatus.MATCH, (bosses[0],), "job title")
        title = self._topics.title(text)
        if title is not None and (dept is None or title.span > dept.span):
            i = self._number(title.id)
            cand = self._candidate(i, 100.0)
            return Resolution(text, ResolutionStatus.MATCH, (cand,), "job title")
        if dept is not None:
            why = "department name or alias"
            why += "" if dept.kind == "department" else " in another word form"
            return self._department_hit(text, dept, why)
        topic = self._topics.topic(text)
        if topic is not None:
            return self._department_hit(text, topic, "topic")
        if len(words) <= 3:
            close = self._departments.closest(words)
            if close is not None:
                return _department(text, close[0], close[1], "close to a department name")
        return person

    @property
    def spelling_ready(self) -> bool:
        """Whether the index of spelled names is made (`prepare_spelling`)."""
        return self._spelling is not None

    def prepare_spelling(self) -> SpellingIndex:
        """The index of spelled names, made now if not yet (0.8 s at 100,000 people: a process
        that answers calls makes it with the resolver, off the event loop)."""
        if self._spelling is None:
            self._spelling = SpellingIndex(self._index.people.names)
        return self._spelling

    def _spelled(self, text: str) -> Resolution | None:
        """The person (or people sharing the name) a turn spells out letter by letter
        ("V, E, S, E, L, O, V"), when the spelling is clear; see `spelling`."""
        letters = spelled_letters(text)
        if letters is None:
            return None
        found = self.prepare_spelling().find(letters)
        if found is None and mostly_spelled(text, letters):
            # Letters that spell nobody here are no department either ("G-R-I-N-T-I-T" holds
            # "I-T"): the caller spelled a name, and it is not found.
            return Resolution(text, ResolutionStatus.NONE, reason=f"spelled: {letters}: nobody")
        if found is None:
            return None
        score = max(THRESHOLD, 100.0 - 10.0 * found.cost)
        cands = tuple(self._candidate(i, score) for i in found.people)
        status = ResolutionStatus.MATCH if len(cands) == 1 else ResolutionStatus.AMBIGUOUS
        return Resolution(text, status, cands, f"spelled: {found.spelling}")

    def _number(self, employee_id: str) -> int:
        found = self._index.people.number(employee_id)
        if found is None:  # titles come from the indexed people
            raise LookupError(employee_id)
        return found

    def _members(self, department_id: str) -> list[Candidate]:
        depts = self._index.people.department_ids
        return [self._candidate(i, 100.0) for i, d in enumerate(depts) if d == department_id]

    def colleagues(self, employee_id: str) -> tuple[Candidate, ...]:
        """The other people in `employee_id`'s department, in directory order."""
        people = self._index.people
        me = people.number(employee_id)
        dept = people.department_ids[me] if me is not None else None
        if dept is None:
            return ()
        ids = people.ids
        return tuple(
            self._candidate(i, 100.0)
            for i, d in enumerate(people.department_ids)
            if d == dept and ids[i] != employee_id
        )

    def title_of(self, employee_id: str) -> tuple[str, ...]:
        """An employee's job title, as stemmed words."""
        return self._titles.get(employee_id, ())

    def _people_in(self, text: str, words: list[str]) -> Resolution:
        """`_names` over a turn of any length: long turns are read clause by clause."""
        limit = MAX_TOKENS * 3
        if len(words) <= limit:
            return self._names(text, words)
        best = Resolution(text, ResolutionStatus.NONE, reason="no name in the request")
        top = 0.0
        # After the first window, only windows holding a word that sounds like a name part here
        # are read, so a long story stays cheap (a misspelt name late in one is not searched).
        named = {w for w in set(words) if w not in FILLER and self._index.strong(w)}
        for start in range(0, len(words), limit // 2):
            piece = words[start : start + limit]
            if not named.intersection(piece) and start:
                continue
            found = self._names(text, piece)
            score = found.best.score if found.best else 0.0
            if found.status is not ResolutionStatus.NONE and score > top:
                best, top = found, score
        return best

    def _narrow(self, person: Resolution, dept: TopicHit | None, said: set[str]) -> Resolution:
        """An ambiguous name narrowed by the department or job-title words said with it."""
        if person.status is not ResolutionStatus.AMBIGUOUS:
            return person
        people = self._index.people
        ids = dict(zip(people.ids, people.department_ids, strict=True))
        kept = [c for c in person.candidates if dept is not None and ids.get(c.id) == dept.id]
        kept = kept or list(person.candidates)
        by_title = [
            c for c in kept if said & {w for w in self._titles.get(c.id, ()) if w not in FILLER}
        ]
        kept = by_title or kept
        if len(kept) == len(person.candidates):
            return person
        status = ResolutionStatus.MATCH if len(kept) == 1 else ResolutionStatus.AMBIGUOUS
        return Resolution(person.query, status, tuple(kept), "narrowed by department or title")

    def _department_hit(self, text: str, hit: TopicHit, reason: str) -> Resolution:
        dept = next(d for d in self._departments.all if d.id == hit.id)
        return _department(text, dept, 100.0, reason)

    def _names(
        self, text: str, words: list[str], only: str | None = None, *, spans: bool = True
    ) -> Resolution:
        """Resolve `words` as a person; `only` keeps just that department's people.

        `spans=False` reads only the utterance as a whole, never a name inside it.
        """
        variants = core_variants(words, self._keep)
        seen: PartCache = {}  # part lookups shared across variants and spans
        sentence = spans and len(words) > 1
        readings = [(p, self._scorer.people(core, seen, weak=False)) for core, p in variants]
        top, scores = self._best(readings, only)
        if top < THRESHOLD and sentence:
            # An exact name inside the sentence beats a typo reading of the whole of it.
            top, scores = self._best([(0, self._spans.exact(words, seen))], only)
        # Only everyday words ("the same person", "ok then"): no name here, not even a misspelt
        # one ("same"/Sam, "then"/Chen).
        everyday = all(w in FILLER | SENTENCE_WORDS and w not in self._keep for w in words)
        if top < THRESHOLD and not everyday:
            readings = [(p, self._scorer.people(c, seen, weak=True)) for c, p in variants]
            top, scores = self._best(readings, only)
        if top < THRESHOLD and sentence and not everyday:
            top, scores = self._best(
                [(0, self._spans.loose(words, seen, frozenset(c for c, _ in variants)))], only
            )
        if top < THRESHOLD:
            return Resolution(text, ResolutionStatus.NONE, reason=f"nobody scored {THRESHOLD:.0f}+")
        # Ties in directory order: deterministic, and cheaper than comparing names.
        ranked = sorted(scores.items(), key=_rank)
        tied = [kv for kv in ranked if kv[1] >= top - 1e-9]
        if len(tied) > 1:
            # "Wei Ye" is Wei Ye's whole name and Gang Wei's surname: both score the top mark,
            # but only one is the whole name said (nobody else is called that: a tie broken).
            whole = self._whole_name_owners(variants, tied)
            if len(whole) == 1:
                # The others who tied are left out: a match has one clear winner.
                rest = [kv for kv in ranked[:MAX_MATCH_CANDIDATES] if THRESHOLD <= kv[1] < top]
                cands = tuple(self._candidate(i, s) for i, s in [whole[0], *rest])
                return Resolution(text, ResolutionStatus.MATCH, cands, "the whole name said")
            cands = tuple(self._candidate(i, s) for i, s in tied)
            return Resolution(text, ResolutionStatus.AMBIGUOUS, cands, f"{len(cands)} people match")
        shortlist = [kv for kv in ranked[:MAX_MATCH_CANDIDATES] if kv[1] >= THRESHOLD]
        cands = tuple(self._candidate(i, s) for i, s in shortlist)
        return Resolution(text, ResolutionStatus.MATCH, cands, f"best match scored {top:.0f}")

    def _whole_name_owners(
        self, variants: list[tuple[tuple[str, ...], int]], tied: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """Those of `tied` whose whole name is one of the `variants` said. A shared first name
        can tie thousands: only the few holding both its first and last word are looked at."""
        index = self._index
        owners: set[int] = set()
        for core, _ in variants:
            if len(core) >= 2:
                firsts = index.holders(core[0], FIRST)
                lasts = set(index.holders(core[-1], LAST))
                owners.update(
                    i for i in firsts if i in lasts and tuple(tokens(index.people.names[i])) == core
                )
        return [kv for kv in tied if kv[0] in owners] if owners else []

    def _best(self, readings: list[tuple[int, _Scores]], only: str | None) -> tuple[float, _Scores]:
        """The top score and scores of the best reading (`priority` as in `core_variants`)."""
        best: tuple[bool, int, float, _Scores] = (False, 0, 0.0, {})
        for priority, scores in readings:
            scores = self._only(scores, only)
            top = max(scores.values(), default=0.0)
            # A usable reading beats none; then a restored name word ("will smith") beats the
            # trimmed core; a restored syllable ("shiv on") only helps when nothing else is usable.
            if (top >= THRESHOLD, priority, top) > best[:3]:
                best = (top >= THRESHOLD, priority, top, scores)
        return best[2], best[3]

    def _only(self, scores: _Scores, department: str | None) -> _Scores:
        if department is None:
            return scores
        depts = self._index.people.department_ids
        return {i: sc for i, sc in scores.items() if depts[i] == department}

    def _candidate(self, person: int, score: float) -> Candidate:
        people = self._index.people  # columns: no `Person` made for each of a big tie
        department = people.departments.get(people.department_ids[person] or "")
        return Candidate(
            "employee", people.ids[person], people.names[person], department, round(score, 1)
        )


def _rank(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


def _department(text: str, dept: Department, score: float, reason: str) -> Resolution:
    cand = Candidate("department", dept.id, dept.name, None, round(score, 1))
    return Resolution(text, ResolutionStatus.DEPARTMENT, (cand,), reason)
