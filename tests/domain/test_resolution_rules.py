"""Dial-by-name rules from docs/call-behaviour.md ("Name resolution", "Routing") on a hand-made directory."""

from __future__ import annotations

import pytest

from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
)
from switchboard.domain.resolution import Resolution, ResolutionStatus, Resolver

_DEPARTMENTS = (
    Department("billing", "Billing", ("accounts receivable", "invoices")),
    Department("payroll", "Payroll"),
    Department("it", "IT Support", ("help desk", "helpdesk")),
    Department("marketing", "Marketing"),
)

_PEOPLE: tuple[tuple[str, str, tuple[str, ...], str | None, str], ...] = (
    # id, name, aliases, title, department
    ("e01", "Priya Raman", (), "Controller", "billing"),
    ("e02", "Siobhan Kelly", (), None, "billing"),
    ("e03", "Robert Fischer", (), None, "payroll"),
    ("e04", "Elizabeth Warren", ("Betsy",), None, "payroll"),
    ("e05", "William Chen", (), None, "it"),
    ("e06", "Sandra Chan", (), None, "it"),
    ("e07", "Catherine Doyle", (), None, "marketing"),
    ("e08", "Kathryn Smith", (), "Marketing lead", "marketing"),
    ("e09", "Thomas Reid", (), None, "it"),
    ("e10", "Alan Reed", (), None, "billing"),
    ("e11", "John Bell", (), "Payroll specialist", "it"),
    ("e12", "Jon Bello", (), None, "it"),
    ("e13", "José Núñez", (), None, "billing"),
    ("e14", "Zoë Hartmann", (), None, "marketing"),
    ("e15", "Mary-Kate O'Brien-Smith", (), None, "billing"),
    ("e16", "Michael Ostrowski", ("Mike",), None, "it"),
    ("e17", "Michael Grant", ("Mike",), None, "payroll"),
    ("e18", "Patricia Lund", (), None, "billing"),
    ("e19", "Anthony Fairweather", (), None, "it"),
    ("e20", "Samantha Oyelaran", (), None, "marketing"),
)

OUT_OF_OFFICE = "e17"


def directory() -> Directory:
    """The test directory; Michael Grant is out of office (availability must not matter)."""
    employees = tuple(
        Employee(
            id=i,
            name=name,
            phone="+13125550100",
            aliases=aliases,
            title=title,
            department=dept,
            status=EmployeeStatus.OUT_OF_OFFICE if i == OUT_OF_OFFICE else EmployeeStatus.AVAILABLE,
        )
        for i, name, aliases, title, dept in _PEOPLE
    )
    return Directory(CompanyProfile("Acme"), _DEPARTMENTS, employees)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.build(directory())


def ids(result: Resolution) -> list[str]:
    return [c.id for c in result.candidates]


def assert_match(resolver: Resolver, query: str, expected: str) -> Resolution:
    result = resolver.resolve(query)
    assert result.status == ResolutionStatus.MATCH, (query, result)
    assert ids(result)[0] == expected, (query, result)
    return result


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Priya Raman", "e01"),
        ("priya", "e01"),  # first only, unique
        ("raman", "e01"),  # last only, unique
        ("PRIYA  RAMAN!", "e01"),
        ("Fischer", "e03"),
        ("Dr. Fischer", "e03"),
        ("Mrs Warren", "e04"),
        ("Ms. Priya Raman", "e01"),
    ],
)
def test_full_and_partial_names(resolver: Resolver, query: str, expected: str) -> None:
    assert_match(resolver, query, expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bob", "e03"),
        ("bob fischer", "e03"),
        ("rob fischer", "e03"),
        ("liz", "e04"),
        ("liz warren", "e04"),
        ("betsy", "e04"),  # a per-employee alias
        ("bill chen", "e05"),
        ("tony", "e19"),
        ("sam", "e20"),
        ("pat", "e18"),
        ("mike grant", "e17"),
    ],
)
def test_nicknames_and_aliases(resolver: Resolver, query: str, expected: str) -> None:
    assert_match(resolver, query, expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("priua raman", "e01"),
        ("priya ramen", "e01"),
        ("priya rman", "e01"),
        ("robert fisher", "e03"),
        ("Siobhan Kelyl", "e02"),  # transposition
        ("fairwether", "e19"),
        ("anthony fairwhether", "e19"),
        ("samantha oyelarn", "e20"),
        ("samantha oyelan", "e20"),  # two deletions: found through the sure first name
        ("samanta oyelaran", "e20"),
    ],
)
def test_typos_of_one_or_two_edits(resolver: Resolver, query: str, expected: str) -> None:
    result = assert_match(resolver, query, expected)
    assert result.candidates[0].score < 100  # not pretending to be exact


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pre a rahman", "e01"),
        ("shiv on", "e02"),
        ("shivon kelly", "e02"),
        ("could I speak to shiv on please", "e02"),
        ("tomas reed", "e09"),
    ],
)
def test_recogniser_respellings(resolver: Resolver, query: str, expected: str) -> None:
    assert_match(resolver, query, expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jose nunez", "e13"),
        ("José Núñez", "e13"),
        ("JOSÉ", "e13"),
        ("zoe", "e14"),
        ("Zoë Hartmann", "e14"),
        ("mary-kate", "e15"),
        ("mary kate", "e15"),
        ("marykate", "e15"),
        ("Mary-Kate O'Brien-Smith", "e15"),
        ("mary kate obrien smith", "e15"),
        ("o'brien smith", "e15"),
    ],
)
def test_accents_punctuation_and_hyphens(resolver: Resolver, query: str, expected: str) -> None:
    assert_match(resolver, query, expected)


@pytest.mark.parametrize(
    "query",
    [
        "could I speak to Priya Raman, please",
        "I'm looking for Priya Raman",
        "is priya there?",
        "transfer me to priya raman",
        "can you put me through to Ms Raman please",
        "um, priya",
    ],
)
def test_filler_words_are_ignored(resolver: Resolver, query: str) -> None:
    assert_match(resolver, query, "e01")


def test_filler_word_that_is_a_name_is_kept() -> None:
    d = directory()
    will = d.employees[0].with_changes(id="w1", name="Will Smith")
    r = Resolver.build(type(d)(d.company, d.departments, (*d.employees, will)))
    assert_match(r, "could I speak to will smith", "w1")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mike", {"e16", "e17"}),  # shared alias; e17 is out of office and still counts
        ("michael", {"e16", "e17"}),
        ("catherine", {"e07", "e08"}),  # Catherine / Kathryn sound identical
        ("kathryn", {"e07", "e08"}),
        ("reid", {"e09", "e10"}),
        ("reed", {"e09", "e10"}),
        ("john", {"e11", "e12"}),
        ("jon", {"e11", "e12"}),
    ],
)
def test_shared_or_identical_sounding_names_are_ambiguous(
    resolver: Resolver, query: str, expected: set[str]
) -> None:
    result = resolver.resolve(query)
    assert result.status == ResolutionStatus.AMBIGUOUS
    assert set(ids(result)) == expected  # the full set and nothing else
    assert len(ids(result)) == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kathryn doyle", "e07"),
        ("catherine smith", "e08"),
        ("tom reed", "e09"),
        ("alan reid", "e10"),
        ("jon bell", "e11"),
        ("john bello", "e12"),
    ],
)
def test_identical_sounding_names_resolve_with_the_other_part(
    resolver: Resolver, query: str, expected: str
) -> None:
    assert_match(resolver, query, expected)


@pytest.mark.parametrize(
    ("query", "expected", "similar"),
    [
        ("chen", "e05", "e06"),
        ("chan", "e06", "e05"),
        ("bell", "e11", "e12"),
        ("bello", "e12", "e11"),
    ],
)
def test_exact_spelling_beats_similar_sounding(
    resolver: Resolver, query: str, expected: str, similar: str
) -> None:
    result = assert_match(resolver, query, expected)
    assert similar not in ids(result)[:1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("billing", "billing"),
        ("the billing department", "billing"),
        ("accounts receivable", "billing"),
        ("someone in payroll", "payroll"),  # "payroll" is also in John Bell's title
        ("help desk", "it"),
        ("the help desk please", "it"),
        ("IT support", "it"),
        ("marketing", "marketing"),  # also in Kathryn Smith's title
        ("could I speak to someone in marketing", "marketing"),
        ("payrol", "payroll"),  # misheard
    ],
)
def test_departments(resolver: Resolver, query: str, expected: str) -> None:
    result = resolver.resolve(query)
    assert result.status == ResolutionStatus.DEPARTMENT
    assert result.candidates[0].kind == "department"
    assert result.candidates[0].id == expected
    assert result.candidates[0].department is None


def test_person_named_alongside_a_department_wins(resolver: Resolver) -> None:
    assert_match(resolver, "bob from payroll", "e03")


@pytest.mark.parametrize(
    "query",
    [
        "priya smith",  # both parts real, never together
        "john doe",
        "kathryn raman",
        "asdfghjkl",
        "",
        "   ",
        "?!.,",
        "please",
        "xx " * 500,
        "q",
        "pre a",
        "Robert'); DROP TABLE employees;--",
    ],
)
def test_nobody(resolver: Resolver, query: str) -> None:
    result = resolver.resolve(query)
    assert result.status == ResolutionStatus.NONE
    assert result.candidates == ()


def test_json_shape(resolver: Resolver) -> None:
    data = resolver.resolve("priya").as_json()
    assert set(data) == {"query", "status", "candidates", "reason"}
    assert data["status"] == "match"
    assert data["candidates"][0] == {
        "id": "e01",
        "name": "Priya Raman",
        "department": "Billing",
        "score": 100.0,
    }


def test_match_may_list_weaker_candidates_after_the_best(resolver: Resolver) -> None:
    result = resolver.resolve("catherine smith")
    assert result.status == ResolutionStatus.MATCH
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > max(scores[1:], default=0)


def test_recognition_hints(resolver: Resolver) -> None:
    hints = resolver.recognition_hints()
    assert "Priya Raman" in hints
    assert "Betsy" in hints
    assert "accounts receivable" in hints
    assert "Payroll" in hints
    assert len(hints) == len(set(hints))
    hints.clear()  # a copy: the resolver is immutable
    assert resolver.recognition_hints()


def test_empty_directory() -> None:
    r = Resolver.build(Directory(CompanyProfile("Empty")))
    assert r.resolve("priya").status == ResolutionStatus.NONE
    assert r.recognition_hints() == []


def _with(*extra: Employee, departments: tuple[Department, ...] = ()) -> Resolver:
    d = directory()
    return Resolver.build(Directory(d.company, d.departments + departments, d.employees + extra))


def test_surname_that_is_a_department_word() -> None:
    sales = Department("sales", "Sales")
    r = _with(
        Employee("s1", "Ann Sales", "+13125550100", department="billing"), departments=(sales,)
    )
    assert_match(r, "ann sales", "s1")
    result = r.resolve("someone in sales please")
    assert result.status == ResolutionStatus.DEPARTMENT
    assert result.candidates[0].id == "sales"


def test_nickname_that_is_also_a_filler_word() -> None:
    r = _with(
        Employee("w1", "William Pych", "+13125550100"), Employee("p1", "Amara Pych", "+13125550100")
    )
    assert_match(r, "could I speak to will pych", "w1")
    assert r.resolve("pych").status == ResolutionStatus.AMBIGUOUS


def test_person_in_another_department_falls_back_to_the_department(resolver: Resolver) -> None:
    # Priya works in Billing: "priya in payroll" is safest routed to Payroll's front contact.
    assert resolver.resolve("priya in payroll").candidates[0].id == "payroll"
    assert_match(resolver, "priya in billing", "e01")


def test_three_edits_are_not_guessed(resolver: Resolver) -> None:
    assert_match(resolver, "prika rsman", "e01")  # one edit in each part: two in all
    assert resolver.resolve("pqiyb rsman").status == ResolutionStatus.NONE  # three


def test_a_whole_name_that_is_another_persons_surname_too_is_that_person() -> None:
    # "Wei Ye": Wei Ye's whole name, and "Wei" alone is also Gang Wei's surname. Both scored the
    # top mark and the caller heard "Gang Wei or Wei Ye?" however often they said "Wei Ye".
    r = Resolver.build(
        Directory(
            CompanyProfile(name="Acme"),
            employees=(
                Employee(id="gang-wei", name="Gang Wei", phone="+16125550101"),
                Employee(id="wei-ye", name="Wei Ye", phone="+16125550102"),
                Employee(id="ann-lee-1", name="Ann Lee", phone="+16125550103"),
                Employee(id="ann-lee-2", name="Ann Lee", phone="+16125550104"),
            ),
        )
    )
    assert_match(r, "Wei Ye", "wei-ye")
    assert_match(r, "could I speak to wei ye please", "wei-ye")
    assert_match(r, "Gang Wei", "gang-wei")
    assert set(ids(r.resolve("Wei"))) == {"gang-wei", "wei-ye"}  # the part alone: both
    namesakes = r.resolve("Ann Lee")  # two people with the whole name: still both
    assert namesakes.status == ResolutionStatus.AMBIGUOUS
    assert set(ids(namesakes)) == {"ann-lee-1", "ann-lee-2"}
