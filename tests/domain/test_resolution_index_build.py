"""The name index built in bulk (each distinct name part keyed once, people as columns) is the
index the per-person build made, and a resolver built from `NameRecord`s, or saved and read back,
answers as the one built from the `Directory`."""

from __future__ import annotations

import pickle
import random
from collections import defaultdict

import pytest

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import NameRecord, Resolver
from switchboard.domain.resolution.index import FIRST, LAST, NameIndex, People, Person
from switchboard.domain.resolution.normalize import fold, joined

DEPARTMENTS = (
    Department("sales", "Sales", ("new business",)),
    Department("payroll", "Payroll"),
    Department("it", "IT", ("help desk",)),
)
NAMES = [
    "Anne-Marie Dubois", "Anne Dubois", "Ann Lee", "Bo Diaz", "José Álvarez", "Jose Alvarez",
    "Mary Kate O'Brien-Smith", "Cher", "  Ann   Lee  ", "Siobhán Ní Bhriain", "Reid Lee",
    "Reed Lee", "William Smith", "Will Jones", "Zoë van der Berg", "", "Łukasz Wróbel",
]  # fmt: skip
ALIASES = {"William Smith": ("Bill", "Billy Smith"), "Ann Lee": ("Annie", "Ann"), "Cher": ("C",)}
TITLES = [None, "Engineer", "Head of Payroll", "IT Support Technician", "Chief Legal Counsel"]


def directory(size: int = 400, seed: int = 3) -> Directory:
    rng = random.Random(seed)
    people = []
    for i in range(size):
        name = NAMES[i] if i < len(NAMES) else f"{rng.choice(NAMES[:8])} {rng.choice(NAMES[8:14])}"
        people.append(
            Employee(
                f"e{i}", name, "+13125550100", ALIASES.get(name.strip(), ()),
                TITLES[i % len(TITLES)] if i != 7 else "Only Title Here",
                DEPARTMENTS[i % 4].id if i % 4 < 3 else None,
            )
        )  # fmt: skip
    return Directory(CompanyProfile("X"), DEPARTMENTS, tuple(people))


def reference(d: Directory) -> tuple[list[dict[str, list[int]]], list[list[list[str]]], set[str]]:
    """The per-person build this replaced: every name and alias of each person, in turn."""
    postings: list[dict[str, list[int]]] = [defaultdict(list), defaultdict(list)]
    tokens_of: list[list[list[str]]] = [[], []]
    vocabulary: set[str] = set()
    for i, emp in enumerate(d.employees):
        tokens_of[FIRST].append([])
        tokens_of[LAST].append([])
        for name in (emp.name, *emp.aliases):
            words = name.split()
            if not words:
                continue
            first = [joined(words[0]), *fold(words[0]).split()]
            last = [joined(" ".join(words[1:])), *fold(words[-1]).split(), joined(words[-1])]
            for role, parts in ((FIRST, first), (LAST, last if len(words) > 1 else [])):
                for token in dict.fromkeys(p for p in parts if p):
                    holders = postings[role][token]
                    if not holders or holders[-1] != i:
                        holders.append(i)
                        tokens_of[role][i].append(token)
                    vocabulary.add(token)
    return [dict(p) for p in postings], tokens_of, vocabulary


def records(d: Directory) -> list[NameRecord]:
    return [NameRecord(e.id, e.name, e.aliases, e.title, e.department) for e in d.employees]


def test_the_bulk_build_indexes_exactly_what_the_per_person_build_did() -> None:
    d = directory()
    index = NameIndex.build(d.employees, d.departments)
    postings, tokens_of, vocabulary = reference(d)
    assert [dict(p) for p in index.postings] == postings
    assert [[list(t) for t in ts] for ts in index.tokens_of] == tokens_of
    assert index.vocabulary == vocabulary
    for key, tokens in index.by_sound.items():  # every token under its keys, once
        assert len(tokens) == len(set(tokens)), key
        assert set(tokens) <= vocabulary, key
    assert {t for ts in index.by_sound.values() for t in ts} == vocabulary
    # People sharing a first name share its token tuple (stored once in a saved index).
    anns = [i for i, e in enumerate(d.employees) if e.name.split()[:1] == ["Anne"]]
    assert len(anns) > 1
    assert len({id(index.tokens_of[FIRST][i]) for i in anns}) == 1


def test_people_are_columns_read_as_person_records() -> None:
    d = directory(20)
    people = NameIndex.build(d.employees, d.departments).people
    assert len(people) == 20
    assert people[0] == Person("e0", "Anne-Marie Dubois", "Sales", "sales")
    assert people[3] == Person("e3", "Bo Diaz", None, None)  # no department
    assert people[-1].id == "e19"
    assert [p.id for p in people[1:3]] == ["e1", "e2"]
    assert people.number("e7") == 7
    assert people.number("nobody") is None
    with pytest.raises(IndexError):
        people[20]


@pytest.mark.parametrize(
    "ids",
    [["a", "b", "c"], ["only"], [""], ["", ""], [], ["has\x00separator", "b"]],
    ids=["plain", "one", "one-empty", "two-empty", "none", "separator-inside"],
)
def test_people_survive_a_pickle_round_trip(ids: list[str]) -> None:
    people = People(ids, [f"N {i}" for i in ids], [None] * len(ids), {"s": "Sales"})
    back = pickle.loads(pickle.dumps(people, protocol=pickle.HIGHEST_PROTOCOL))
    assert back.ids == ids
    assert back.names == people.names
    assert back.department_ids == people.department_ids
    assert back.departments == {"s": "Sales"}


QUERIES = [
    "Ann Lee", "annie", "bill smith", "Anne Marie Dubois", "jose alvarez", "Reed Lee", "cher",
    "mary kate obrien smith", "lukasz wrobel", "siobhan", "zoe van der berg", "Lee", "Dubois",
    "the head of payroll", "chief legal counsel", "I need IT support", "someone in sales",
    "anne dubios", "bo diaz in payroll", "is will in", "nobody here", "", "help desk please",
]  # fmt: skip


def answers(resolver: Resolver) -> list[object]:
    out: list[object] = []
    for q in QUERIES:
        out += [resolver.resolve(q).as_json(), resolver.scan(q).as_json()]
    out += [[c.id for c in resolver.colleagues(e)] for e in ("e0", "e3", "e7", "nobody")]
    out += [resolver.title_of(e) for e in ("e2", "e7", "nobody")]
    out.append(resolver.recognition_hints())
    return out


def test_a_resolver_from_name_records_or_read_back_answers_as_the_built_one() -> None:
    d = directory()
    built = Resolver.build(d)
    expected = answers(built)
    assert expected[2]["status"] != "none"  # type: ignore[index]  # the queries do find people
    assert answers(Resolver.from_people(d.departments, records(d))) == expected
    saved = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    assert answers(saved) == expected


def test_a_title_names_its_one_holder_from_records_too() -> None:
    d = directory(20)
    resolver = Resolver.from_people(d.departments, records(d))
    found = resolver.resolve("only title here")
    assert found.best is not None
    assert found.best.id == "e7"


def test_typo_maps_made_later_or_after_a_read_back_are_the_eager_ones() -> None:
    d = directory()
    eager = NameIndex.build(d.employees, d.departments)
    later = NameIndex.build(d.employees, d.departments, typo_maps=False)
    assert later.by_deletion is None
    assert later.by_loose is None
    assert later.strong("dubois")  # exact lookups need no typo maps
    assert later.by_deletion is None
    assert later.weak("duboiss") == eager.weak("duboiss") != {}
    assert later.by_deletion == eager.by_deletion
    assert later.by_loose == eager.by_loose
    back = pickle.loads(pickle.dumps(eager, protocol=pickle.HIGHEST_PROTOCOL))
    assert back.by_deletion is None  # not saved: remade at the first weak lookup
    assert back.vocabulary == eager.vocabulary
    assert back.weak("duboiss") == eager.weak("duboiss")
    assert back.by_deletion == eager.by_deletion


def test_a_lazily_mapped_resolver_answers_as_the_built_one() -> None:
    d = directory()
    lazy = Resolver.from_people(d.departments, records(d), typo_maps=False)
    assert answers(lazy) == answers(Resolver.build(d))
