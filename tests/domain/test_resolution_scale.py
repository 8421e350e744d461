"""Dial-by-name rules added for big directories: full names the recogniser ran together, and the
cap on how many people are offered when a name is shared."""

from __future__ import annotations

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import MAX_OFFERED, ResolutionStatus, Resolver

DEPARTMENTS = (Department("sales", "Sales"), Department("eng", "Engineering"))


def people(*names: str) -> Directory:
    emps = tuple(
        Employee(f"p{i}", n, f"+1312555{i:04d}", department=DEPARTMENTS[i % 2].id)
        for i, n in enumerate(names)
    )
    return Directory(CompanyProfile("X"), DEPARTMENTS, emps)


RESOLVER = Resolver.build(
    people("Marius Viks", "Ada Giron", "Annalee Smith", "Anna Lee", "Ann Leesmith")
)


def test_a_full_name_run_together_is_read_as_first_and_last() -> None:
    found = RESOLVER.resolve("mariusviks")
    assert (found.status, found.best.id if found.best else None) == (ResolutionStatus.MATCH, "p0")
    assert RESOLVER.resolve("can I speak to adagiron").best.id == "p1"  # type: ignore[union-attr]


def test_a_word_that_is_a_name_is_never_split() -> None:
    found = RESOLVER.resolve("annalee")  # Annalee, not Anna Lee
    assert [c.id for c in found.candidates] == ["p2"]


def test_a_run_together_reading_scores_below_the_same_name_said_apart() -> None:
    apart, joined = RESOLVER.resolve("ann leesmith"), RESOLVER.resolve("annleesmith")
    assert [c.id for c in apart.candidates] == [c.id for c in joined.candidates] == ["p4"]
    assert apart.candidates[0].score == 100.0
    assert joined.candidates[0].score < 100.0


def test_words_that_split_into_nobodys_names_stay_none() -> None:
    for said in ("viksmarius", "therefore", "payrolls"):
        assert RESOLVER.resolve(said).status is ResolutionStatus.NONE


def test_a_small_shared_name_offers_everyone_and_a_large_one_nobody() -> None:
    few = Resolver.build(people(*(f"Sam {s}" for s in ("Ng", "Ode", "Park")))).resolve("sam")
    assert few.status is ResolutionStatus.AMBIGUOUS
    assert len(few.offered) == len(few.candidates) == MAX_OFFERED
    many = Resolver.build(people(*(f"Sam {s}" for s in ("Ng", "Ode", "Park", "Quist", "Roe"))))
    found = many.resolve("sam")
    assert len(found.candidates) == 5  # the set itself stays exact
    assert found.offered == ()
    assert found.departments == ("Sales", "Engineering")
    narrowed = many.resolve("sam in engineering")
    assert {c.id for c in narrowed.candidates} == {"p1", "p3"}
    assert narrowed.offered == narrowed.candidates


def test_matches_and_departments_are_offered_as_they_are() -> None:
    match = RESOLVER.resolve("marius viks")
    assert match.offered == match.candidates
    dept = RESOLVER.resolve("sales")
    assert dept.status is ResolutionStatus.DEPARTMENT
    assert dept.offered == dept.candidates


def test_an_unknown_full_name_is_not_routed_by_a_topic_word_in_it() -> None:
    resolver = Resolver.build(
        Directory(CompanyProfile("X"), (Department("marketing", "Marketing"),), ())
    )
    assert resolver.resolve("milada pres").status is ResolutionStatus.NONE  # a name, not "press"
    for said in ("press", "a press inquiry", "my press release"):
        found = resolver.resolve(said)
        assert found.status is ResolutionStatus.DEPARTMENT, said
        assert found.best is not None
        assert found.best.id == "marketing"
