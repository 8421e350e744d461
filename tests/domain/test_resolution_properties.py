"""Properties of the resolver that hold for any directory and any utterance (hypothesis)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import THRESHOLD, Resolution, ResolutionStatus, Resolver

_NAMES = st.text(alphabet=string.ascii_letters + "éüñ'-", min_size=1, max_size=12)
_WORDS = st.sampled_from(["Priya", "Raman", "Jon", "John", "Reid", "Reed", "Chen", "Chan", "Bob"])


@st.composite
def directories(draw: st.DrawFn) -> Directory:
    size = draw(st.integers(min_value=0, max_value=12))
    people = []
    for i in range(size):
        first = draw(st.one_of(_WORDS, _NAMES))
        last = draw(st.one_of(_WORDS, _NAMES))
        aliases = tuple(draw(st.lists(st.one_of(_WORDS, _NAMES), max_size=2)))
        people.append(Employee(f"e{i}", f"{first} {last}", "+13125550100", aliases, None, "d1"))
    depts = (Department("d1", draw(st.sampled_from(["Billing", "Help Desk", "Sales"]))),)
    return Directory(CompanyProfile("P"), depts, tuple(people))


_QUERIES = st.one_of(
    st.text(max_size=80),
    st.lists(
        st.one_of(_WORDS, _NAMES, st.sampled_from(["please", "is", "there", "the", "a"])),
        max_size=7,
    ).map(" ".join),
)


def _check(result: Resolution, query: str) -> None:
    assert result.query == query
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    if result.status == ResolutionStatus.NONE:
        assert result.candidates == ()
    elif result.status == ResolutionStatus.AMBIGUOUS:
        assert len(result.candidates) >= 2
        assert len({c.score for c in result.candidates}) == 1  # the tied set and nothing else
        assert len({c.id for c in result.candidates}) == len(result.candidates)
    elif result.status == ResolutionStatus.MATCH:
        assert result.candidates[0].kind == "employee"
        assert all(s >= THRESHOLD for s in scores)
        assert all(s < scores[0] for s in scores[1:])  # one clear winner
    else:
        assert result.candidates[0].kind == "department"
    assert set(result.as_json()) == {"query", "status", "candidates", "reason"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(directories(), _QUERIES)
def test_never_raises_and_answers_are_well_formed(directory: Directory, query: str) -> None:
    _check(Resolver.build(directory).resolve(query), query)


@settings(max_examples=100, deadline=None)
@given(directories(), st.data())
def test_every_full_name_finds_its_owner(directory: Directory, data: st.DataObject) -> None:
    if not directory.employees:
        return
    emp = data.draw(st.sampled_from(directory.employees))
    result = Resolver.build(directory).resolve(emp.name)
    _check(result, emp.name)
    # The owner is the match, or one of an ambiguous set of same-sounding names; never missing.
    if result.status != ResolutionStatus.DEPARTMENT and any(ch.isalpha() for ch in emp.name):
        assert result.status in (ResolutionStatus.MATCH, ResolutionStatus.AMBIGUOUS)
        top = [c.id for c in result.candidates if c.score == result.candidates[0].score]
        assert emp.id in top


@settings(max_examples=60, deadline=None)
@given(directories(), _QUERIES)
def test_resolution_is_deterministic_and_ignores_availability(
    directory: Directory, query: str
) -> None:
    from switchboard.domain.directory import EmployeeStatus

    away = Directory(
        directory.company,
        directory.departments,
        tuple(e.with_changes(status=EmployeeStatus.OUT_OF_OFFICE) for e in directory.employees),
    )
    assert Resolver.build(directory).resolve(query) == Resolver.build(away).resolve(query)
