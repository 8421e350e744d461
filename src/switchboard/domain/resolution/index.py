"""The prebuilt name index: every spoken name part mapped to the people who carry it.

A query never scans the directory. Each name part the caller said is looked up through maps
built once: identical-sound key (which includes the exact spelling) and nickname; and — only
when those find nobody usable — a one-deletion neighbourhood (SymSpell style; the query side
also tries two deletions, so 1–2 edit typos are found) and two recall keys for recogniser
respellings (a consonant skeleton and jellyfish metaphone). Only the people behind the matched
tokens are then scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, overload

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from switchboard.domain.directory import Department
from switchboard.domain.resolution.nicknames import nickname_map
from switchboard.domain.resolution.normalize import fold, joined
from switchboard.domain.resolution.phonetic import deletions, loose_key, metaphone_key, sound_key

# Part scores (0..100). Identical sound counts as exact: a listener cannot tell the spellings apart.
EXACT = 100.0
NICKNAME = 95.0
TYPO_1 = 90.0
TYPO_2 = 80.0
LOOSE_BASE = 70.0  # + up to 18 by spelling similarity; never reaches a typo or exact score

FIRST, LAST = 0, 1
# Longer parts are joined-up utterances, not one name; their L² neighbourhood costs too much.
_MAX_DOUBLE_DELETION = 16
_MAX_TYPO_LENGTH = 20


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    department: str | None  # display name
    department_id: str | None


class Named(Protocol):
    """What the index reads of an employee: `Employee`, or a `NameRecord` loaded for resolving."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def title(self) -> str | None: ...
    @property
    def department(self) -> str | None: ...


class NameRecord(NamedTuple):
    """The fields of an employee that resolving reads (see `Named`); cheap to load in bulk."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    title: str | None = None
    department: str | None = None  # department id


Tokens = tuple[str, ...]
_SEPARATOR = "\x00"


def _packed(column: list[str]) -> str | list[str]:
    joined = _SEPARATOR.join(column)
    return joined if column and joined.count(_SEPARATOR) == len(column) - 1 else column


def _unpacked(column: object) -> list[str]:
    return column.split(_SEPARATOR) if isinstance(column, str) else list(column)  # type: ignore[call-overload]


class People(Sequence[Person]):
    """The indexed people as columns (ids, names, department ids), position = person number.

    Columns rather than 100,000 `Person` objects: a saved index loads in a fraction of the time
    (strings and shared references, no object per person); `Person` is made on access.
    """

    __slots__ = ("department_ids", "departments", "ids", "names")

    def __init__(
        self,
        ids: list[str],
        names: list[str],
        department_ids: list[str | None],
        departments: dict[str, str],
    ) -> None:
        self.ids = ids
        self.names = names
        self.department_ids = department_ids
        self.departments = departments  # department id → display name

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> Person: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Person]: ...
    def __getitem__(self, i: int | slice) -> Person | Sequence[Person]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        dept = self.department_ids[i]
        return Person(self.ids[i], self.names[i], self.departments.get(dept or ""), dept)

    def __getstate__(self) -> tuple[object, ...]:
        # Each column as one string (a saved index: one copy instead of 100,000 small strings
        # each remembered by pickle), unless a value holds the separator.
        return (_packed(self.ids), _packed(self.names), self.department_ids, self.departments)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        ids, names, self.department_ids, self.departments = state  # type: ignore[assignment]
        self.ids, self.names = _unpacked(ids), _unpacked(names)

    def number(self, person_id: str) -> int | None:
        """The first person with `person_id`, or None."""
        try:
            return self.ids.index(person_id)
        except ValueError:
            return None


def typo_score(part: str, token: str) -> float:
    """TYPO_1 for one edit, TYPO_2 for two (only between longer names), else 0."""
    if abs(len(part) - len(token)) > 2:
        return 0.0
    dist = OSA.distance(part, token, score_cutoff=2)
    shorter, longer = sorted((len(part), len(token)))
    if dist == 1 and shorter >= 3:
        return TYPO_1
    return TYPO_2 if dist == 2 and shorter >= 4 and longer >= 6 else 0.0


def _recall_keys(token: str) -> list[str]:
    # Two differently-biased keys: our consonant skeleton, and jellyfish metaphone (prefixed so
    # the two key spaces cannot collide).
    meta = metaphone_key(token)
    return [k for k in (loose_key(token), f"m:{meta}" if len(meta) >= 2 else "") if k]


def _postings() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    return defaultdict(list), defaultdict(list)


def _unique(parts: Iterable[str]) -> Tokens:
    return tuple(dict.fromkeys(p for p in parts if p))


def _merge(tokens: Tokens, more: Tokens) -> Tokens:
    """`tokens` then those of `more` not in it (the same tuple when none is new)."""
    new = tuple(t for t in more if t not in tokens)
    return tokens + new if new else tokens


def _postings_of(tokens_of: list[Tokens]) -> dict[str, list[int]]:
    """Token → the people (ascending) whose tokens hold it. People sharing a token tuple are
    grouped first, so the work per person is one append; the tokens of one tuple share its list
    (read-only, as every posting list)."""
    groups: dict[Tokens, list[int]] = defaultdict(list)
    for person, held in enumerate(tokens_of):
        groups[held].append(person)
    lists: dict[str, list[list[int]]] = defaultdict(list)
    for held, holders in groups.items():
        for token in held:
            lists[token].append(holders)
    # A token in several tuples ("anne": Anne, Anne-Marie) merges their people in order.
    return {
        t: ls[0] if len(ls) == 1 else sorted(p for ps in ls for p in ps) for t, ls in lists.items()
    }


class _Parts:
    """A name's first-name and surname tokens, computed once per distinct first word and per
    distinct rest of the name, and the vocabulary of every token handed out, in first-seen order.

    A name's first word gives its first-name tokens: the word joined up, and its folded parts
    ("Anne-Marie" → annemarie, anne, marie). The words after it give the surname tokens: all of
    them joined, the last word's folded parts, and the last word joined. A one-word name has no
    surname.
    """

    __slots__ = ("_firsts", "_lasts", "_seen")

    def __init__(self) -> None:
        self._firsts: dict[str, Tokens] = {}
        self._lasts: dict[tuple[str, ...], Tokens] = {}
        self._seen: dict[str, None] = {}

    def of(self, name: str) -> tuple[Tokens, Tokens]:
        words = name.split()
        if not words:
            return (), ()
        head = words[0]
        first = self._firsts.get(head)
        if first is None:
            first = self._firsts[head] = self._note(_unique([joined(head), *fold(head).split()]))
        if len(words) == 1:
            return first, ()
        rest = tuple(words[1:])
        last = self._lasts.get(rest)
        if last is None:
            tail = words[-1]
            last = self._lasts[rest] = self._note(
                _unique([joined(" ".join(rest)), *fold(tail).split(), joined(tail)])
            )
        return first, last

    def _note(self, found: Tokens) -> Tokens:
        self._seen.update(dict.fromkeys(found))
        return found

    def vocabulary(self) -> list[str]:
        return list(self._seen)


@dataclass(slots=True)
class NameIndex:
    people: People = field(default_factory=lambda: People([], [], [], {}))
    # role (FIRST/LAST) → token → person numbers, ascending
    postings: tuple[dict[str, list[int]], dict[str, list[int]]] = field(default_factory=_postings)
    by_sound: dict[str, list[str]] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)  # the vocabulary in first-seen order
    # role → person → that person's tokens: lets a surely-matched part vet its partner directly.
    # People sharing a name part share one tuple (a saved index stores it once).
    tokens_of: tuple[list[Tokens], list[Tokens]] = field(default_factory=lambda: ([], []))
    # Only `weak` reads these (typos, respellings): made by `build` unless asked for later, and
    # never saved — a saved index makes them at its first weak lookup (`_typo_maps`).
    by_loose: dict[str, list[str]] | None = None
    by_deletion: dict[str, list[str]] | None = None

    @classmethod
    def build(
        cls,
        people: Iterable[Named],
        departments: Iterable[Department] = (),
        *,
        typo_maps: bool = True,
    ) -> NameIndex:
        """Index every employee's first name, surname, their parts and single-word aliases.

        100,000 people share a few thousand first names and surnames: each distinct name part is
        split, folded and keyed once (`_Parts`); per person only its token tuples are appended.
        `typo_maps=False` leaves the maps only typo and respelling lookups read to their first use
        (a one-off process that may never need them).
        """
        people = list(people)
        parts = _Parts()
        names = [p.name for p in people]
        split = list(map(parts.of, names))
        firsts = [first for first, _ in split]
        lasts = [last for _, last in split]
        for i, person in enumerate(people):
            for alias in person.aliases:  # few people have aliases
                first, last = parts.of(alias)
                firsts[i], lasts[i] = _merge(firsts[i], first), _merge(lasts[i], last)
        postings = (_postings_of(firsts), _postings_of(lasts))
        index = cls()
        ids = [p.id for p in people]
        dept_ids = [p.department for p in people]
        index.people = People(ids, names, dept_ids, {d.id: d.name for d in departments})
        index.tokens_of = (firsts, lasts)
        index.postings = postings
        index.words = parts.vocabulary()
        index.vocabulary = set(index.words)
        by_sound: dict[str, list[str]] = defaultdict(list)
        for token in index.words:
            by_sound[sound_key(token)].append(token)
        index.by_sound = dict(by_sound)  # not a defaultdict: lookups must not grow it
        if typo_maps:
            index._typo_maps()
        return index

    def _typo_maps(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The one-deletion neighbourhood and the recall keys of every token, made on first use.
        (Two threads both making them only do the work twice: the maps come out the same.)"""
        if self.by_deletion is None or self.by_loose is None:
            by_loose: dict[str, list[str]] = defaultdict(list)
            by_deletion: dict[str, list[str]] = defaultdict(list)
            for token in self.words:
                for key in _recall_keys(token):
                    by_loose[key].append(token)
                for variant in deletions(token):
                    by_deletion[variant].append(token)
            self.by_loose, self.by_deletion = dict(by_loose), dict(by_deletion)
        return self.by_deletion, self.by_loose

    def __getstate__(self) -> tuple[object, ...]:
        # Without the typo maps: remade faster than read back, and only if a lookup needs them.
        return (self.people, self.postings, self.by_sound, self.words, self.tokens_of)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        people, postings, by_sound, words, tokens_of = state
        self.people, self.postings, self.by_sound = people, postings, by_sound  # type: ignore[assignment]
        self.words, self.tokens_of = words, tokens_of  # type: ignore[assignment]
        self.vocabulary = set(self.words)
        self.by_loose = self.by_deletion = None

    def strong(self, part: str) -> dict[str, float]:
        """Tokens matching `part` exactly, by identical sound, or as a nickname, with scores."""
        hits: dict[str, float] = {}
        for token in self.by_sound.get(sound_key(part), ()):
            hits[token] = EXACT
        for name in nickname_map().get(part, ()):
            for token in self.by_sound.get(sound_key(name), ()):
                hits.setdefault(token, NICKNAME)
        return hits

    def weak(self, part: str) -> dict[str, float]:
        """Tokens within 1–2 edits of `part`, or sharing its metaphone key, with scores."""
        hits: dict[str, float] = {}
        by_deletion, by_loose = self._typo_maps()
        if 3 <= len(part) <= _MAX_TYPO_LENGTH:
            seen: set[str] = set()
            variants = deletions(part)
            if (
                5 <= len(part) <= _MAX_DOUBLE_DELETION
            ):  # two insertions, or insertion + substitution
                variants = {d2 for d1 in variants for d2 in deletions(d1)}
            for variant in variants:
                seen.update(by_deletion.get(variant, ()))
            for token in seen:
                if score := typo_score(part, token):
                    hits[token] = score
        for key in _recall_keys(part):
            for token in by_loose.get(key, ()):
                if token in hits or abs(len(token) - len(part)) > 2:
                    continue  # a skeleton match far off in length is a different name
                if (ratio := fuzz.ratio(part, token)) >= 50:
                    hits[token] = LOOSE_BASE + 18.0 * (ratio - 50.0) / 50.0
        return hits

    def partner_typos(self, people: dict[int, float], part: str, role: int) -> dict[int, float]:
        """Of `people`, those whose `role` name is within typo reach of `part`: their best score."""
        found: dict[int, float] = {}
        for person in people:
            best = max((typo_score(part, t) for t in self.tokens_of[role][person]), default=0.0)
            if best:
                found[person] = best
        return found

    def holders(self, token: str, role: int) -> Sequence[int]:
        """People carrying `token` in `role`."""
        return self.postings[role].get(token, [])
