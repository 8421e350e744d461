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
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from switchboard.domain.directory import Directory
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


@dataclass(slots=True)
class NameIndex:
    people: list[Person] = field(default_factory=list)
    # role (FIRST/LAST) → token → person indexes
    postings: tuple[dict[str, list[int]], dict[str, list[int]]] = field(default_factory=_postings)
    by_sound: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_loose: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_deletion: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    vocabulary: set[str] = field(default_factory=set)
    # role → person → that person's tokens: lets a surely-matched part vet its partner directly
    tokens_of: tuple[list[list[str]], list[list[str]]] = field(default_factory=lambda: ([], []))

    @classmethod
    def build(cls, directory: Directory) -> NameIndex:
        """Index every employee's first name, surname, their parts and single-word aliases."""
        index = cls()
        dept_names = {d.id: d.name for d in directory.departments}
        for i, emp in enumerate(directory.employees):
            dept = dept_names.get(emp.department or "")
            index.people.append(Person(emp.id, emp.name, dept, emp.department))
            index.tokens_of[FIRST].append([])
            index.tokens_of[LAST].append([])
            index._add_name(i, emp.name)
            for alias in emp.aliases:
                index._add_name(i, alias)
        for token in index.vocabulary:
            index.by_sound[sound_key(token)].append(token)
            for key in _recall_keys(token):
                index.by_loose[key].append(token)
            for variant in deletions(token):
                index.by_deletion[variant].append(token)
        # defaultdicts must not grow on lookup at query time.
        index.postings = (dict(index.postings[FIRST]), dict(index.postings[LAST]))
        index.by_sound, index.by_loose = dict(index.by_sound), dict(index.by_loose)
        index.by_deletion = dict(index.by_deletion)
        return index

    def _add_name(self, person: int, name: str) -> None:
        words = name.split()
        if not words:
            return
        first = [joined(words[0]), *fold(words[0]).split()]
        last = [joined(" ".join(words[1:])), *fold(words[-1]).split(), joined(words[-1])]
        for role, parts in ((FIRST, first), (LAST, last if len(words) > 1 else [])):
            for token in dict.fromkeys(p for p in parts if p):
                holders = self.postings[role][token]
                if not holders or holders[-1] != person:
                    holders.append(person)
                    self.tokens_of[role][person].append(token)
                self.vocabulary.add(token)

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
        if 3 <= len(part) <= _MAX_TYPO_LENGTH:
            seen: set[str] = set()
            variants = deletions(part)
            if (
                5 <= len(part) <= _MAX_DOUBLE_DELETION
            ):  # two insertions, or insertion + substitution
                variants = {d2 for d1 in variants for d2 in deletions(d1)}
            for variant in variants:
                seen.update(self.by_deletion.get(variant, ()))
            for token in seen:
                if score := typo_score(part, token):
                    hits[token] = score
        for key in _recall_keys(part):
            for token in self.by_loose.get(key, ()):
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

    def holders(self, token: str, role: int) -> list[int]:
        """People carrying `token` in `role`."""
        return self.postings[role].get(token, [])
