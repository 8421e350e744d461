"""Departments and people named by what a caller says the call is about, not by their name.

Three readings of a sentence, all built once from the directory (docs/call-behaviour.md, "Routing"):

- `department`: a department's name or alias anywhere in the sentence, in any word form
  ("a question about a shipment" for the alias "shipping", "my invoice is wrong" for "invoices").
- `title`: a job title said in full ("your controller", "the payroll manager"); the longest title
  said wins, and it must belong to one person.
- `topic`: everyday words for what a department handles ("my laptop won't boot", "I was double
  charged"), through a small lexicon of concepts; each concept lists the words a company would
  use for the department that handles it, and the department whose name, aliases and members'
  titles carry the most of them wins. A tie routes nowhere.

Words are compared by a light suffix-stripping stem, so "invoices", "invoicing" and "invoice" meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from switchboard.domain.directory import Department
from switchboard.domain.resolution.index import Named
from switchboard.domain.resolution.normalize import FILLER, tokens

_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ers", "er", "es", "ed",
             "ly", "s", "e", "y")  # fmt: skip
# Department words that are everyday words too: they count only when said as a department
# ("the IT department", "I.T.") or as the whole request.
_WEAK_WORDS = frozenset({"it", "us", "go", "ops", "pr"})
_DEPT_NOUNS = frozenset(
    {"department", "dept", "team", "support", "guy", "guys", "people", "desk", "office",
     "group", "person", "staff", "folks", "section", "division", "unit"}
)  # fmt: skip


_IDIOMS = re.compile(
    r"\b(?:in charge(?: of)?|take charge|charge of|free of charge|no charge)\b", re.IGNORECASE
)
_MIN_EVIDENCE = 2.0  # a department name/alias word (3), or two job-title words (1 each)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude stem: suffixes stripped while at least three letters remain, doubled ends undone."""
    if len(word) < 4:
        return word
    changed = True
    while changed and len(word) > 4:
        changed = False
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                changed = True
                break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


# Short forms callers use for job-title words ("systems admin", "sales rep").
_SHORT = {"admin": "administrator", "rep": "representative", "reps": "representatives",
          "mgr": "manager", "coord": "coordinator", "dev": "developer", "exec": "executive",
          "eng": "engineer", "acct": "account", "accts": "accounts", "tech": "technician"}  # fmt: skip
_DEPT_NOUN_STEMS = frozenset(stem(n) for n in _DEPT_NOUNS)


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(_SHORT.get(w, w)) for w in tokens(text))


# concept: (cue phrases a caller says, words a company uses for the department that handles it)
_LEXICON: tuple[tuple[str, str], ...] = (
    # money owed to or by the company
    (
        "invoice invoices invoiced bill bills billed billing charge charged charges overcharged "
        "double-charged refund refunds payment payments statement balance receipt credit-card card "
        "overdue past-due owe owed outstanding remittance paid-already already-paid reminder "
        "accounts-payable late-fee accounting accounts finance financial",
        "billing invoices invoicing accounts receivable payable accounting finance controller "
        "receivables collections",
    ),
    # employees' pay
    (
        "paycheck paychecks was-paid were-paid underpaid overpaid pay-slip pay-slips wage-slip payday pay-day pay-date payslip pay-stub paystub pay-stubs salary salaries wage wages "
        "direct-deposit w2 w-2 w-4 tax-form withholding withheld overtime get-paid got-paid "
        "didnt-get-paid didn't-get-paid been-paid pay-rate timesheet timesheets",
        "payroll paychecks pay stubs compensation",
    ),
    # computers and networks
    (
        "laptop laptops locked access sign-in log-into get-into-my computer computers pc password passwords login log-in logon locked-out "
        "email-not-working wifi wi-fi internet network printer printers vpn server servers boot "
        "crash crashed software hardware screen monitor keyboard virus malware outlook account-locked "
        "disconnecting it-problem tech-problem phone-system",
        "it tech support help desk information technology computer support systems network "
        "technician administrator",
    ),
    # jobs, people, benefits
    (
        "job jobs career careers hiring hire application applied apply interview position opening "
        "resume cv vacancy vacation pto time-off sick-leave maternity-leave parental-leave "
        "leave-of-absence benefits insurance health-insurance "
        "dental 401k retirement pension onboarding harassment employment-verification",
        "human resources hr people benefits recruiting recruiter talent",
    ),
    # buying
    (
        "buy buying purchase purchasing order ordering quote quotes quotation price prices pricing "
        "cost costs bulk catalog catalogue wholesale product-availability in-stock sample samples "
        "place-an-order new-order",
        "sales new orders quotes sales representative",
    ),
    # press and promotion
    (
        "press media journalist reporter blogger blog influencer write-about article story interview-request magazine newspaper "
        "tribune podcast sponsorship sponsor advertise advertising ad ads partnership brand "
        "social-media campaign publicity",
        "marketing press public relations advertising communications",
    ),
    # product internals
    (
        "firmware specification specifications spec specs technical-question engineering bug "
        "defect design api integration prototype schematic",
        "engineering product development engineers engineer",
    ),
    # deliveries
    (
        "shipment shipments shipping delivery deliveries delivered tracking package packages "
        "parcel freight courier shipped arrived never-arrived warehouse damaged-in-transit",
        "shipping delivery logistics warehouse fulfillment dispatch",
    ),
    # things that broke after purchase
    (
        "return returns returning warranty repair broken faulty stopped-working complaint "
        "complaints exchange defective",
        "customer service support returns warranty service",
    ),
    (
        "contract lawsuit legal lawyer attorney subpoena compliance",
        "legal counsel compliance contracts",
    ),
)


@dataclass(frozen=True, slots=True)
class _Concept:
    cues: tuple[tuple[str, ...], ...]  # stemmed cue phrases
    words: frozenset[str]  # stemmed department words


def _concepts() -> tuple[_Concept, ...]:
    out = []
    for cues, words in _LEXICON:
        phrases = tuple(dict.fromkeys(stems(c.replace("-", " ")) for c in cues.split()))
        out.append(_Concept(phrases, frozenset(stems(words))))
    return tuple(out)


_CONCEPTS = _concepts()


@dataclass(frozen=True, slots=True)
class TopicHit:
    """A department or person found by description; `span` is the stemmed words that named it."""

    kind: str  # "department" | "title" | "topic"
    id: str  # department id, or employee id for a title
    span: int  # how many words named it (longer wins)


def _find(seq: tuple[str, ...], phrase: tuple[str, ...]) -> int:
    n = len(phrase)
    for i in range(len(seq) - n + 1):
        if seq[i : i + n] == phrase:
            return i
    return -1


class DepartmentTopics:
    """Department names/aliases, job titles and the topic lexicon, indexed for one directory."""

    __slots__ = ("_concept_departments", "_departments", "_exact", "_order", "_single", "_titles")

    def __init__(
        self,
        departments: tuple[Department, ...],
        people: Iterable[Named] = (),
        stemmed: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """`stemmed`: job title → `stems(title)`, for titles already stemmed by the caller."""
        self._departments: list[tuple[tuple[str, ...], str]] = []
        self._exact: dict[tuple[str, ...], tuple[str, ...]] = {}  # stems → the words as written
        self._order = {d.id: i for i, d in enumerate(departments)}
        words: dict[str, dict[str, float]] = {}
        for dept in departments:
            for phrase in (dept.name, *dept.aliases):
                key = stems(phrase)
                if key:
                    self._departments.append((key, dept.id))
                    self._exact[key] = tuple(tokens(phrase))
                    for w in key:
                        words.setdefault(w, {})[dept.id] = 3.0
        self._departments.sort(key=lambda item: -len(item[0]))
        # One-word names and aliases, for a word the recogniser split in two ("pay check").
        self._single = {
            key[0]: dept_id for key, dept_id in reversed(self._departments) if len(key) == 1
        }
        by_title: dict[tuple[str, ...], list[str]] = {}
        keys: dict[str, tuple[str, ...]] = {}  # title → its key, made once per distinct title
        for emp in people:
            if not emp.title:
                continue
            found = keys.get(emp.title)
            if found is None:
                said = stemmed[emp.title] if stemmed is not None else stems(emp.title)
                found = keys[emp.title] = tuple(w for w in said if w not in FILLER or w == "it")
            key = found
            if key:
                by_title.setdefault(key, []).append(emp.id)
            if emp.department:
                for w in key:
                    got = words.setdefault(w, {})
                    got[emp.department] = max(got.get(emp.department, 0.0), 1.0)
        self._titles = sorted(by_title.items(), key=lambda item: -len(item[0]))
        # concept index → department id → weight
        self._concept_departments: list[dict[str, float]] = []
        for concept in _CONCEPTS:
            weights: dict[str, float] = {}
            for w in concept.words:
                for dept_id, weight in words.get(w, {}).items():
                    weights[dept_id] = weights.get(dept_id, 0.0) + weight
            self._concept_departments.append(weights)

    def department(self, text: str, raw: str = "") -> TopicHit | None:
        """A department named by its name or alias, in any word form."""
        seq = stems(text)
        words = tuple(tokens(text))
        for i in range(len(words) - 1):  # "pay check" for "paychecks", "pay roll" for "Payroll"
            joined = stem(words[i] + words[i + 1])
            if joined in self._single:
                return TopicHit("topic", self._single[joined], 1)
        raw_words = {w.strip(".,!?;:'\"").replace(".", "") for w in raw.split()} if raw else set()
        for phrase, dept_id in self._departments:
            at = _find(seq, phrase)
            while at >= 0:
                if self._said_as_department(seq, at, phrase, raw_words):
                    # Another word form ("an overdue invoice" for "invoices") describes the call.
                    as_written = words[at : at + len(phrase)] == self._exact.get(phrase)
                    kind = "department" if as_written else "topic"
                    return TopicHit(kind, dept_id, len(phrase))
                nxt = _find(seq[at + 1 :], phrase)
                at = at + 1 + nxt if nxt >= 0 else -1
        return None

    @staticmethod
    def _said_as_department(
        seq: tuple[str, ...], at: int, phrase: tuple[str, ...], raw: set[str]
    ) -> bool:
        if len(phrase) > 1 or phrase[0] not in _WEAK_WORDS:
            return True
        after = seq[at + 1] if at + 1 < len(seq) else ""
        if after in _DEPT_NOUN_STEMS:
            return True
        if phrase[0].upper() in raw:  # "IT", "I.T."
            return True
        return all(w in FILLER for i, w in enumerate(seq) if i != at)

    def title(self, text: str) -> TopicHit | None:
        """The one person whose whole job title is said (the longest title said wins)."""
        seq = stems(text)
        for key, people in self._titles:
            if _find(seq, key) >= 0:
                if len(people) == 1:
                    return TopicHit("title", people[0], len(key))
                return None  # a title two people share names nobody in particular
        return None

    def topic(self, text: str) -> TopicHit | None:
        """The department that handles what `text` is about, by the topic lexicon."""
        seq = stems(_IDIOMS.sub(" ", text.replace("-", " ")))
        if not seq:
            return None
        totals: dict[str, float] = {}
        for concept, weights in zip(_CONCEPTS, self._concept_departments, strict=True):
            # A longer cue said ("pay slip") is stronger evidence than a word inside it ("pay").
            hits = sum(len(cue) for cue in concept.cues if _find(seq, cue) >= 0)
            if not weights or not hits:
                continue
            top = max(weights.values())
            if top < _MIN_EVIDENCE:
                continue  # one job-title word ("account") is too little to route by
            for dept_id, weight in weights.items():
                if weight == top:
                    # The concept's evidence for the department: a concept spelled out by
                    # several of its names and aliases outweighs one shared word ("support").
                    totals[dept_id] = totals.get(dept_id, 0.0) + weight * hits
        if not totals:
            return None
        best = max(totals.values())
        winners = [d for d, score in totals.items() if score == best]
        if len(winners) > 1:
            return None
        return TopicHit("topic", winners[0], 0)
